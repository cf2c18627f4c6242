// No imports: the results consumer and the API use these without any browser code.

/**
 * Why a browser check could not produce a clean result. Everything except 'monitoring_error' is about the
 * target; 'monitoring_error' means our browser failed (crash, hang, queue) and must not count as downtime.
 */
export const browserErrorKinds = [
  'invalid_target',
  'blocked_target',
  'dns_error',
  'connection_error',
  'tls_error',
  'timeout',
  'http_error',
  'navigation_error',
  'page_crashed',
  'step_failed',
  'monitoring_error',
] as const;
export type BrowserErrorKind = (typeof browserErrorKinds)[number];
