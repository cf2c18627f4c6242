import type { ServiceContext } from '../../services/context.ts';
import { createDynamoStores } from '../../platform/aws/dynamo-stores.ts';
import { createAwsSecrets } from '../../platform/aws/secrets.ts';
import { awsConfig, awsJwtSecret, memo, serviceContext } from './base.ts';
import { awsCache } from './cache.ts';
import { awsDatabase } from './database.ts';

/** The WebSocket API (in the VPC): database, cache, the connections table; answers go back as route responses. */
export const awsWsContext = memo(async (): Promise<ServiceContext> => {
  const config = awsConfig();
  const secrets = createAwsSecrets(config);
  const sql = await awsDatabase(config, secrets);
  const dynamo = createDynamoStores(config);
  return serviceContext(config, {
    sql,
    cache: awsCache(config),
    connections: dynamo?.connections,
    deliveries: dynamo?.deliveryLog,
    jwtSecret: await awsJwtSecret(config, secrets),
  });
});
