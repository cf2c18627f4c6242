import middy from '@middy/core';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { ServiceContext } from '../services/context.ts';
import { tick, type TickOptions } from '../services/scheduler.ts';

export function createSchedulerHandler(getContext: () => Promise<ServiceContext>, opts: TickOptions = { lookaheadSeconds: 60 }) {
  return middy<EventBridgeEvent<string, unknown>, unknown, Error, Context>().handler(async () => tick(await getContext(), opts));
}
