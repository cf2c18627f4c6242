import type { CachedBody } from '../services/response-cache.ts';
import { Reply, type HttpEvent } from './http.ts';

/** Whether the client's If-None-Match names this ETag (weak comparison, as RFC 9110 asks for GET). */
export function matchesEtag(event: HttpEvent, etag: string): boolean {
  const header = event.headers['if-none-match'];
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

/**
 * A public cached answer: 304 without a body when the client already has these bytes, else 200;
 * both with the ETag and `Cache-Control: public, max-age` (which CloudFront follows too).
 */
export function cachedReply(event: HttpEvent, cached: CachedBody, opts: { maxAge: number; contentType?: string; status?: number }): Reply {
  const headers = { etag: cached.etag, 'cache-control': `public, max-age=${opts.maxAge}`, vary: 'Accept-Encoding' };
  if ((opts.status ?? 200) === 200 && matchesEtag(event, cached.etag)) return new Reply(304, '', headers);
  return new Reply(opts.status ?? 200, cached.body, { 'content-type': opts.contentType ?? 'application/json', ...headers });
}
