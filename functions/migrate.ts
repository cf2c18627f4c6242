// CloudFormation custom resource: applies database migrations on every deploy (idempotent).
import { createMigrateHandler } from '../layers/handlers/migrate.ts';
import { awsMigrateContext } from '../layers/wiring/aws/migrate.ts';

export const handler = createMigrateHandler(awsMigrateContext);
