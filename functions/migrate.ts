// CloudFormation custom resource (in the VPC): applies database migrations on every deploy (idempotent).
import { createMigrateHandler } from '../layers/handlers/migrate.ts';
import { createAwsSecrets } from '../layers/platform/aws/secrets.ts';
import { awsConfig, memo, serviceContext } from '../layers/wiring/aws/context.ts';
import { awsDatabase } from '../layers/wiring/aws/database.ts';

const config = awsConfig();
const secrets = createAwsSecrets(config);

export const context = memo(async () => serviceContext(config, { sql: await awsDatabase(config, secrets) }));

export const handler = createMigrateHandler(context);
