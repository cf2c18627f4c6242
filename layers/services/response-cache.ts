import { createHash } from 'node:crypto';
import type { Cache } from '../platform/ports.ts';
import type { ServiceContext } from './context.ts';

/** A public answer as it is sent: its serialised body and the strong ETag of those bytes. */
export interface CachedBody {
  body: string;
  etag: string;
}

export const etagOf = (body: string): string => `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

// One computation per key at a time in this process: a burst of visitors when the entry has just
// expired waits for the one read under way instead of each asking the database.
const inFlight = new WeakMap<Cache, Map<string, Promise<CachedBody>>>();

/**
 * The cached answer under `key` (ctx.cache: Redis when configured, memory otherwise), or `compute`
 * once, serialised and kept for `ttlSeconds`. A throw (a 404) is not cached.
 */
export async function cachedBody(ctx: ServiceContext, key: string, ttlSeconds: number, compute: () => Promise<string>): Promise<CachedBody> {
  const hit = await ctx.cache.get<CachedBody>(key).catch(() => undefined);
  if (hit && typeof hit.body === 'string' && typeof hit.etag === 'string') return hit;
  let pending = inFlight.get(ctx.cache);
  if (!pending) inFlight.set(ctx.cache, (pending = new Map()));
  const running = pending.get(key);
  if (running) return running;
  const table = pending;
  const job = (async () => {
    try {
      const body = await compute();
      const entry = { body, etag: etagOf(body) };
      // A cache that is down costs speed, never the answer.
      await ctx.cache.set(key, entry, ttlSeconds).catch((err: unknown) => ctx.log.warn('response cache write failed', { key, error: String(err) }));
      return entry;
    } finally {
      table.delete(key);
    }
  })();
  table.set(key, job);
  return job;
}

/** The cached JSON answer under `key`. */
export function cachedJson(ctx: ServiceContext, key: string, ttlSeconds: number, compute: () => Promise<unknown>): Promise<CachedBody> {
  return cachedBody(ctx, key, ttlSeconds, async () => JSON.stringify(await compute()));
}

export async function forget(ctx: ServiceContext, ...keys: string[]): Promise<void> {
  for (const key of keys) await ctx.cache.del(key).catch(() => {});
}
