import { sendRequest } from '../../../checks/outbound.ts';
import { truncate } from '../format.ts';
import { DEFAULT_TIMEOUT_MS, type ChannelEnv, type DeliveryOutcome } from './channel.ts';

// HTTP delivery shared by every channel that posts to a URL: the one outbound client (the probe's
// SSRF-safe connection), and one reading of what a receiver's answer means for retrying.

export const USER_AGENT = 'Py_Monitor-Webhook/1.0';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface HttpDelivery {
  url: string;
  method?: string;
  headers: Record<string, string>;
  body: string;
}

/** A provider's own reading of an answer; undefined falls back to the status code. */
export type ReadAnswer = (answer: HttpAnswer) => DeliveryOutcome | undefined;

export type HttpOutcome = DeliveryOutcome & { response_time: number };

/** The part of the channel environment an HTTP delivery uses. */
export type HttpEnv = Pick<ChannelEnv, 'allowPrivateTargets' | 'dnsServers' | 'ca' | 'timeoutMs'>;

export async function deliverHttp(req: HttpDelivery, env: HttpEnv, read?: ReadAnswer): Promise<HttpOutcome> {
  const timeoutMs = env.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const r = await sendRequest(
    req.url,
    { method: req.method ?? 'POST', headers: { 'user-agent': USER_AGENT, ...req.headers }, body: req.body, timeoutMs },
    { allowPrivateTargets: env.allowPrivateTargets, dnsServers: env.dnsServers, ca: env.ca },
  );
  if (!r.ok) {
    const f = r.failure;
    switch (f.kind) {
      case 'blocked':
      case 'invalid':
        return { ok: false, error: f.message, retryable: false, response_time: r.response_time };
      case 'refused':
        return { ok: false, error: 'connection refused by the receiver', retryable: true, response_time: r.response_time };
      case 'timeout':
      case 'connect_timeout':
        return { ok: false, error: `delivery timed out after ${timeoutMs} ms`, retryable: true, response_time: r.response_time };
      case 'reset':
        return { ok: false, error: 'connection closed by the receiver', retryable: true, response_time: r.response_time };
      default:
        return { ok: false, error: f.message, retryable: true, response_time: r.response_time };
    }
  }
  const answer: HttpAnswer = { status: r.status, headers: r.headers, body: r.body };
  return { ...(read?.(answer) ?? readStatus(answer)), response_time: r.response_time };
}

/** What the status code alone says: 2xx delivered; 408, 429 and 5xx later; anything else never. */
export function readStatus(a: HttpAnswer): DeliveryOutcome {
  const { status } = a;
  if (status >= 200 && status < 300) return { ok: true, status };
  const detail = answerDetail(a.body);
  if (status >= 300 && status < 400) {
    return { ok: false, status, retryable: false, error: `receiver answered HTTP ${status} (redirects are not followed)${detail}` };
  }
  const retryable = status === 408 || status === 429 || status >= 500;
  const wait = retryAfterSeconds(a.headers['retry-after']);
  return {
    ok: false,
    status,
    retryable,
    error: `receiver answered HTTP ${status}${detail}`,
    ...(retryable && wait !== undefined ? { retryAfterSeconds: wait } : {}),
  };
}

/** `: <first 200 characters of the answer>`, or nothing for an empty one. */
export function answerDetail(body: string): string {
  const text = body.trim().replace(/\s+/g, ' ');
  return text ? `: ${truncate(text, 200)}` : '';
}

/** Retry-After as seconds (RFC 9110: delay-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | undefined, now = new Date()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d{1,9}$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** Parses a JSON answer without throwing; undefined when it is not JSON. */
export function jsonOf(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
