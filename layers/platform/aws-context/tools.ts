import type { ServiceContext } from '../../services/context.ts';
import { createAwsSecrets } from '../aws/secrets.ts';
import { awsConfig, awsJwtSecret, memo, serviceContext } from './base.ts';

/** The tools API (outside the VPC): no database and no shared cache, only the JWT key. */
export const awsToolsContext = memo(async (): Promise<ServiceContext> => {
  const config = awsConfig();
  return serviceContext(config, { jwtSecret: await awsJwtSecret(config, createAwsSecrets(config)) });
});
