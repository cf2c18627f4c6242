import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { KeyAndCert } from './certs.ts';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface TestHttpServer {
  /** `http://127.0.0.1:port` or `https://127.0.0.1:port`, no trailing slash. */
  url: string;
  port: number;
  /** Requests seen, as `METHOD /path`. */
  requests: string[];
  /** Connections accepted so far (each check must open its own). */
  connections(): number;
  close(): Promise<void>;
}

async function listen(server: http.Server | https.Server | net.Server, scheme: 'http' | 'https' | 'tcp') {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return { port, url: `${scheme}://127.0.0.1:${port}` };
}

function track(server: http.Server | https.Server | net.Server, requests: string[] | undefined) {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  server.on(server instanceof https.Server ? 'secureConnection' : 'connection', (s: net.Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  if (requests) server.on('request', (req: http.IncomingMessage) => requests.push(`${req.method} ${req.url}`));
  return {
    connections: () => connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A plain HTTP server on 127.0.0.1, port 0. */
export async function startHttpServer(handler: Handler): Promise<TestHttpServer> {
  const requests: string[] = [];
  const server = http.createServer(handler);
  const t = track(server, requests);
  const { port, url } = await listen(server, 'http');
  return { url, port, requests, ...t };
}

/** An HTTPS server on 127.0.0.1, port 0, with the given key and certificate. */
export async function startHttpsServer(tlsMaterial: KeyAndCert, handler: Handler): Promise<TestHttpServer> {
  const requests: string[] = [];
  const server = https.createServer({ key: tlsMaterial.key, cert: tlsMaterial.cert }, handler);
  const t = track(server, requests);
  const { port, url } = await listen(server, 'https');
  return { url, port, requests, ...t };
}

/** A TCP listener that accepts and then does nothing: TLS handshakes to it stall. */
export async function startSilentTcpServer(): Promise<TestHttpServer> {
  const server = net.createServer(() => {});
  const t = track(server, undefined);
  const { port, url } = await listen(server, 'tcp');
  return { url, port, requests: [], ...t };
}

/** A port on 127.0.0.1 that was just free: connections to it are refused. */
export async function closedTcpPort(): Promise<number> {
  const server = net.createServer();
  const { port } = await listen(server, 'tcp');
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
