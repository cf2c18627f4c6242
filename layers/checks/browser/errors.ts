import { BrowserMonitoringError, messageOf } from './browser-pool.ts';
import type { BrowserErrorKind } from './error-kinds.ts';

export { browserErrorKinds, type BrowserErrorKind } from './error-kinds.ts';

/** A failure with a kind, thrown by captureScreenshot and used internally by the other checks. */
export class BrowserCheckError extends Error {
  constructor(
    readonly kind: BrowserErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BrowserCheckError';
  }
}

/** Maps a navigation or page failure to an error kind, using Chromium's net:: codes. */
export function classifyBrowserError(err: unknown): { kind: BrowserErrorKind; message: string } {
  if (err instanceof BrowserCheckError) return { kind: err.kind, message: err.message };
  if (err instanceof BrowserMonitoringError) return { kind: 'monitoring_error', message: err.message };
  const message = firstLine(messageOf(err));
  // By name, not instanceof: importing playwright-core here would pull it into every bundle that
  // only needs the error kinds (the results consumer parses browser messages).
  if (err instanceof Error && err.name === 'TimeoutError') return { kind: 'timeout', message };
  if (/net::ERR_BLOCKED_BY_CLIENT/.test(message)) return { kind: 'blocked_target', message };
  if (/net::ERR_NAME_NOT_RESOLVED|net::ERR_NAME_RESOLUTION_FAILED/.test(message)) return { kind: 'dns_error', message };
  if (/net::ERR_(CERT_|SSL_|BAD_SSL)/.test(message)) return { kind: 'tls_error', message };
  if (/net::ERR_(CONNECTION_|ADDRESS_|EMPTY_RESPONSE|NETWORK_|INTERNET_DISCONNECTED|SOCKET_)/.test(message)) {
    return { kind: 'connection_error', message };
  }
  if (/net::ERR_TIMED_OUT/.test(message)) return { kind: 'timeout', message };
  if (/Target crashed|Page crashed/i.test(message)) return { kind: 'page_crashed', message };
  if (/Target page, context or browser has been closed|Browser has been closed|browser has disconnected/i.test(message)) {
    return { kind: 'monitoring_error', message };
  }
  return { kind: 'navigation_error', message };
}

export function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}
