import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Context } from 'aws-lambda';
import { bodyTooLarge, errorResponse, type HttpEvent, type HttpResponse } from '../../endpoints/http.ts';
import { DomainError } from '../../errors.ts';
import type { Logger } from '../../platform/ports.ts';
import { BodyTooLargeError, ClientGoneError, toApiGatewayEvent, writeApiGatewayResult, writeStreamedResult } from './http-adapter.ts';

export type ApiHandler = (event: HttpEvent, context: Context) => Promise<HttpResponse>;

export interface LocalServerOptions {
  api: ApiHandler;
  frontendDir: string;
  host: string;
  port: number;
  log: Logger;
  /** Extra setup on the node:http server (the WebSocket upgrade handler). */
  onServer?: (server: Server) => void;
  /** Open connections accepted at once (default 1000). */
  maxConnections?: number;
  /** Time allowed for a request's headers (default 10 s). */
  headersTimeoutMs?: number;
  /** Config TRUST_PROXY: proxies whose X-Forwarded-For names the client. */
  trustProxy?: readonly string[] | undefined;
}

// What CloudFront's response headers policy adds on AWS (lib/web.ts), for the local server.
const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

function setSecurityHeaders(res: ServerResponse, path: string): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'strict-origin-when-cross-origin');
  // The API docs page runs an inline script, so the API gets the framing rule only.
  res.setHeader('content-security-policy', path.startsWith('/frontend/') ? DASHBOARD_CSP : "frame-ancestors 'none'");
}

/** The headers of `setSecurityHeaders` as raw lines, for answers written on the socket itself. */
export const RAW_SECURITY_HEADERS =
  "X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nContent-Security-Policy: frame-ancestors 'none'";

/** Node's own answers to a request it could not parse (as its default), with the security headers. */
const CLIENT_ERROR_STATUS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

/** How long a client whose request could not be parsed has to read the answer before its socket goes. */
const CLIENT_ERROR_GRACE_MS = 1_000;

function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, answering: ServerResponse | undefined): void {
  // Once an answer's head went out, a second status line would corrupt it (Node's own rule).
  if (!socket.writable || answering?.headersSent) {
    socket.destroy();
    return;
  }
  const status = CLIENT_ERROR_STATUS[err.code ?? ''] ?? '400 Bad Request';
  // end, then destroy a moment later: closing at once over the client's unread bytes resets the
  // connection before it reads the answer (as Node's own handler often does with a 431).
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n${RAW_SECURITY_HEADERS}\r\n\r\n`);
  setTimeout(() => socket.destroy(), CLIENT_ERROR_GRACE_MS).unref();
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

/** File errors that mean "nothing there" (404); any other is the server's fault (a 500 without details). */
const NOT_THERE = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'ELOOP', 'EINVAL']);

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
    });
    res.end(data);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== undefined && NOT_THERE.has(code)) return false;
    throw err;
  }
}

/** The local runner's HTTP front: the API Lambda handler for /api, the dashboard files for /frontend. */
export async function startLocalServer(opts: LocalServerOptions): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    setSecurityHeaders(res, path);
    if (path.startsWith('/api/') || path === '/metrics') {
      let result: HttpResponse;
      try {
        result = await opts.api(await toApiGatewayEvent(req, { trustProxy: opts.trustProxy }), lambdaContext);
      } catch (err) {
        // Anyone may hang up mid-body: not the server's error, and no one to answer.
        if (err instanceof ClientGoneError) {
          opts.log.debug('client left before its request body ended', { path });
          res.destroy();
          return;
        }
        result = errorResponse(err instanceof BodyTooLargeError ? bodyTooLarge(err.limit) : err, opts.log);
        // The rest of an oversized body is not read: close the connection after the answer.
        if (err instanceof BodyTooLargeError) result.headers['connection'] = 'close';
      }
      const { stream } = result;
      if (stream) {
        await writeStreamedResult(res, { ...result, stream }, (err) =>
          opts.log.error('streamed response failed', { error: err instanceof Error ? err.message : String(err) }),
        );
        return;
      }
      writeApiGatewayResult(res, result);
      return;
    }
    if (path === '/' || path === '/frontend' || path === '/frontend/') {
      res.writeHead(302, { location: '/frontend/html/index.html' }).end();
      return;
    }
    // Browsers ask for /favicon.ico on their own (an image or a JSON answer opened directly, say).
    if (path === '/favicon.ico') {
      res.writeHead(301, { location: '/frontend/favicon.svg', 'cache-control': 'public, max-age=86400' }).end();
      return;
    }
    if (path.startsWith('/frontend/') && (await serveStatic(opts.frontendDir, path, res))) return;
    writeApiGatewayResult(res, errorResponse(new DomainError('NOT_FOUND', `nothing at ${path}`)));
  };
  const headersTimeoutMs = opts.headersTimeoutMs ?? 10_000;
  // Slow senders are checked every second, not every 30 s (Node's default), so the timeout holds.
  const limits = {
    connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs),
    headersTimeout: headersTimeoutMs,
    requestTimeout: Math.max(60_000, headersTimeoutMs),
  };
  // The answer under way on each socket (keep-alive connections go on after one).
  const answering = new WeakMap<Duplex, ServerResponse>();
  const server = createServer(limits, (req, res) => {
    answering.set(req.socket, res);
    res.once('close', () => answering.delete(req.socket));
    handle(req, res).catch((err: unknown) => {
      opts.log.error('request failed', { error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) writeApiGatewayResult(res, errorResponse(err));
      else res.destroy();
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket, answering.get(socket)));
  server.keepAliveTimeout = 65_000;
  server.maxConnections = opts.maxConnections ?? 1000;
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
