import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../layers/errors.ts';
import { MemoryCache } from '../../../layers/platform/memory-cache.ts';
import { hashPassword, verifyPassword } from '../../../layers/services/passwords.ts';
import { hitRateLimit } from '../../../layers/services/rate-limit.ts';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct-horse-1', 10);
    expect(await verifyPassword('correct-horse-1', hash)).toBe(true);
    expect(await verifyPassword('correct-horse-2', hash)).toBe(false);
  });

  it('stores its parameters and a fresh salt in each hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', 10), hashPassword('same', 11)]);
    expect(a).toMatch(/^scrypt\$10\$8\$1\$/);
    expect(b).toMatch(/^scrypt\$11\$8\$1\$/);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('refuses a stored value that is not one of its hashes', async () => {
    for (const stored of ['', 'plain', 'bcrypt$2$x$y$z$w', 'scrypt$10$8$1$$', 'scrypt$x$8$1$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==', 'scrypt$40$8$1$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==']) expect(await verifyPassword('', stored), stored).toBe(false);
  });
});

describe('fixed-window rate limit', () => {
  it('allows `limit` hits per window, then RATE_LIMITED with the seconds left, then resets', async () => {
    let now = 1_000_000;
    const cache = new MemoryCache(() => now);
    for (let i = 0; i < 3; i++) await hitRateLimit(cache, 'k', 3, 60);
    now += 20_000;
    const err = await hitRateLimit(cache, 'k', 3, 60).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('RATE_LIMITED');
    expect((err as DomainError).retryAfter).toBe(40);
    await hitRateLimit(cache, 'other', 3, 60);
    now += 40_001;
    await expect(hitRateLimit(cache, 'k', 3, 60)).resolves.toBeUndefined();
    await cache.close();
  });
});
