// Tools routes /api/v1/tools/* (outside the VPC: probes reach the internet; token-only auth):
// the probes and the JWT key; no database and no shared cache.
import { runTool } from '../layers/checks/index.ts';
import { createToolsHandler } from '../layers/endpoints/routes/tools.ts';
import { createAwsSecrets } from '../layers/platform/aws/secrets.ts';
import { awsConfig, awsJwtSecret, memo, serviceContext } from '../layers/wiring/aws/context.ts';

const config = awsConfig();
const secrets = createAwsSecrets(config);

export const context = memo(async () => serviceContext(config, { tools: { run: runTool }, jwtSecret: await awsJwtSecret(config, secrets) }));

export const handler = createToolsHandler(context);
