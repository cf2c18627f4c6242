import type { Config } from '../../config.ts';
import { MemoryCache } from '../../platform/memory-cache.ts';
import type { Cache } from '../../platform/ports.ts';
import { RedisCache } from '../../platform/redis-cache.ts';

/** ElastiCache for the functions bound to it (REDIS_URL), shared by their containers. */
export function awsCache(config: Config): Cache {
  return config.REDIS_URL ? new RedisCache(config.REDIS_URL, config.CACHE_PREFIX) : new MemoryCache();
}
