import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { recordAnomalies } from '../services/anomalies/service.ts';
import type { ServiceContext } from '../services/context.ts';
import { runDaily } from '../services/daily.ts';
import { packRecentDays } from '../services/read-model.ts';

/**
 * The hourly rule sends `{"job":"anomalies"}`: anomalies, then the charts' packed days (the day that
 * closed, new projects); anything else (the daily rule's scheduled event) is the daily run.
 */
const hourlyEvent = z.object({ job: z.literal('anomalies') });

export function createDailyHandler(getContext: () => Promise<ServiceContext>) {
  return middy<unknown, unknown, Error, Context>().handler(async (event) => {
    const ctx = await getContext();
    if (!hourlyEvent.safeParse(event).success) return runDaily(ctx);
    const anomalies = await recordAnomalies(ctx);
    return { ...anomalies, packed_days: await packRecentDays(ctx) };
  });
}
