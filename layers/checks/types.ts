import type { TargetPolicy } from './ssrf.ts';
import { checkText } from './texts.ts';

/**
 * Why a check failed. The spec's classes plus a few the wire forces on us:
 * `reset` (connection closed or reset mid-exchange), `protocol` (malformed response),
 * `network` (any other socket error), and probe-specific ones (`content_missing`, `assertion`, `no_data`).
 */
export type ErrorKind =
  | 'dns'
  | 'refused'
  | 'connect_timeout'
  | 'tls'
  | 'timeout'
  | 'http_status'
  | 'too_slow'
  | 'blocked'
  | 'invalid'
  | 'reset'
  | 'protocol'
  | 'network'
  | 'content_missing'
  | 'assertion'
  | 'no_data';

export interface Failure {
  kind: ErrorKind;
  message: string;
}

/** What every connecting probe needs from its caller: the SSRF policy and, optionally, resolvers. */
export interface NetworkOptions extends TargetPolicy {
  /** `host` or `host:port` (IPv6 as `[addr]:port`); the system's resolver when absent. */
  dnsServers?: string[];
}

/** Key-value cache with TTLs (the platform Cache port satisfies it). */
export interface ProbeCache {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
}

export const roundMs = (ms: number): number => Math.round(ms * 100) / 100;

export const DAY_MS = 86_400_000;

/** Whole days from `now` to `date`, rounded down (negative once past). */
export const daysUntil = (date: Date, now: Date): number => Math.floor((date.getTime() - now.getTime()) / DAY_MS);

/** Node system errors carry a string `code`; anything else has none. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Classifies socket-level errors shared by the TCP, TLS and HTTP probes. */
export function classifySocketError(err: unknown): Failure {
  const code = errorCode(err);
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'refused', message: checkText('refused') };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return { kind: 'reset', message: checkText('reset', { code }) };
    case 'UND_ERR_INVALID_ARG':
    case 'ERR_INVALID_ARG_VALUE':
    case 'ERR_INVALID_HTTP_TOKEN':
    case 'ERR_INVALID_CHAR':
      return { kind: 'invalid', message: checkText('invalid_request', { error: errorText(err) }) };
    case 'ETIMEDOUT':
      return { kind: 'connect_timeout', message: checkText('connect_timed_out') };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return { kind: 'network', message: checkText('unreachable', { code }) };
    default:
      if (code?.startsWith('HPE_') || (err instanceof Error && err.name === 'HTTPParserError') || code === 'UND_ERR_INFO' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
        return { kind: 'protocol', message: checkText('malformed_http', { error: errorText(err) }) };
      }
      return { kind: 'network', message: code ? checkText('os_error', { error: errorText(err), code }) : errorText(err) };
  }
}
