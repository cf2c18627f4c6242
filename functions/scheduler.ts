// EventBridge, every minute (in the VPC): claims due checks and enqueues them in batches spread over the minute.
import { createSchedulerHandler } from '../layers/handlers/pipeline.ts';
import { createAwsSecrets } from '../layers/platform/aws/secrets.ts';
import { createSqsQueue } from '../layers/platform/aws/sqs-queue.ts';
import { awsConfig, memo, serviceContext } from '../layers/wiring/aws/context.ts';
import { awsDatabase } from '../layers/wiring/aws/database.ts';

const config = awsConfig();
const secrets = createAwsSecrets(config);
const queue = createSqsQueue(config);

export const context = memo(async () => serviceContext(config, { sql: await awsDatabase(config, secrets), queue }));

// Batches of 20 s of due times, sent 5 s early: the check queue's batching window (lib/checks.ts).
export const handler = createSchedulerHandler(context, { lookaheadSeconds: 60, batchWindowSeconds: 20, leadSeconds: 5 });
