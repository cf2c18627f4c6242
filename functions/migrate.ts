// CloudFormation custom resource: applies database migrations on every deploy (idempotent).
import { createMigrateHandler } from '../layers/handlers/migrate.ts';
import { awsServiceContext } from '../layers/platform/aws-context.ts';

export const handler = createMigrateHandler(awsServiceContext);
