import http from 'node:http';
import https from 'node:https';
import { listenOnLoopback, readRequest } from './loopback-server.ts';

// A real HTTP server on 127.0.0.1 that records every webhook POST and answers with a status the test
// chooses (and can change mid-test, to simulate a receiver that is down and then recovers).

export interface CapturedRequest {
  method: string;
  /** Path and query, e.g. `/hook`. */
  path: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The raw body as received (UTF-8). */
  body: string;
  /** The body parsed as JSON (throws when it is not JSON). */
  json(): unknown;
}

export interface WebhookCaptureOptions {
  /** Status to answer with; default 200. */
  status?: number;
  /** Response body; default empty. */
  body?: string;
  /** Serve HTTPS with this key and certificate (e.g. from test/support/servers/certs.ts). */
  tls?: { key: string; cert: string };
}

export interface WebhookCapture {
  /** `http://127.0.0.1:<port>/hook` (`https://` with tls). */
  url: string;
  port: number;
  requests: CapturedRequest[];
  setStatus(status: number, body?: string): void;
  /** Resolves once at least n requests arrived; rejects after timeoutMs (default 10 s). */
  waitFor(n: number, timeoutMs?: number): Promise<CapturedRequest[]>;
  close(): Promise<void>;
}

export async function startWebhookCapture(options: WebhookCaptureOptions = {}): Promise<WebhookCapture> {
  const requests: CapturedRequest[] = [];
  const waiters = new Set<() => void>();
  let status = options.status ?? 200;
  let responseBody = options.body ?? '';

  const handler: http.RequestListener = (req, res) => {
    void readRequest(req).then((captured) => {
      requests.push(captured);
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(responseBody);
      waiters.forEach((w) => w());
    });
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
  const { port, close } = await listenOnLoopback(server);

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/hook`,
    port,
    requests,
    setStatus(next, body = '') {
      status = next;
      responseBody = body;
    },
    waitFor(n, timeoutMs = 10_000) {
      if (requests.length >= n) return Promise.resolve(requests.slice());
      return new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(requests.slice());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${n} webhook request(s) within ${timeoutMs} ms, got ${requests.length}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    close,
  };
}
