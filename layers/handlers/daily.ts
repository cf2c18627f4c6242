import middy from '@middy/core';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { ServiceContext } from '../services/context.ts';
import { runDaily } from '../services/daily.ts';

export function createDailyHandler(getContext: () => Promise<ServiceContext>) {
  return middy<EventBridgeEvent<string, unknown>, unknown, Error, Context>().handler(async () => runDaily(await getContext()));
}
