import { connect, type NetConnectOpts, type Socket } from 'node:net';
import { mkdtemp, open, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../../layers/platform/ports.ts';
import { startLocalServer } from '../../../layers/wiring/local/server.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../layers/platform/local/embedded-postgres.ts';
import { freshDatabaseUrl, startTestApp, type TestApp } from '../../support/app.ts';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.ts';
import { expectErrorBody } from './helpers.ts';

// Issue 16, point 12: what CloudFront and API Gateway give the AWS deployment, the local server
// does itself: security headers, a cap on connections, a short header timeout, an honest /health.

function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: hostname, port: Number(port) });
    s.once('connect', () => resolve(s)).once('error', reject);
  });
}

/** Sends `text` and collects what comes back until the server closes the connection. */
function exchange(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    socket.setEncoding('utf8').on('data', (c: string) => (got += c));
    socket.on('error', () => undefined).once('close', () => resolve(got));
    socket.write(text);
  });
}

describe('security headers', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  it.each([
    ['an API answer', '/api/v1/health', 200],
    ['an API error', '/api/v1/projects', 401],
    ['the API docs page', '/api/v1/docs', 200],
    ['a dashboard page', '/frontend/html/index.html', 200],
    ['a dashboard script', '/frontend/js/lib/api.js', 200],
    ['the root redirect', '/', 302],
    ['the icon browsers ask for on their own', '/favicon.ico', 301],
    ['nothing there', '/nothing', 404],
  ])('sends nosniff and frame-ancestors none with %s', async (_what, path, status) => {
    const res = await fetch(app.url + path, { redirect: 'manual' });
    await res.arrayBuffer();
    expect(res.status).toBe(status);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it.each([
    ['a malformed chunk', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n', '400 Bad Request'],
    ['both a length and chunks', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', '400 Bad Request'],
    ['headers over the limit', `GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`, '431 Request Header Fields Too Large'],
  ])('sends nosniff when the request cannot be parsed (%s)', async (_what, request, status) => {
    const answer = await exchange(await openSocket(app.url), request);
    expect(answer.split('\r\n')[0]).toBe(`HTTP/1.1 ${status}`);
    expect(answer).toContain('X-Content-Type-Options: nosniff');
    expect(answer).toContain("Content-Security-Policy: frame-ancestors 'none'");
  });

  it('answers a malformed request after a good one on the same keep-alive connection', async () => {
    const socket = await openSocket(app.url);
    let got = '';
    const closed = new Promise<void>((resolve) => socket.on('error', () => undefined).once('close', () => resolve()));
    const firstDone = new Promise<void>((resolve) => {
      socket.setEncoding('utf8').on('data', (c: string) => {
        got += c;
        const head = got.indexOf('\r\n\r\n');
        const length = Number(/content-length: (\d+)/i.exec(got)?.[1] ?? NaN);
        if (head >= 0 && got.length >= head + 4 + length) resolve();
      });
    });
    socket.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n');
    await firstDone;
    socket.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n');
    await closed;
    expect(got.match(/HTTP\/1\.1 \d{3}[^\r]*/g)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request']);
    expect(got.split('HTTP/1.1 400')[1]).toContain('X-Content-Type-Options: nosniff');
  });

  it.each([
    ['a malformed user id', '/ws/%', 400],
    ['no such WebSocket path', '/ws/', 404],
    ['a missing token', '/ws/1', 401],
  ])('sends nosniff when it refuses a WebSocket upgrade (%s)', async (_what, path, status) => {
    const socket = await openSocket(app.url);
    const answer = await exchange(socket, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
    expect(answer.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${status === 400 ? 'Bad Request' : status === 404 ? 'Not Found' : 'Unauthorized'}`);
    expect(answer.toLowerCase()).toContain('x-content-type-options: nosniff');
    expect(answer).toContain("Content-Security-Policy: frame-ancestors 'none'");
  });

  it('sends browsers asking for /favicon.ico to the dashboard icon', async () => {
    const res = await fetch(`${app.url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${app.url}/frontend/favicon.svg`);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    expect(await res.text()).toContain('<svg');
  });

  it("gives dashboard pages the deployment's content security policy: scripts from the site only", async () => {
    const res = await fetch(`${app.url}/frontend/html/index.html`);
    await res.arrayBuffer();
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
});

describe('dashboard files that cannot be served', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  const logged: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pym-static-'));
    // A sparse file past what readFile reads at once: it exists, but reading it fails (not "not found").
    const big = await open(join(dir, 'huge.bin'), 'w');
    await big.truncate(3 * 1024 ** 3);
    await big.close();
    await symlink(join(dir, 'loop-b'), join(dir, 'loop-a'));
    await symlink(join(dir, 'loop-a'), join(dir, 'loop-b'));
    const log = { debug() {}, info() {}, warn() {}, error: (m: string) => void logged.push(m), child: () => log } as unknown as Logger;
    server = await startLocalServer({
      api: async () => ({ statusCode: 204, headers: {}, body: '' }),
      frontendDir: dir,
      host: '127.0.0.1',
      port: 0,
      log,
    });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a file that exists but cannot be read with a plain 500: no path, no error text, logged', async () => {
    const res = await fetch(`${server.url}/frontend/huge.bin`);
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ detail: 'internal server error', code: 'INTERNAL', errors: [] });
    expect(text).not.toContain(dir);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(logged.length).toBeGreaterThan(0);
  });

  it('answers a symlink loop, like a missing file, with 404 and the security headers', async () => {
    const res = await fetch(`${server.url}/frontend/loop-a`);
    await res.arrayBuffer();
    expect(res.status).toBe(404);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});

describe('requests that end badly', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  const logged: { level: string; msg: string }[] = [];
  beforeAll(async () => {
    const at = (level: string) => (msg: string) => void logged.push({ level, msg });
    const log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log } as unknown as Logger;
    server = await startLocalServer({
      api: async (event) => {
        if (event.rawPath === '/api/v1/throws') throw new Error('handler bug with a secret path /etc/x');
        return { statusCode: 204, headers: {}, body: '' };
      },
      frontendDir: tmpdir(),
      host: '127.0.0.1',
      port: 0,
      log,
    });
  });
  afterAll(async () => server?.close());

  it('takes a client that hangs up mid-body as the client leaving, not as a server error', async () => {
    const s = await openSocket(server.url);
    s.write('POST /api/v1/projects HTTP/1.1\r\nHost: local\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"title":');
    await new Promise((r) => setTimeout(r, 50));
    s.destroy();
    for (let i = 0; i < 200 && !logged.some((l) => l.msg.includes('before its request body ended')); i++) await new Promise((r) => setTimeout(r, 10));
    expect(logged.filter((l) => l.level === 'debug').map((l) => l.msg)).toContain('client left before its request body ended');
    expect(logged.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
    expect((await fetch(`${server.url}/api/v1/health`)).status).toBe(204);
  });

  it('answers a handler that throws with a plain 500 and keeps serving', async () => {
    const res = await fetch(`${server.url}/api/v1/throws`);
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ detail: 'internal server error', code: 'INTERNAL', errors: [] });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(logged.some((l) => l.level === 'error')).toBe(true);
    expect((await fetch(`${server.url}/api/v1/health`)).status).toBe(204);
  });
});

describe('connection limits', () => {
  let app: TestApp;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    app = await startTestApp({ HTTP_MAX_CONNECTIONS: '3', HTTP_HEADERS_TIMEOUT_SECONDS: '1' });
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await app?.close();
  });

  it('closes a connection that sends its headers too slowly, with 408', async () => {
    const s = await openSocket(app.url);
    const answer = await exchange(s, 'GET /api/v1/health HTTP/1.1\r\nHost: local\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain('X-Content-Type-Options: nosniff');
  });

  it('closes connections beyond the cap unanswered, and serves again once one ends', async () => {
    for (let i = 0; i < 3; i++) sockets.push(await openSocket(app.url));
    const extra = await openSocket(app.url);
    expect(await exchange(extra, 'GET /api/v1/health HTTP/1.1\r\nHost: local\r\nConnection: close\r\n\r\n')).toBe('');
    sockets.pop()!.destroy();
    let answer = '';
    for (let i = 0; i < 50 && !answer; i++) {
      answer = await exchange(await openSocket(app.url), 'GET /api/v1/health HTTP/1.1\r\nHost: local\r\nConnection: close\r\n\r\n');
      if (!answer) await new Promise((r) => setTimeout(r, 20));
    }
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
  });
});

describe('/health while the database is down', () => {
  let app: TestApp;
  let proxy: TcpProxy;
  let embedded: EmbeddedPostgres | undefined;
  let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;

  beforeAll(async () => {
    // The server reaches its database through a proxy the test can cut: a real outage.
    database = await freshDatabaseUrl();
    let target: NetConnectOpts;
    if (database.url) {
      const u = new URL(database.url);
      target = { host: u.hostname, port: Number(u.port || 5432) };
    } else {
      embedded = await startEmbeddedPostgres();
      target = { path: embedded.socketPath };
    }
    proxy = await startTcpProxy(target);
    const url = new URL(database.url ?? 'postgres://postgres@localhost/postgres');
    url.hostname = proxy.host;
    url.port = String(proxy.port);
    app = await startTestApp({ DATABASE_URL: url.toString(), DATABASE_POOL_MAX: '1' });
  });
  afterAll(async () => {
    await proxy?.restore().catch(() => undefined);
    await app?.close();
    await proxy?.close();
    await embedded?.close();
    await database?.drop();
  });

  it('answers 200, then 503 (not 500) during the outage, then 200 again', async () => {
    expect((await app.request('GET', '/api/v1/health')).status).toBe(200);
    await proxy.cut();
    const down = await app.request('GET', '/api/v1/health');
    expectErrorBody(down, 503);
    expect(down.body.code).toBe('UNAVAILABLE');
    await proxy.restore();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await app.request('GET', '/api/v1/health')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(200);
  });
});
