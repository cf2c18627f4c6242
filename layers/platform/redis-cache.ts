import { Redis } from 'ioredis';
import type { Cache } from './ports.ts';

/** Cache on Redis/Valkey (ElastiCache on AWS, REDIS_URL locally). Keys are namespaced by `prefix`. */
export class RedisCache implements Cache {
  private readonly redis: Redis;

  constructor(url: string, private readonly prefix = 'pym:') {
    // Connects on first use, so building a context (or a cold start that never touches the cache) costs nothing.
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.get(this.prefix + key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(value), 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }

  async del(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async incr(key: string, ttlSeconds: number): Promise<{ value: number; ttlSeconds: number }> {
    const k = this.prefix + key;
    // SET NX EX then INCR keeps the window fixed from the first hit, atomically per key.
    const res = await this.redis.multi().set(k, '0', 'EX', ttlSeconds, 'NX').incr(k).ttl(k).exec();
    const value = Number(res?.[1]?.[1] ?? 1);
    const ttl = Number(res?.[2]?.[1] ?? ttlSeconds);
    return { value, ttlSeconds: ttl > 0 ? ttl : ttlSeconds };
  }

  async close(): Promise<void> {
    if (this.redis.status === 'wait') {
      this.redis.disconnect();
      return;
    }
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
