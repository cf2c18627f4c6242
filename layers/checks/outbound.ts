import type { ConnectOptions } from './connect.ts';
import { probeHttp } from './http.ts';
import { checkText } from './texts.ts';
import type { Failure } from './types.ts';

// One outbound HTTP client for requests to user-given URLs (webhooks and the other notification
// providers): the probe's own exchange, so the SSRF policy, resolvers and TLS checks are the same.

export interface OutboundRequest {
  method?: string;
  headers: Record<string, string>;
  body?: string;
  /** Bounds the whole exchange: DNS, connect, TLS, response. */
  timeoutMs: number;
  /** The response body is kept up to this many bytes (it is only read for error details). */
  maxResponseBytes?: number;
  userAgent?: string;
}

export type OutboundResult =
  | { ok: true; status: number; headers: Record<string, string>; body: string; response_time: number }
  | { ok: false; failure: Failure; response_time: number };

const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024;

/** Sends one request on a fresh connection; redirects are never followed. Never throws. */
export async function sendRequest(url: string, req: OutboundRequest, net: ConnectOptions): Promise<OutboundResult> {
  const r = await probeHttp(url, {
    allowPrivateTargets: net.allowPrivateTargets,
    ...(net.dnsServers?.length ? { dnsServers: net.dnsServers } : {}),
    ...(net.ca?.length ? { ca: net.ca } : {}),
    method: req.method ?? 'POST',
    // Compression is refused: only a short error text is ever read from the answer.
    headers: { 'accept-encoding': 'identity', ...req.headers },
    ...(req.body === undefined ? {} : { body: req.body }),
    timeoutMs: req.timeoutMs,
    followRedirects: false,
    captureBody: true,
    maxBodyBytes: req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    ...(req.userAgent ? { userAgent: req.userAgent } : {}),
  });
  if (r.status_code === null) {
    return { ok: false, failure: { kind: r.error_kind ?? 'network', message: r.error_message ?? checkText('request_failed') }, response_time: r.response_time };
  }
  return { ok: true, status: r.status_code, headers: r.headers, body: r.body ?? '', response_time: r.response_time };
}
