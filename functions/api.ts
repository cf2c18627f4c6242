// HTTP API (API Gateway HTTP API, in the VPC): database, cache, queues (check now and on-demand browser
// runs go by queue, as jobs; the network tools and PDF reports by queue too, their answers come back
// through the blob bucket: services/queued-answers.ts); blobs and subscriptions serve a few routes only,
// so their SDK clients load on first use.
import type { Blobs, ConnectionStore, DeliveryLog } from '../layers/platform/ports.ts';
import { createAwsSecrets } from '../layers/platform/aws/secrets.ts';
import { createSqsQueue } from '../layers/platform/aws/sqs-queue.ts';
import { createHttpHandler } from '../layers/endpoints/router.ts';
import { apiRoutes } from '../layers/endpoints/routes/index.ts';
import { createProcessMetrics } from '../layers/platform/process-metrics.ts';
import { RedisCache } from '../layers/platform/redis-cache.ts';
import { metricsEnabled } from '../layers/services/metrics.ts';
import { queuedBrowserRunner, queuedToolInvoker } from '../layers/services/queued-answers.ts';
import { invokedToolRunner } from '../layers/services/tools.ts';
import { awsConfig, awsJwtSecret, lazy, memo, serviceContext } from '../layers/wiring/aws/context.ts';
import { awsDatabase } from '../layers/wiring/aws/database.ts';

const config = awsConfig();
const secrets = createAwsSecrets(config);
const cache = config.REDIS_URL ? new RedisCache(config.REDIS_URL, config.CACHE_PREFIX) : undefined;
const queue = createSqsQueue(config);
const { BLOB_BUCKET: bucket, CONNECTIONS_TABLE: table, TOOLS_QUEUE_URL: tools, BROWSER_QUEUE_URL: browser } = config;
const stores = () => import('../layers/platform/aws/dynamo-stores.ts').then((m) => m.createDynamoStores(config)!);
const blobs = bucket ? lazy<Blobs>(() => import('../layers/platform/aws/s3-blobs.ts').then((m) => m.createS3Blobs(config)!)) : undefined;
// GET /metrics: this container's own figures beside the installation's (each container keeps its own).
const processMetrics = metricsEnabled(config) || config.METRICS_BEARER_TOKEN_ARN ? createProcessMetrics() : undefined;

export const context = memo(async () =>
  // The stack's generated scrape token is read once, as METRICS_BEARER_TOKEN.
  serviceContext(config.METRICS_BEARER_TOKEN_ARN ? { ...config, METRICS_BEARER_TOKEN: await secrets.metricsToken() } : config, {
    sql: await awsDatabase(config, secrets),
    cache,
    queue,
    jwtSecret: await awsJwtSecret(config, secrets),
    processMetrics,
    blobs,
    connections: table ? lazy<ConnectionStore>(() => stores().then((s) => s.connections)) : undefined,
    deliveries: table ? lazy<DeliveryLog>(() => stores().then((s) => s.deliveryLog)) : undefined,
    browser: browser && blobs ? queuedBrowserRunner({ queue, blobs }) : undefined,
    tools: tools && blobs ? invokedToolRunner(queuedToolInvoker({ queue, blobs })) : undefined,
  }),
);

// Every route (endpoints/routes/index.ts) behind the router: match, authenticate, validate, answer.
export const handler = createHttpHandler(context, apiRoutes());
