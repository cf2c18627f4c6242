import http from 'node:http';
import { listenOnLoopback, readRequest } from './loopback-server.ts';
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
    void readRequest(req).then((captured) => {
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
  const listening = await listenOnLoopback(server);
  return {
    origin: `http://127.0.0.1:${listening.port}`,
    requests,
    play(next) {
      current = next;
    },
    close: listening.close,
  };
}
