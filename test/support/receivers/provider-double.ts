import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { CapturedRequest } from './webhook-capture.ts';

// A loopback stand-in for a notification provider's API: every request is recorded, and the test's
// `answer` plays the service (checks the URL, headers and body as the service would, and answers
// with its status codes, error bodies and rate limits).

export interface DoubleAnswer {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
}

export type PlayService = (req: CapturedRequest) => DoubleAnswer;

export interface ProviderDouble {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  origin: string;
  requests: CapturedRequest[];
  /** Replaces how the service answers (e.g. to go down or rate-limit mid-test). */
  play(answer: PlayService): void;
  close(): Promise<void>;
}

export async function startProviderDouble(answer: PlayService): Promise<ProviderDouble> {
  const requests: CapturedRequest[] = [];
  let current = answer;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const captured: CapturedRequest = { method: req.method ?? '', path: req.url ?? '', headers, body, json: () => JSON.parse(body) as unknown };
      requests.push(captured);
      let a: DoubleAnswer;
      try {
        a = current(captured);
      } catch (err) {
        // A failed expectation inside the double answers 400 with the reason, like a strict API.
        a = { status: 400, body: { double_error: err instanceof Error ? err.message : String(err) } };
      }
      const text = a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
      const type = typeof a.body === 'string' || a.body === undefined ? 'text/plain; charset=utf-8' : 'application/json';
      res.writeHead(a.status, { 'content-type': type, ...a.headers });
      res.end(text);
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    play(next) {
      current = next;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
