// WebSocket API (in the VPC): $connect (JWT in ?token=, user_id in ?user_id=), $disconnect, $default.
// Database, cache and the connections table; answers go back as route responses.
import { createWsHandler } from '../layers/handlers/ws.ts';
import { createDynamoStores } from '../layers/platform/aws/dynamo-stores.ts';
import { createAwsSecrets } from '../layers/platform/aws/secrets.ts';
import { RedisCache } from '../layers/platform/redis-cache.ts';
import { awsConfig, awsJwtSecret, memo, serviceContext } from '../layers/wiring/aws/context.ts';
import { awsDatabase } from '../layers/wiring/aws/database.ts';

const config = awsConfig();
const secrets = createAwsSecrets(config);
const cache = config.REDIS_URL ? new RedisCache(config.REDIS_URL, config.CACHE_PREFIX) : undefined;
const dynamo = createDynamoStores(config);

export const context = memo(async () =>
  serviceContext(config, {
    sql: await awsDatabase(config, secrets),
    cache,
    connections: dynamo?.connections,
    deliveries: dynamo?.deliveryLog,
    jwtSecret: await awsJwtSecret(config, secrets),
  }),
);

export const handler = createWsHandler(context);
