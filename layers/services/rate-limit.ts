import { DomainError } from '../errors.ts';
import type { Cache } from '../platform/ports.ts';

/** Fixed-window limiter: throws RATE_LIMITED (429 with Retry-After) past `limit` hits per window. */
export async function hitRateLimit(cache: Cache, key: string, limit: number, windowSeconds: number): Promise<void> {
  const { value, ttlSeconds } = await cache.incr(`rl:${key}`, windowSeconds);
  if (value > limit) {
    throw new DomainError('RATE_LIMITED', `too many requests; retry in ${ttlSeconds} s`, { retryAfter: ttlSeconds });
  }
}
