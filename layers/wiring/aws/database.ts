import type { Config } from '../../config.ts';
import { connect, type Sql } from '../../repositories/db.ts';
import type { AwsSecrets } from '../../platform/aws/secrets.ts';

/** Aurora through its secret (DATABASE_SECRET_ARN), or DATABASE_URL when set. */
export async function awsDatabase(config: Config, secrets: AwsSecrets): Promise<Sql> {
  return config.DATABASE_URL
    ? connect({ url: config.DATABASE_URL, max: config.DATABASE_POOL_MAX })
    : connect(await secrets.databaseOptions());
}
