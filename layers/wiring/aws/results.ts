import type { ServiceContext } from '../../services/context.ts';
import { createDynamoStores } from '../../platform/aws/dynamo-stores.ts';
import { createAwsSecrets } from '../../platform/aws/secrets.ts';
import { createSqsQueue } from '../../platform/aws/sqs-queue.ts';
import { awsConfig, memo, serviceContext } from './base.ts';
import { awsDatabase } from './database.ts';

/** The results consumer (in the VPC): database, the notifications queue, and who subscribes to what. */
export const awsResultsContext = memo(async (): Promise<ServiceContext> => {
  const config = awsConfig();
  const dynamo = createDynamoStores(config);
  return serviceContext(config, {
    sql: await awsDatabase(config, createAwsSecrets(config)),
    queue: createSqsQueue(config),
    connections: dynamo?.connections,
    deliveries: dynamo?.deliveryLog,
  });
});
