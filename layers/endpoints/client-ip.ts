import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Config } from '../config.ts';
import type { HttpEvent } from './http.ts';

// The client address that sign-in limits are keyed by. On AWS CloudFront is in front, so API Gateway's
// sourceIp is an edge server's address, shared by many users. CloudFront writes the viewer's address
// into VIEWER_ADDRESS_HEADER (a function on /api/*, lib/web.ts) and sends ORIGIN_KEY_HEADER with the
// stack's key; only a request carrying that key (it came through CloudFront) is believed. A caller
// reaching API Gateway directly is its own sourceIp, and a header it forges is ignored.

export const VIEWER_ADDRESS_HEADER = 'x-pymonitor-viewer-address';
export const ORIGIN_KEY_HEADER = 'x-pymonitor-origin';

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function clientIp(event: HttpEvent, config: Pick<Config, 'VIEWER_ADDRESS_KEY'>): string {
  const source = event.requestContext.http.sourceIp;
  const key = config.VIEWER_ADDRESS_KEY;
  if (!key) return source;
  const sent = event.headers?.[ORIGIN_KEY_HEADER];
  const viewer = event.headers?.[VIEWER_ADDRESS_HEADER]?.trim();
  if (sent === undefined || !sameText(sent, key) || !viewer || isIP(viewer) === 0) return source;
  return viewer;
}
