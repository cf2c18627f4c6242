import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freshDatabaseUrl, startTestApp, type TestApp } from '../../support/app.ts';

// Issue 16's single-request crashes: each of these stopped the whole process before the fix.
let app: TestApp;
let user: { id: number; token: string };
/** What the server logged at warn level: a bad frame must be handled (and logged), not thrown. */
const warnings: { msg: string; error: unknown }[] = [];

beforeAll(async () => {
  const quiet = () => undefined;
  const log = { debug: quiet, info: quiet, error: quiet, warn: (msg: string, data?: Record<string, unknown>) => void warnings.push({ msg, error: data?.['error'] }) };
  app = await startTestApp({}, { log });
  user = await app.user('user');
});
afterAll(async () => {
  await app?.close();
});

const healthy = async () => (await app.request('GET', '/api/v1/health')).status;

/** Sends a raw HTTP upgrade request and returns the status line the server answers with. */
async function rawUpgrade(path: string): Promise<string> {
  const { port } = new URL(app.url);
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), '127.0.0.1', () => {
      sock.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    let data = '';
    sock.on('data', (d) => (data += d.toString()));
    sock.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
    sock.on('error', reject);
  });
}

/**
 * Upgrades a raw socket for the test user, writes `frame` as is (no client library to keep it valid),
 * and returns the close code the server sends back.
 */
async function rawFrameCloseCode(frame: Buffer): Promise<number | null> {
  const { port } = new URL(app.url);
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), '127.0.0.1', () => {
      sock.write(
        `GET /ws/${user.id}?token=${user.token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    let data = Buffer.alloc(0);
    let sent = false;
    sock.on('data', (d: Buffer) => {
      data = Buffer.concat([data, d]);
      if (!sent && data.includes('\r\n\r\n')) {
        sent = true;
        sock.write(frame);
      }
    });
    sock.on('close', () => {
      const rest = data.subarray(data.indexOf('\r\n\r\n') + 4);
      resolve(rest.length >= 4 && (rest[0]! & 0x0f) === 0x8 ? rest.readUInt16BE(2) : null);
    });
    sock.on('error', reject);
  });
}

/** A client frame: FIN set unless `fin` is false, `bits` ORed into the first byte, masked unless `masked` is false. */
function clientFrame(opcode: number, payload: string, opts: { fin?: boolean; bits?: number; masked?: boolean } = {}): Buffer {
  const body = Buffer.from(payload);
  const first = (opts.fin === false ? 0 : 0x80) | (opts.bits ?? 0) | opcode;
  if (opts.masked === false) return Buffer.concat([Buffer.from([first, body.length]), body]);
  const mask = Buffer.from([0x11, 0x22, 0x33, 0x44]);
  return Buffer.concat([Buffer.from([first, 0x80 | body.length]), mask, body.map((b, i) => b ^ mask[i % 4]!)]);
}

function openWs(): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}/ws/${user.id}?token=${user.token}`);
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, closed }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
}

describe('one request cannot stop the server', () => {
  it('answers a WebSocket upgrade with bad percent-encoding with 400 and keeps serving', async () => {
    expect(await rawUpgrade('/ws/%')).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawUpgrade('/ws/%E0%A4%A')).toBe('HTTP/1.1 400 Bad Request');
    expect(await healthy()).toBe(200);
  });

  it('closes a connection that sends a frame over 64 KiB (1009) and keeps serving', async () => {
    const { ws, closed } = await openWs();
    ws.send('x'.repeat(64 * 1024 + 1));
    expect(await closed).toBe(1009);
    expect(warnings).toContainEqual({ msg: 'websocket connection error', error: 'Max payload size exceeded' });
    expect(await healthy()).toBe(200);
  });

  it('closes a connection that sends a text frame with invalid UTF-8 (1007) and keeps serving', async () => {
    const { ws, closed } = await openWs();
    ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await closed).toBe(1007);
    expect(warnings).toContainEqual({ msg: 'websocket connection error', error: 'Invalid WebSocket frame: invalid UTF-8 sequence' });
    expect(await healthy()).toBe(200);
  });

  it.each([
    ['an unmasked client frame', clientFrame(0x1, '{"type":"ping"}', { masked: false })],
    ['reserved bits without an extension', clientFrame(0x1, 'x', { bits: 0x40 })],
    ['an unknown opcode', clientFrame(0x3, 'x')],
    ['a fragmented control frame', clientFrame(0x9, 'x', { fin: false })],
    ['a continuation with nothing to continue', clientFrame(0x0, 'x')],
    ['a close frame with a reserved code', clientFrame(0x8, '\u0003\u00e7')],
  ])('closes a connection that breaks the framing rules (%s) with 1002 and keeps serving', async (_what, frame) => {
    const before = warnings.length;
    expect(await rawFrameCloseCode(frame)).toBe(1002);
    expect(warnings.slice(before).map((w) => w.msg)).toContain('websocket connection error');
    expect(await healthy()).toBe(200);
  });

  it('still answers pings on other connections after one was closed for a bad frame', async () => {
    const bad = await openWs();
    const good = await openWs();
    bad.ws.send(Buffer.from([0xc3, 0x28]), { binary: false });
    expect(await bad.closed).toBe(1007);
    const pong = new Promise<string>((r) => good.ws.once('message', (d) => r(d.toString())));
    good.ws.send(JSON.stringify({ type: 'ping' }));
    expect(JSON.parse(await pong)).toMatchObject({ type: 'pong' });
    good.ws.close();
  });

  it.each(['127.255.255.255', '::ffff:127.255.255.255'])('reports a UDP target whose connect fails (%s) as a network error instead of crashing', async (host) => {
    // Linux refuses connect() to the loopback broadcast address without SO_BROADCAST (EACCES), the
    // same path as an IPv6 address on a host without an IPv6 route; the mapped form goes by a udp6 socket.
    const r = await app.request('POST', '/api/v1/tools/udp', { token: user.token, body: { host, port: 9, timeout: 2 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ state: 'error', is_open: false, error_kind: 'network' });
    expect(r.body.error_message).toMatch(/EACCES|permission/i);
    expect(await healthy()).toBe(200);
  });
});

describe('the last line of defence: `npm start` (py-monitor serve) keeps serving', () => {
  // The real entry point in a child process, with faults injected from a preloaded module: were the
  // guard not installed by `serve`, each of these would end the process.
  let child: ChildProcessWithoutNullStreams;
  let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
  let dataDir = '';
  let url = '';
  let stderr = '';
  beforeAll(async () => {
    db = await freshDatabaseUrl();
    dataDir = await mkdtemp(join(tmpdir(), 'pym-guard-'));
    const entry = fileURLToPath(new URL('../../../bin/py-monitor.ts', import.meta.url));
    const injector = fileURLToPath(new URL('../../support/fault-injector.ts', import.meta.url));
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'test-secret-0123456789-0123456789-0123456789',
      SCHEDULER_ENABLED: 'false',
      ...(db.url ? { DATABASE_URL: db.url } : {}),
    };
    child = spawn(process.execPath, ['--import', 'tsx', '--import', injector, entry, 'serve'], { stdio: 'pipe', env });
    child.stderr.on('data', (d) => (stderr += d.toString()));
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d.toString();
        const m = /running at (http:\/\/\S+?)\/? /.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`py-monitor serve exited ${code}: ${stderr}`)));
    });
  }, 60_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const waitForLog = async (text: string) => {
    for (let i = 0; i < 200 && !stderr.includes(text); i++) await new Promise((r) => setTimeout(r, 25));
    return stderr.includes(text);
  };

  it('logs an exception thrown from a callback and keeps serving', async () => {
    child.stdin.write('throw\n');
    expect(await waitForLog('injected fault from a callback')).toBe(true);
    expect(stderr).toContain('uncaught exception; still serving');
    expect((await fetch(`${url}/api/v1/health`)).status).toBe(200);
    expect(child.exitCode).toBeNull();
  });

  it('logs a rejected promise nobody awaited and keeps serving', async () => {
    child.stdin.write('reject\n');
    expect(await waitForLog('injected rejection nobody awaits')).toBe(true);
    expect(stderr).toContain('unhandled promise rejection; still serving');
    expect((await fetch(`${url}/api/v1/health`)).status).toBe(200);
    expect(child.exitCode).toBeNull();
  });

  it("logs an 'error' event nobody listens to (the frame bug's kind) and keeps serving", async () => {
    child.stdin.write('emit\n');
    expect(await waitForLog('injected error event nobody listens to')).toBe(true);
    expect((await fetch(`${url}/api/v1/health`)).status).toBe(200);
    expect(child.exitCode).toBeNull();
  });

  it('stops cleanly on SIGTERM after all that', async () => {
    expect(child.exitCode).toBeNull();
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
