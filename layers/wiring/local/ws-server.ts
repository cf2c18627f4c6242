import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Context } from 'aws-lambda';
import type { WsEvent, WsResult } from '../../handlers/ws.ts';
import type { Logger } from '../../platform/ports.ts';
import type { LocalPush } from '../../platform/local/memory-connections.ts';

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
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const m = /^\/ws\/([^/]+)\/?$/.exec(url.pathname);
    if (!m) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const connectionId = randomUUID();
    const query = { ...Object.fromEntries(url.searchParams), user_id: decodeURIComponent(m[1]!) };
    void handler(wsEvent('$connect', connectionId, { queryStringParameters: query }), lambdaContext).then(
      (res) => {
        if (res.statusCode !== 200) {
          const reason = res.statusCode === 401 ? 'Unauthorized' : res.statusCode === 403 ? 'Forbidden' : 'Bad Request';
          socket.end(`HTTP/1.1 ${res.statusCode} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${res.body ?? ''}`);
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
          push.sockets.set(connectionId, ws);
          ws.on('message', (data, isBinary) => {
            const body = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
            // Like an API Gateway route response: the handler's body goes back to the client.
            void handler(wsEvent('$default', connectionId, { body }), lambdaContext).then((res) => {
              if (res.body && ws.readyState === ws.OPEN) ws.send(res.body);
            });
          });
          ws.on('close', () => {
            push.sockets.delete(connectionId);
            void handler(wsEvent('$disconnect', connectionId), lambdaContext);
          });
        });
      },
      (err: unknown) => {
        log.error('websocket connect failed', { error: err instanceof Error ? err.message : String(err) });
        socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\n');
      },
    );
  };
  server.on('upgrade', onUpgrade);
  return () => {
    server.off('upgrade', onUpgrade);
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  };
}
