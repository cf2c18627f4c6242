// EventBridge, daily: SSL/domain expiry sweep (through the check queue) and retention cleanup.
import { createDailyHandler } from '../layers/handlers/daily.ts';
import { awsDailyContext } from '../layers/wiring/aws/daily.ts';

export const handler = createDailyHandler(awsDailyContext);
