// Results queue consumer (in the VPC): records results, runs the alert state machine, writes the outbox.
// Database, the notifications queue, and who subscribes to what (the connections table).
import { createResultsHandler } from '../layers/handlers/pipeline.ts';
import { createDynamoStores } from '../layers/platform/aws/dynamo-stores.ts';
import { createAwsSecrets } from '../layers/platform/aws/secrets.ts';
import { createSqsQueue } from '../layers/platform/aws/sqs-queue.ts';
import { awsConfig, memo, serviceContext } from '../layers/wiring/aws/context.ts';
import { awsDatabase } from '../layers/wiring/aws/database.ts';

const config = awsConfig();
const secrets = createAwsSecrets(config);
const queue = createSqsQueue(config);
const dynamo = createDynamoStores(config);

export const context = memo(async () =>
  serviceContext(config, {
    sql: await awsDatabase(config, secrets),
    queue,
    connections: dynamo?.connections,
    deliveries: dynamo?.deliveryLog,
  }),
);

export const handler = createResultsHandler(context);
