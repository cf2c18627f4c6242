// EventBridge, daily: SSL/domain expiry sweep (through the check queue) and retention cleanup.
import { createDailyHandler } from '../layers/handlers/daily.ts';
import { awsServiceContext } from '../layers/platform/aws-context.ts';

export const handler = createDailyHandler(awsServiceContext);
