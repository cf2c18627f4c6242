import type { ServiceContext } from '../../services/context.ts';
import { createAwsSecrets } from '../../platform/aws/secrets.ts';
import { awsConfig, memo, serviceContext } from './base.ts';
import { awsDatabase } from './database.ts';

/** The migrator (in the VPC): the database only. */
export const awsMigrateContext = memo(async (): Promise<ServiceContext> => {
  const config = awsConfig();
  return serviceContext(config, { sql: await awsDatabase(config, createAwsSecrets(config)) });
});
