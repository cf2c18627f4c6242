import { Agent, createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { connect, Socket, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { checkHost, type AddressPolicy, type HostResolver } from './address-policy.ts';

// A per-check HTTP proxy on loopback that every byte of the browser context goes through (Playwright
// forces loopback through it too). It resolves each host itself, applies the address policy and then
// connects to the very address it checked, so DNS rebinding cannot swap in a refused address, and
// traffic the request router never sees (shared workers, WebSockets opened by workers, preconnects)
// is held to the same policy.

export interface ProxyRefusal {
  /** http://host:port/path for plain HTTP, https://host:port (or the CONNECT target) for tunnels. */
  url: string;
  reason: string;
}

export interface UpstreamFailure {
  /** host:port the proxy tried to reach */
  authority: string;
  /** Node's error code, e.g. ECONNREFUSED */
  code: string;
}

export interface PolicyProxy {
  /** For BrowserContextOptions.proxy.server */
  readonly server: string;
  readonly refusals: ProxyRefusal[];
  /** Connections the proxy could not open, newest last; the browser only sees a generic proxy error. */
  readonly upstreamFailures: UpstreamFailure[];
  close(): Promise<void>;
}

export interface PolicyProxyOptions {
  policy: AddressPolicy;
  resolve?: HostResolver;
  /** Upstream connect timeout. */
  connectTimeoutMs?: number;
}

/** Marks proxy-generated refusals so they are not mistaken for the target's own 403. */
export const REFUSAL_HEADER = 'x-py-monitor-refused';
/** Carries the upstream error code on the proxy's own 502, so it is not mistaken for the target's. */
export const UPSTREAM_ERROR_HEADER = 'x-py-monitor-upstream-error';
const MAX_RECORDED = 100;
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export async function startPolicyProxy(options: PolicyProxyOptions): Promise<PolicyProxy> {
  const refusals: ProxyRefusal[] = [];
  const upstreamFailures: UpstreamFailure[] = [];
  const failed = (authority: string, err: unknown): string => {
    const code = err && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : 'ECONNABORTED';
    if (upstreamFailures.length >= MAX_RECORDED) upstreamFailures.shift();
    upstreamFailures.push({ authority, code });
    return code;
  };
  const sockets = new Set<Duplex>();
  const connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
  // Own agent, so upstream keep-alive sockets die with the check.
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const refuse = (url: string, reason: string) => {
    if (refusals.length < MAX_RECORDED) refusals.push({ url, reason });
  };

  // One verdict per host for the life of the check: a page asks for the same hosts many times, and a
  // host pinned to the address first checked cannot be rebound to another one mid-check.
  const pins = new Map<string, Promise<{ address: string } | { refused: string }>>();
  /** Resolves and checks the host; returns the checked address to connect to. */
  const pin = (host: string): Promise<{ address: string } | { refused: string }> => {
    const key = host.toLowerCase();
    let pinned = pins.get(key);
    if (!pinned) {
      pinned = checkHost(host, options.policy, options.resolve).then((verdict) => {
        if (!verdict.allowed) return { refused: verdict.reason };
        const address = verdict.addresses[0];
        return address ? { address } : { refused: `cannot resolve ${host}` };
      });
      if (pins.size > 500) pins.clear();
      pins.set(key, pinned);
    }
    return pinned;
  };

  const openUpstream = (address: string, port: number): Promise<Socket> =>
    new Promise((resolve, reject) => {
      // No Nagle on tunnels: TLS handshakes are small writes that would otherwise wait for delayed ACKs.
      const socket = connect({ host: address, port, noDelay: true });
      track(socket);
      const timer = setTimeout(
        () => socket.destroy(Object.assign(new Error(`connect to ${address}:${port} timed out`), { code: 'ETIMEDOUT' })),
        connectTimeoutMs,
      );
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(socket);
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });

  const server = createServer((req, res) => {
    void (async () => {
      const target = absoluteUrl(req);
      if (!target) {
        res.writeHead(400, { [REFUSAL_HEADER]: '1' }).end('proxy needs an absolute http URL');
        return;
      }
      const pinned = await pin(target.hostname);
      if ('refused' in pinned) {
        refuse(target.href, pinned.refused);
        res.writeHead(403, { 'content-type': 'text/plain', [REFUSAL_HEADER]: '1' }).end(`refused by monitoring policy: ${pinned.refused}`);
        return;
      }
      const port = Number(target.port || 80);
      const upstream = httpRequest({
        host: pinned.address,
        port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers: forwardHeaders(req.headers),
        setHost: false,
        agent,
      });
      upstream.on('response', (upstreamRes) => {
        const headers: string[] = [];
        for (let i = 0; i + 1 < upstreamRes.rawHeaders.length; i += 2) {
          const name = upstreamRes.rawHeaders[i] ?? '';
          if (!hopByHop.has(name.toLowerCase())) headers.push(name, upstreamRes.rawHeaders[i + 1] ?? '');
        }
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, headers);
        upstreamRes.pipe(res);
      });
      upstream.on('error', (err) => {
        const code = failed(`${target.hostname}:${port}`, err);
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain', [UPSTREAM_ERROR_HEADER]: code }).end(`upstream error ${code}`);
        else res.destroy();
      });
      req.pipe(upstream);
    })().catch(() => res.destroy());
  });

  // HTTPS and WebSockets arrive as CONNECT tunnels.
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    track(client);
    if (client instanceof Socket) client.setNoDelay(true);
    client.on('error', () => client.destroy());
    void (async () => {
      const { host, port } = splitHostPort(req.url ?? '');
      const label = `https://${req.url ?? ''}`;
      if (!host || !port) {
        client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
        return;
      }
      const pinned = await pin(host);
      if ('refused' in pinned) {
        refuse(label, pinned.refused);
        client.end(`HTTP/1.1 403 Forbidden\r\n${REFUSAL_HEADER}: 1\r\n\r\n`);
        return;
      }
      let upstream: Socket;
      try {
        upstream = await openUpstream(pinned.address, port);
      } catch (err) {
        const code = failed(`${host}:${port}`, err);
        client.end(`HTTP/1.1 502 Bad Gateway\r\n${UPSTREAM_ERROR_HEADER}: ${code}\r\n\r\n`);
        return;
      }
      upstream.on('error', () => client.destroy());
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    })().catch(() => client.destroy());
  });

  // Plain ws:// through an HTTP proxy may also come as an absolute-URI upgrade request.
  server.on('upgrade', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    track(client);
    client.on('error', () => client.destroy());
    void (async () => {
      const target = absoluteUrl(req);
      if (!target) {
        client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
        return;
      }
      const pinned = await pin(target.hostname);
      if ('refused' in pinned) {
        refuse(target.href, pinned.refused);
        client.end(`HTTP/1.1 403 Forbidden\r\n${REFUSAL_HEADER}: 1\r\n\r\n`);
        return;
      }
      const port = Number(target.port || 80);
      const upstream = await openUpstream(pinned.address, port).catch((err: unknown) => {
        failed(`${target.hostname}:${port}`, err);
        throw err;
      });
      upstream.on('error', () => client.destroy());
      const lines = [`${req.method ?? 'GET'} ${target.pathname}${target.search} HTTP/1.1`];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i] ?? '';
        if (!/^proxy-/i.test(name)) lines.push(`${name}: ${req.rawHeaders[i + 1] ?? ''}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    })().catch(() => client.destroy());
  });
  server.on('connection', track);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server: `http://127.0.0.1:${port}`,
    refusals,
    upstreamFailures,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

function absoluteUrl(req: IncomingMessage): URL | undefined {
  const raw = req.url ?? '';
  if (!/^(https?|wss?):\/\//i.test(raw)) return undefined;
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

function splitHostPort(authority: string): { host: string | undefined; port: number | undefined } {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(authority);
  if (!match) return { host: undefined, port: undefined };
  const port = Number(match[2]);
  return { host: match[1], port: port > 0 && port < 65536 ? port : undefined };
}

function forwardHeaders(headers: IncomingMessage['headers']): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name)) out[name] = value;
  }
  return out;
}
