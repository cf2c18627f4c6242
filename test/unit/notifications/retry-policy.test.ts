import { describe, expect, it } from 'vitest';
import {
  MAX_ATTEMPTS,
  RETRY_SCHEDULE_SECONDS,
  isGivingUp,
  nextAttemptDelay,
} from '../../../layers/services/notifications/retry-policy.ts';

const low = () => 0;
const mid = () => 0.5;
const high = () => 0.999_999;

describe('notification retries back off exponentially with jitter', () => {
  it('retries the first failure within a minute, even with the most jitter', () => {
    expect(nextAttemptDelay(1, high)).toBeLessThan(60_000);
    expect(nextAttemptDelay(1, low)).toBeGreaterThan(0);
  });

  it('follows 15 s, 1 min, 5 min, 15 min, 1 h, then 3 h without jitter', () => {
    const delays = Array.from({ length: 8 }, (_, i) => nextAttemptDelay(i + 1, mid) / 1000);
    expect(delays).toEqual([15, 60, 300, 900, 3600, 10_800, 10_800, 10_800]);
  });

  it('spreads each delay by at most 20% either way', () => {
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      const base = nextAttemptDelay(attempt, mid);
      expect(nextAttemptDelay(attempt, low)).toBe(Math.round(base * 0.8));
      expect(nextAttemptDelay(attempt, high)).toBeLessThanOrEqual(Math.round(base * 1.2));
    }
  });

  it('never grows past the 3 hour cap', () => {
    expect(nextAttemptDelay(100, high)).toBeLessThanOrEqual(3 * 3600 * 1000 * 1.2);
    expect(RETRY_SCHEDULE_SECONDS.at(-1)).toBe(3 * 3600);
  });

  it('gives up after 12 attempts spread over most of a day', () => {
    expect(MAX_ATTEMPTS).toBe(12);
    expect(isGivingUp(MAX_ATTEMPTS - 1)).toBe(false);
    expect(isGivingUp(MAX_ATTEMPTS)).toBe(true);
    const span = (random: () => number) =>
      Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => nextAttemptDelay(i + 1, random)).reduce((a, b) => a + b, 0) / 3_600_000;
    expect(span(low)).toBeGreaterThan(15);
    expect(span(high)).toBeLessThan(24);
  });
});
