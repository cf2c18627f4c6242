// EventBridge, every minute: claims due checks and enqueues them spread over the minute.
import { createSchedulerHandler } from '../layers/handlers/scheduler.ts';
import { awsSchedulerContext } from '../layers/wiring/aws/scheduler.ts';

export const handler = createSchedulerHandler(awsSchedulerContext, { lookaheadSeconds: 60 });
