import type { ServiceContext } from '../../services/context.ts';
import { createLambdaBrowserRunner, createLambdaProber } from '../aws/lambda-prober.ts';
import { createDynamoStores } from '../aws/dynamo-stores.ts';
import { createS3Blobs } from '../aws/s3-blobs.ts';
import { createAwsSecrets } from '../aws/secrets.ts';
import { createSqsQueue } from '../aws/sqs-queue.ts';
import { awsConfig, awsJwtSecret, memo, serviceContext } from './base.ts';
import { awsCache } from './cache.ts';
import { awsDatabase } from './database.ts';

/** The HTTP API (in the VPC): database, cache, queues, blobs, subscriptions; checks and browser runs by invocation. */
export const awsApiContext = memo(async (): Promise<ServiceContext> => {
  const config = awsConfig();
  const secrets = createAwsSecrets(config);
  const dynamo = createDynamoStores(config);
  return serviceContext(config, {
    blobs: createS3Blobs(config),
    connections: dynamo?.connections,
    deliveries: dynamo?.deliveryLog,
    sql: await awsDatabase(config, secrets),
    cache: awsCache(config),
    queue: createSqsQueue(config),
    prober: config.CHECKER_FUNCTION_NAME ? createLambdaProber(config.CHECKER_FUNCTION_NAME, config.AWS_REGION) : undefined,
    browser: config.BROWSER_FUNCTION_NAME ? createLambdaBrowserRunner(config.BROWSER_FUNCTION_NAME, config.AWS_REGION) : undefined,
    jwtSecret: await awsJwtSecret(config, secrets),
  });
});
