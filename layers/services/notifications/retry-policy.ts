// Retry schedule for notification deliveries: quick first retries for blips, then hourly-ish
// attempts so a receiver that is down for most of a day still gets the alert.

/** Base delay after the n-th failed attempt (index 0 = after the first attempt). The last entry repeats. */
export const RETRY_SCHEDULE_SECONDS: readonly number[] = [15, 60, 5 * 60, 15 * 60, 60 * 60, 3 * 60 * 60];

/** Attempts in all, the first included; 12 attempts span about 19 hours, jitter included at most ~23. */
export const MAX_ATTEMPTS = 12;

/** ±20%: enough to spread a burst of failures, small enough that the first retry stays under a minute. */
const JITTER = 0.2;

/**
 * Milliseconds to wait before the next attempt, given how many attempts were already made (>= 1).
 * `random` returns [0, 1) like Math.random; tests pass a fixed one.
 */
export function nextAttemptDelay(attempt: number, random: () => number = Math.random): number {
  const index = Math.min(Math.max(1, Math.floor(attempt)), RETRY_SCHEDULE_SECONDS.length) - 1;
  const base = (RETRY_SCHEDULE_SECONDS[index] ?? 0) * 1000;
  const factor = 1 - JITTER + 2 * JITTER * Math.min(Math.max(random(), 0), 1);
  return Math.round(base * factor);
}

/** True once `attempt` attempts were made and no more should follow. */
export function isGivingUp(attempt: number): boolean {
  return attempt >= MAX_ATTEMPTS;
}
