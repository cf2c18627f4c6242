import middy from '@middy/core';
import type { APIGatewayProxyWebsocketEventV2, Context } from 'aws-lambda';
import { DomainError } from '../errors.ts';
import type { ServiceContext } from '../services/context.ts';
import * as realtime from '../services/realtime.ts';

export type WsEvent = APIGatewayProxyWebsocketEventV2 & { queryStringParameters?: Record<string, string | undefined> };
export interface WsResult {
  statusCode: number;
  body?: string;
}

/** WebSocket routes ($connect, $disconnect, $default) of spec 11. */
export function createWsHandler(getContext: () => Promise<ServiceContext>) {
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
