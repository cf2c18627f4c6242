import { runTool } from '../../checks/index.ts';
import type { ServiceContext } from '../../services/context.ts';
import { createAwsSecrets } from '../../platform/aws/secrets.ts';
import { awsConfig, awsJwtSecret, memo, serviceContext } from './base.ts';

/** The tools API (outside the VPC): the probes and the JWT key; no database and no shared cache. */
export const awsToolsContext = memo(async (): Promise<ServiceContext> => {
  const config = awsConfig();
  return serviceContext(config, { tools: { run: runTool }, jwtSecret: await awsJwtSecret(config, createAwsSecrets(config)) });
});
