import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback website whose health a test switches: up answers 200 with `body`, down answers `downStatus`. */
export interface FlakyTarget {
  url: string;
  hits: number;
  setUp(up: boolean): void;
  setBody(body: string): void;
  close(): Promise<void>;
}

export async function startFlakyTarget(opts: { downStatus?: number; body?: string } = {}): Promise<FlakyTarget> {
  let up = true;
  let body = opts.body ?? '<html><body><h1>Hello</h1></body></html>';
  const state = { hits: 0 };
  const server: Server = createServer((_req, res) => {
    state.hits++;
    if (up) res.writeHead(200, { 'content-type': 'text/html' }).end(body);
    else res.writeHead(opts.downStatus ?? 503, { 'content-type': 'text/plain' }).end('down');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    get hits() {
      return state.hits;
    },
    setUp: (u) => {
      up = u;
    },
    setBody: (b) => {
      body = b;
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
