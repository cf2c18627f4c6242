import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Context } from 'aws-lambda';
import type { WsEvent, WsResult } from '../../handlers/ws.ts';
import type { Logger } from '../../platform/ports.ts';
import type { LocalPush } from '../../platform/local/memory-connections.ts';
import { RAW_SECURITY_HEADERS } from './server.ts';

type WsHandler = (event: WsEvent, context: Context) => Promise<WsResult>;

function wsEvent(routeKey: string, connectionId: string, extra: Partial<WsEvent> = {}): WsEvent {
  const now = Date.now();
  return {
    requestContext: {
      routeKey,
      eventType: routeKey === '$connect' ? 'CONNECT' : routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE',
      connectionId,
      messageId: randomUUID(),
      extendedRequestId: randomUUID(),
      requestTime: new Date(now).toUTCString(),
      requestTimeEpoch: now,
      connectedAt: now,
      messageDirection: 'IN',
      stage: 'local',
      domainName: 'localhost',
      apiId: 'local',
      requestId: randomUUID(),
    },
    isBase64Encoded: false,
    ...extra,
  } as WsEvent;
}

const lambdaContext = { functionName: 'ws', awsRequestId: 'local' } as Context;

/**
 * `/ws/{user_id}?token=` on the local server, feeding the WebSocket Lambda handler the same
 * $connect / $default / $disconnect events API Gateway would.
 */
export function attachWebSocketServer(server: Server, handler: WsHandler, push: LocalPush, log: Logger): () => void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));
  const refuse = (socket: Duplex, status: number, reason: string, body = '') => {
    // The headers every answer of the local server carries (server.ts), refusals of an upgrade too.
    const headers = `Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n${RAW_SECURITY_HEADERS}`;
    if (socket.writable) socket.end(`HTTP/1.1 ${status} ${reason}\r\n${headers}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    else socket.destroy();
  };
  // Each step a client drives (the upgrade, each frame, the close) is caught here: one connection's
  // bad input or a failing handler ends that connection at most, never the process.
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const m = /^\/ws\/([^/]+)\/?$/.exec(url.pathname);
    let userId: string | undefined;
    try {
      userId = m ? decodeURIComponent(m[1]!) : undefined;
    } catch {
      refuse(socket, 400, 'Bad Request', 'malformed percent-encoding in the path');
      return;
    }
    if (userId === undefined) {
      refuse(socket, 404, 'Not Found');
      return;
    }
    const connectionId = randomUUID();
    const query = { ...Object.fromEntries(url.searchParams), user_id: userId };
    handler(wsEvent('$connect', connectionId, { queryStringParameters: query }), lambdaContext)
      .then((res) => {
        if (res.statusCode !== 200) {
          const reason = res.statusCode === 401 ? 'Unauthorized' : res.statusCode === 403 ? 'Forbidden' : 'Bad Request';
          refuse(socket, res.statusCode, reason, res.body ?? '');
          return;
        }
        if (socket.destroyed) {
          void handler(wsEvent('$disconnect', connectionId), lambdaContext).catch(() => undefined);
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws: WebSocket) => accept(ws, connectionId));
      })
      .catch((err: unknown) => {
        log.error('websocket connect failed', { error: describe(err) });
        refuse(socket, 500, 'Internal Server Error');
      });
  };
  const accept = (ws: WebSocket, connectionId: string) => {
    push.sockets.set(connectionId, ws);
    // Oversized or invalid frames (maxPayload, bad UTF-8) surface here; ws closes the socket itself.
    ws.on('error', (err) => log.warn('websocket connection error', { connectionId, error: describe(err) }));
    ws.on('message', (data, isBinary) => {
      const body = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
      // Like an API Gateway route response: the handler's body goes back to the client.
      handler(wsEvent('$default', connectionId, { body }), lambdaContext)
        .then((res) => {
          if (res.body && ws.readyState === ws.OPEN) ws.send(res.body);
        })
        .catch((err: unknown) => log.error('websocket message failed', { connectionId, error: describe(err) }));
    });
    ws.on('close', () => {
      push.sockets.delete(connectionId);
      handler(wsEvent('$disconnect', connectionId), lambdaContext).catch((err: unknown) =>
        log.error('websocket disconnect failed', { connectionId, error: describe(err) }),
      );
    });
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Until ws owns the socket, a reset from the client would be an unhandled 'error' event.
    socket.on('error', (err) => log.debug('websocket upgrade socket error', { error: describe(err) }));
    try {
      upgrade(req, socket, head);
    } catch (err) {
      log.error('websocket upgrade failed', { error: describe(err) });
      refuse(socket, 500, 'Internal Server Error');
    }
  };
  server.on('upgrade', onUpgrade);
  return () => {
    server.off('upgrade', onUpgrade);
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  };
}
