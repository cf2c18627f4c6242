import type { ServiceContext } from '../../services/context.ts';
import type { BrowserRunner, Blobs, ConnectionStore, DeliveryLog, Prober } from '../../platform/ports.ts';
import { createAwsSecrets } from '../../platform/aws/secrets.ts';
import { createSqsQueue } from '../../platform/aws/sqs-queue.ts';
import { awsConfig, awsJwtSecret, lazy, memo, serviceContext } from './base.ts';
import { awsCache } from './cache.ts';
import { awsDatabase } from './database.ts';

/**
 * The HTTP API (in the VPC): database, cache, queues; blobs, subscriptions and the checker/browser
 * invocations are used by a few routes only, so their SDK clients load on first use.
 */
export const awsApiContext = memo(async (): Promise<ServiceContext> => {
  const config = awsConfig();
  const secrets = createAwsSecrets(config);
  const bucket = config.BLOB_BUCKET;
  const table = config.CONNECTIONS_TABLE;
  const checker = config.CHECKER_FUNCTION_NAME;
  const browserFn = config.BROWSER_FUNCTION_NAME;
  const stores = () => import('../../platform/aws/dynamo-stores.ts').then((m) => m.createDynamoStores(config)!);
  return serviceContext(config, {
    blobs: bucket ? lazy<Blobs>(() => import('../../platform/aws/s3-blobs.ts').then((m) => m.createS3Blobs(config)!)) : undefined,
    connections: table ? lazy<ConnectionStore>(() => stores().then((s) => s.connections)) : undefined,
    deliveries: table ? lazy<DeliveryLog>(() => stores().then((s) => s.deliveryLog)) : undefined,
    sql: await awsDatabase(config, secrets),
    cache: awsCache(config),
    queue: createSqsQueue(config),
    prober: checker ? lazy<Prober>(() => import('../../platform/aws/lambda-prober.ts').then((m) => m.createLambdaProber(checker, config.AWS_REGION))) : undefined,
    browser: browserFn
      ? lazy<BrowserRunner>(() => import('../../platform/aws/lambda-prober.ts').then((m) => m.createLambdaBrowserRunner(browserFn, config.AWS_REGION)))
      : undefined,
    jwtSecret: await awsJwtSecret(config, secrets),
  });
});
