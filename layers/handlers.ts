import middy from '@middy/core';
import type {
  APIGatewayProxyWebsocketEventV2,
  Context,
  EventBridgeEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { DomainError } from './errors.ts';
import type { CheckerContext } from './services/checker.ts';
import { handleCheckBatch, runCheck } from './services/checker.ts';
import { checkMessageSchema } from './services/messages.ts';
import type { NotifierContext } from './services/notifier.ts';
import { handleNotifyBatch } from './services/notifier.ts';
import { handleResultsBatch } from './services/results.ts';
import { tick, type TickOptions } from './services/scheduler.ts';
import { runDaily } from './services/daily.ts';
import { migrate } from './repositories/migrate.ts';
import * as realtime from './services/realtime.ts';
import type { ServiceContext } from './services/context.ts';

// Handler factories: each Lambda entry in functions/ binds one to the AWS context; the local
// runner binds the same ones to its own context. Nothing here knows which.

type Get<T> = () => Promise<T>;

export function createSchedulerHandler(getContext: Get<ServiceContext>, opts: TickOptions = { lookaheadSeconds: 60 }) {
  return middy<EventBridgeEvent<string, unknown>, unknown, Error, Context>().handler(async () => tick(await getContext(), opts));
}

/** Direct invocation for "check now": `{ probe: <check message> }` returns the result message. */
export type ProbeEvent = { probe: unknown };

export function createCheckerHandler(getContext: Get<CheckerContext>) {
  return middy<SQSEvent | ProbeEvent, SQSBatchResponse | unknown, Error, Context>().handler(async (event) => {
    const c = await getContext();
    if ('probe' in event) return runCheck(c, checkMessageSchema.parse(event.probe));
    return handleCheckBatch(c, event);
  });
}

export function createResultsHandler(getContext: Get<ServiceContext>) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event) => handleResultsBatch(await getContext(), event));
}

export function createNotifierHandler(getContext: Get<NotifierContext>) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event) => handleNotifyBatch(await getContext(), event));
}

export function createDailyHandler(getContext: Get<ServiceContext>) {
  return middy<EventBridgeEvent<string, unknown>, unknown, Error, Context>().handler(async () => runDaily(await getContext()));
}

export type WsEvent = APIGatewayProxyWebsocketEventV2 & { queryStringParameters?: Record<string, string | undefined> };
export interface WsResult {
  statusCode: number;
  body?: string;
}

/** WebSocket routes ($connect, $disconnect, $default) of spec 11. */
export function createWsHandler(getContext: Get<ServiceContext>) {
  return middy<WsEvent, WsResult, Error, Context>().handler(async (event) => {
    const ctx = await getContext();
    const { routeKey, connectionId } = event.requestContext;
    try {
      if (routeKey === '$connect') {
        const q = event.queryStringParameters ?? {};
        await realtime.connect(ctx, { connectionId, token: q['token'], userId: q['user_id'] });
      } else if (routeKey === '$disconnect') {
        await realtime.disconnect(ctx, connectionId);
      } else {
        const body = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : (event.body ?? '');
        const reply = await realtime.onMessage(ctx, connectionId, body);
        if (reply) return { statusCode: 200, body: JSON.stringify(reply) };
      }
      return { statusCode: 200 };
    } catch (err) {
      if (err instanceof DomainError) {
        return { statusCode: err.code === 'UNAUTHORIZED' ? 401 : err.code === 'FORBIDDEN' ? 403 : 400, body: err.message };
      }
      ctx.log.error('websocket handler failed', { routeKey, error: err instanceof Error ? err.message : String(err) });
      return { statusCode: 500, body: 'internal error' };
    }
  });
}

/** Custom resource (Provider framework): Create and Update migrate; Delete keeps the data. */
export function createMigrateHandler(getContext: Get<ServiceContext>) {
  return middy<{ RequestType?: string; PhysicalResourceId?: string }, { PhysicalResourceId: string; Data: Record<string, string> }, Error, Context>().handler(
    async (event) => {
      const physicalId = event.PhysicalResourceId ?? 'py-monitor-migrations';
      const none: Record<string, string> = {};
      if (event.RequestType === 'Delete') return { PhysicalResourceId: physicalId, Data: none };
      const ctx = await getContext();
      const applied = await migrate(ctx.sql);
      ctx.log.info('migrations applied', { applied });
      return { PhysicalResourceId: physicalId, Data: { applied: applied.join(',') } };
    },
  );
}
