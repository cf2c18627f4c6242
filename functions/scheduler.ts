// EventBridge, every minute: claims due checks and enqueues them spread over the minute.
import { createSchedulerHandler } from '../layers/handlers/scheduler.ts';
import { awsServiceContext } from '../layers/platform/aws-context.ts';

export const handler = createSchedulerHandler(awsServiceContext, { lookaheadSeconds: 60 });
