import { DomainError } from '../errors.ts';
import type { Cache } from '../platform/ports.ts';

export const rateLimited = (retryAfter: number) =>
  new DomainError('RATE_LIMITED', `too many requests; retry in ${retryAfter} s`, { retryAfter });

/** Fixed-window limiter: throws RATE_LIMITED (429 with Retry-After) past `limit` hits per window. */
export async function hitRateLimit(cache: Cache, key: string, limit: number, windowSeconds: number): Promise<void> {
  const { value, ttlSeconds } = await cache.incr(`rl:${key}`, windowSeconds);
  if (value > limit) throw rateLimited(ttlSeconds);
}

/** Hits counted so far in the current window of `key`, without counting one. */
export async function countedHits(cache: Cache, key: string): Promise<number> {
  return (await cache.get<number>(`rl:${key}`)) ?? 0;
}

/** Counts one hit without judging it (failures counted after the fact). */
export async function countHit(cache: Cache, key: string, windowSeconds: number): Promise<{ value: number; ttlSeconds: number }> {
  return cache.incr(`rl:${key}`, windowSeconds);
}

export async function forgetHits(cache: Cache, key: string): Promise<void> {
  await cache.del(`rl:${key}`);
}
