import { decodeBody, DEFAULT_MAX_BODY_BYTES } from './body.ts';
import { connectHop, now, ProbeFailure, type Hop, type TlsSummary } from './connect.ts';
import { ResponseParser, serializeRequest } from './http1.ts';
import { inStatusRanges, statusRanges } from './status-codes.ts';
import { checkText } from './texts.ts';
import { classifySocketError, errorText, roundMs, type ErrorKind, type Failure, type NetworkOptions } from './types.ts';

export interface HttpProbeOptions extends NetworkOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Bounds one attempt end to end: DNS, connect, TLS, headers and body. Default 30 s. */
  timeoutMs?: number;
  /** A response slower than this is a failure (`too_slow`), as the project's `time_limit`. */
  timeLimitMs?: number;
  /**
   * Accepted final statuses: a code, or a list of codes and ranges ("200-299", "404", as a project's
   * `accepted_status_codes`); default any 2xx or 3xx.
   */
  expectedStatus?: number | readonly (number | string)[];
  followRedirects?: boolean;
  maxRedirects?: number;
  /** Extra attempts after a failure (not after `blocked` or `invalid`). */
  retryCount?: number;
  /** Backoff before retry n is n * retryDelayMs. Default 500 ms. */
  retryDelayMs?: number;
  /**
   * The whole check's time, every try and backoff included (see `checkBudgetMs`): a try is cut at
   * it, no retry starts that could not get a useful share of it, and a check cut short says
   * "timed out after N s".
   */
  budgetMs?: number;
  /** Return the decoded body text (capped at maxBodyBytes) for content, keyword and change checks. */
  captureBody?: boolean;
  maxBodyBytes?: number;
  /** Extra trusted CA certificates (PEM), on top of the system roots. */
  ca?: string[];
  userAgent?: string;
}

export interface HttpTimings {
  dns: number;
  connect: number;
  tls: number;
  ttfb: number;
  transfer: number;
  total: number;
}

export type { TlsSummary } from './connect.ts';

export interface HttpResult {
  url: string;
  final_url: string;
  method: string;
  is_available: boolean;
  status_code: number | null;
  /** Milliseconds for the whole successful (or last) attempt, redirects included. */
  response_time: number;
  error_kind: ErrorKind | null;
  error_message: string | null;
  resolved_ip: string | null;
  redirect_count: number;
  redirects: { url: string; status_code: number }[];
  /** Phases of the final hop; `total` covers the whole attempt. */
  timings: HttpTimings;
  /** Bytes received on the wire (before decompression). */
  body_size: number;
  content_type: string | null;
  headers: Record<string, string>;
  tls: TlsSummary | null;
  attempts: number;
  checked_at: string;
  body?: string;
  body_truncated?: boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_REDIRECTS = 10;
const MAX_WIRE_BYTES = 10 * 1024 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

// The reason a hop ends at its deadline: shared and stack-less, it is only ever compared.
const DEADLINE = Object.assign(new Error('check deadline reached'), { stack: '' });

interface HopResponse {
  status: number;
  headers: Record<string, string>;
  location: string | null;
  raw: Buffer | null;
  wireBytes: number;
  wireTruncated: boolean;
}

const timeoutOf = (opts: HttpProbeOptions) => opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;

/**
 * One request on one fresh connection. The response is parsed in the socket's own 'data' callback,
 * so the moments the headers and the last byte arrive are taken there, not after promise and stream
 * hand-offs that other checks' work on the same event loop could delay.
 */
function fetchHop(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  hop: Hop,
  opts: HttpProbeOptions,
  deadline: number,
  readBody: boolean,
): Promise<HopResponse> {
  const follow = opts.followRedirects !== false;
  return new Promise<HopResponse>((resolve, reject) => {
    let settled = false;
    let timedOut = false;
    let response: HopResponse | undefined;
    const chunks: Buffer[] = [];

    const finish = (err: unknown, res?: HopResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // A fresh connection per check: never leave one behind for reuse.
      hop.socket?.destroy();
      if (res) resolve(res);
      else reject(new ProbeFailure(failureOf(err)));
    };

    // One timer bounds the hop: at the deadline the socket goes, failing whatever is pending.
    const timer = setTimeout(() => {
      timedOut = true;
      hop.cancelled = true;
      finish(DEADLINE);
    }, Math.max(1, deadline - now()));

    const failureOf = (err: unknown): Failure => {
      if (hop.failure) return hop.failure;
      if (err instanceof ProbeFailure) return err.failure;
      if (timedOut) {
        const ms = timeoutOf(opts);
        if (hop.dnsEnd === undefined) return { kind: 'dns', message: checkText('dns_timeout', { host: url.hostname }) };
        if (hop.connectEnd === undefined || (url.protocol === 'https:' && hop.tlsEnd === undefined)) {
          return { kind: 'connect_timeout', message: checkText('http_connect_timeout', { host: url.host, ms }) };
        }
        return {
          kind: 'timeout',
          message: hop.headersAt === undefined ? checkText('http_no_response', { ms }) : checkText('http_body_timeout', { ms }),
        };
      }
      return classifySocketError(err);
    };

    let request: Buffer;
    try {
      request = serializeRequest({ method, target: `${url.pathname}${url.search}`, host: url.host, headers, body });
    } catch (err) {
      finish(err);
      return;
    }

    const parser = new ResponseParser(
      {
        onHead(head) {
          hop.headersAt = now();
          const location = REDIRECT_STATUSES.has(head.status) ? (head.headers.location ?? null) : null;
          response = { status: head.status, headers: head.headers, location, raw: null, wireBytes: 0, wireTruncated: false };
          if (location !== null && follow) {
            // The redirect's body is of no interest: the hop ends with its headers.
            hop.bodyEnd = hop.headersAt;
            finish(null, response);
          }
        },
        onData(chunk) {
          if (settled || !response) return;
          response.wireBytes += chunk.length;
          if (readBody) chunks.push(chunk);
          if (response.wireBytes >= MAX_WIRE_BYTES) {
            hop.bodyEnd = now();
            response.wireTruncated = true;
            if (readBody) response.raw = Buffer.concat(chunks);
            finish(null, response);
          }
        },
        onEnd() {
          if (settled || !response) return;
          hop.bodyEnd = now();
          if (readBody) response.raw = Buffer.concat(chunks);
          // Closed now; the rest waits until the event loop has taken every other ready socket's
          // readings, so a burst of responses is timed as it arrived, not one after another.
          hop.socket?.destroy();
          setImmediate(finish, null, response);
        },
      },
      method === 'HEAD',
    );

    connectHop(url, hop, opts, deadline, (err, socket) => {
      if (err || !socket) {
        finish(err);
        return;
      }
      if (settled) {
        socket.destroy();
        return;
      }
      socket.on('data', (chunk: Buffer) => {
        if (settled || parser.done) return;
        try {
          parser.push(chunk);
        } catch (parseErr) {
          finish(parseErr);
        }
      });
      socket.on('end', () => {
        const incomplete = parser.end();
        if (incomplete !== null) finish(new ProbeFailure({ kind: 'reset', message: incomplete }));
      });
      socket.on('error', (socketErr) => finish(socketErr));
      socket.on('close', () => {
        if (!parser.done) finish(new ProbeFailure({ kind: 'reset', message: checkText('http_closed_early') }));
      });
      socket.write(request);
    });
  });
}

function statusAccepted(status: number, expected: HttpProbeOptions['expectedStatus']): boolean {
  if (expected === undefined) return status >= 200 && status < 400;
  return typeof expected === 'number' ? status === expected : inStatusRanges(status, statusRanges(expected));
}

const describeExpected = (expected: HttpProbeOptions['expectedStatus']) =>
  expected === undefined ? checkText('http_2xx_3xx') : typeof expected === 'number' ? String(expected) : expected.join(', ');

function emptyTimings(): HttpTimings {
  return { dns: 0, connect: 0, tls: 0, ttfb: 0, transfer: 0, total: 0 };
}

function hopTimings(hop: Hop, attemptStart: number, end: number): HttpTimings {
  const ready = hop.tlsEnd ?? hop.connectEnd;
  const d = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? roundMs(b - a) : 0);
  return {
    dns: d(hop.start, hop.dnsEnd),
    connect: d(hop.dnsEnd, hop.connectEnd),
    tls: d(hop.connectEnd, hop.tlsEnd),
    ttfb: d(ready, hop.headersAt),
    transfer: d(hop.headersAt, hop.bodyEnd),
    total: roundMs(end - attemptStart),
  };
}

async function attempt(url: URL, opts: HttpProbeOptions): Promise<HttpResult> {
  const started = now();
  const deadline = started + timeoutOf(opts);
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let method = (opts.method ?? 'GET').toUpperCase();
  let body = opts.body;
  let headers: Record<string, string> = { 'user-agent': opts.userAgent ?? 'Py_Monitor/1.0', accept: '*/*', ...lowerKeys(opts.headers) };
  if (opts.captureBody && headers['accept-encoding'] === undefined) headers['accept-encoding'] = 'gzip, deflate, br';
  let current = url;
  const redirects: { url: string; status_code: number }[] = [];
  let hop: Hop = { start: started };
  const firstHop = hop;
  const result = (partial: Partial<HttpResult>): HttpResult => {
    // The response is complete when its last byte was read, not when this bookkeeping runs.
    const end = hop.bodyEnd ?? now();
    return {
      url: url.href,
      final_url: current.href,
      method: (opts.method ?? 'GET').toUpperCase(),
      is_available: false,
      status_code: null,
      response_time: roundMs(end - firstHop.start),
      error_kind: null,
      error_message: null,
      resolved_ip: hop.resolvedIp ?? null,
      redirect_count: redirects.length,
      redirects,
      timings: hopTimings(hop, firstHop.start, end),
      body_size: 0,
      content_type: null,
      headers: {},
      tls: hop.tls ?? null,
      attempts: 1,
      checked_at: new Date().toISOString(),
      ...partial,
    };
  };

  for (;;) {
    let res: HopResponse;
    try {
      res = await fetchHop(current, method, headers, body, hop, opts, deadline, opts.captureBody === true);
    } catch (err) {
      const f = err instanceof ProbeFailure ? err.failure : classifySocketError(err);
      return result({ error_kind: f.kind, error_message: f.message });
    }
    if (res.location !== null && opts.followRedirects !== false) {
      if (redirects.length >= maxRedirects) {
        return result({
          status_code: res.status,
          headers: res.headers,
          error_kind: 'http_status',
          error_message: checkText('http_too_many_redirects', { max: maxRedirects }),
        });
      }
      let next: URL;
      try {
        next = new URL(res.location, current);
      } catch {
        return result({ status_code: res.status, error_kind: 'protocol', error_message: checkText('http_bad_redirect', { location: res.location }) });
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        return result({
          status_code: res.status,
          error_kind: 'blocked',
          error_message: checkText('http_redirect_scheme', { scheme: next.protocol.replace(/:$/, '') }),
        });
      }
      redirects.push({ url: next.href, status_code: res.status });
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'content-type' && k !== 'content-length'));
      }
      if (next.origin !== current.origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIAL_HEADERS.has(k)));
      }
      current = next;
      hop = { start: now() };
      continue;
    }

    const base: Partial<HttpResult> = {
      status_code: res.status,
      headers: res.headers,
      body_size: res.wireBytes,
      content_type: res.headers['content-type'] ?? null,
    };
    if (opts.captureBody && res.raw) {
      try {
        const decoded = await decodeBody(
          res.raw,
          res.headers['content-encoding'],
          res.headers['content-type'],
          opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        );
        base.body = decoded.text;
        base.body_truncated = decoded.truncated || res.wireTruncated;
      } catch (err) {
        return result({ ...base, error_kind: 'protocol', error_message: checkText('http_decode', { error: errorText(err) }) });
      }
    }
    const out = result(base);
    if (!statusAccepted(res.status, opts.expectedStatus)) {
      out.error_kind = 'http_status';
      out.error_message = checkText('http_status', { status: res.status, expected: describeExpected(opts.expectedStatus) });
    } else if (opts.timeLimitMs !== undefined && out.response_time > opts.timeLimitMs) {
      out.error_kind = 'too_slow';
      out.error_message = checkText('http_too_slow', { ms: Math.round(out.response_time), limit: opts.timeLimitMs });
    } else {
      out.is_available = true;
    }
    return out;
  }
}

function lowerKeys(h: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k.toLowerCase()] = v;
  return out;
}

const NO_RETRY: ReadonlySet<ErrorKind> = new Set(['blocked', 'invalid']);

function invalidResult(rawUrl: string, opts: HttpProbeOptions, message: string): HttpResult {
  return {
    url: rawUrl,
    final_url: rawUrl,
    method: (opts.method ?? 'GET').toUpperCase(),
    is_available: false,
    status_code: null,
    response_time: 0,
    error_kind: 'invalid',
    error_message: message,
    resolved_ip: null,
    redirect_count: 0,
    redirects: [],
    timings: emptyTimings(),
    body_size: 0,
    content_type: null,
    headers: {},
    tls: null,
    attempts: 0,
    checked_at: new Date().toISOString(),
  };
}

/**
 * HTTP(S) availability check (spec 4.1). Never throws for a failing target: the result carries
 * `error_kind` and `error_message`. One fresh connection per hop, no TLS session reuse.
 */
export async function probeHttp(rawUrl: string, opts: HttpProbeOptions): Promise<HttpResult> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return invalidResult(rawUrl, opts, 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return invalidResult(rawUrl, opts, `only http and https URLs are supported, not ${url.protocol.replace(/:$/, '')}`);
  }
  const retries = Math.max(0, Math.floor(opts.retryCount ?? 0));
  const budgetEnd = opts.budgetMs !== undefined ? now() + opts.budgetMs : Infinity;
  let last: HttpResult | undefined;
  for (let i = 0; i <= retries; i++) {
    if (i > 0) {
      const backoff = i * (opts.retryDelayMs ?? 500);
      if (budgetEnd - now() - backoff < MIN_TRY_MS) break;
      await new Promise((r) => setTimeout(r, backoff));
    }
    const left = budgetEnd - now();
    // Timers may fire a millisecond early against performance.now(): a try within 50 ms of the end is cut too.
    const cut = left < timeoutOf(opts) + 50;
    last = await attempt(url, cut ? { ...opts, timeoutMs: Math.max(1, Math.floor(left)) } : opts);
    last.attempts = i + 1;
    if (cut && (last.error_kind === 'timeout' || last.error_kind === 'connect_timeout')) {
      last.error_kind = 'timeout';
      last.error_message = last.attempts === 1
        ? checkText('http_budget_one', { seconds: formatSeconds(opts.budgetMs ?? 0) })
        : checkText('http_budget_many', { seconds: formatSeconds(opts.budgetMs ?? 0), tries: last.attempts });
      break;
    }
    if (last.is_available || (last.error_kind !== null && NO_RETRY.has(last.error_kind))) break;
  }
  return last!;
}

/** A retry that could not get this long is not started: it could not tell anything. */
const MIN_TRY_MS = 1000;
const formatSeconds = (ms: number) => String(Math.round(ms / 100) / 10);

/**
 * The whole time one check may take: `retryCount` retries after the first try, each up to
 * `timeoutMs`, with the backoff between them, capped at `capMs` (what the checker has left).
 */
export function checkBudgetMs(timeoutMs: number, retryCount: number, capMs: number, retryDelayMs = 500): number {
  const retries = Math.max(0, Math.floor(retryCount));
  const backoff = (retryDelayMs * retries * (retries + 1)) / 2;
  return Math.max(0, Math.min((retries + 1) * timeoutMs + backoff, capMs));
}
