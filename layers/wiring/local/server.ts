import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { errorResponse, type HttpEvent, type HttpResponse } from '../../endpoints/http.ts';
import { DomainError } from '../../errors.ts';
import type { Logger } from '../../platform/ports.ts';
import { BodyTooLargeError, toApiGatewayEvent, writeApiGatewayResult } from './http-adapter.ts';

export type ApiHandler = (event: HttpEvent, context: Context) => Promise<HttpResponse>;

export interface LocalServerOptions {
  api: ApiHandler;
  frontendDir: string;
  host: string;
  port: number;
  log: Logger;
  /** Extra setup on the node:http server (the WebSocket upgrade handler). */
  onServer?: (server: Server) => void;
}

const mime: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

const lambdaContext = { functionName: 'api', awsRequestId: 'local' } as Context;

async function serveStatic(root: string, urlPath: string, res: ServerResponse): Promise<boolean> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.replace(/^\/frontend\//, ''));
  } catch {
    return false;
  }
  const file = resolve(join(root, rel));
  if (!file.startsWith(resolve(root) + sep)) return false;
  try {
    const s = await stat(file);
    if (!s.isFile()) return false;
    const data = await readFile(file);
    res.writeHead(200, {
      'content-type': mime[extname(file)] ?? 'application/octet-stream',
      'content-length': data.length,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(data);
    return true;
  } catch {
    return false;
  }
}

/** The local runner's HTTP front: the API Lambda handler for /api, the dashboard files for /frontend. */
export async function startLocalServer(opts: LocalServerOptions): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/api/')) {
      let result: HttpResponse;
      try {
        result = await opts.api(await toApiGatewayEvent(req), lambdaContext);
      } catch (err) {
        result = errorResponse(
          err instanceof BodyTooLargeError ? new DomainError('VALIDATION', err.message, { errors: [{ field: 'body', message: err.message }] }) : err,
          opts.log,
        );
      }
      writeApiGatewayResult(res, result);
      return;
    }
    if (path === '/' || path === '/frontend' || path === '/frontend/') {
      res.writeHead(302, { location: '/frontend/html/index.html' }).end();
      return;
    }
    if (path.startsWith('/frontend/') && (await serveStatic(opts.frontendDir, path, res))) return;
    writeApiGatewayResult(res, errorResponse(new DomainError('NOT_FOUND', `nothing at ${path}`)));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      opts.log.error('request failed', { error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) writeApiGatewayResult(res, errorResponse(err));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  opts.onServer?.(server);
  await new Promise<void>((r, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => r());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
