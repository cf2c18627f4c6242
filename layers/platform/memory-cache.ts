import type { Cache } from './ports.ts';

interface Entry {
  value: unknown;
  expiresAt: number;
}

/** In-process cache with TTLs; the local default when REDIS_URL is unset. */
export class MemoryCache implements Cache {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  async get<T>(key: string): Promise<T | undefined> {
    // Values are stored as JSON so callers never share mutable objects (same semantics as Redis).
    const e = this.live(key);
    return e === undefined ? undefined : (JSON.parse(e.value as string) as T);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value: JSON.stringify(value), expiresAt: this.now() + ttlSeconds * 1000 });
  }

  async del(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async incr(key: string, ttlSeconds: number): Promise<{ value: number; ttlSeconds: number }> {
    const e = this.live(key);
    if (!e) {
      this.entries.set(key, { value: '1', expiresAt: this.now() + ttlSeconds * 1000 });
      return { value: 1, ttlSeconds };
    }
    const value = Number(e.value) + 1;
    e.value = String(value);
    return { value, ttlSeconds: Math.max(1, Math.ceil((e.expiresAt - this.now()) / 1000)) };
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, e] of this.entries) if (e.expiresAt <= t) this.entries.delete(k);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
  }
}
