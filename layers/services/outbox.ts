import * as outbox from '../repositories/outbox.ts';
import type { OutboxRow } from '../repositories/outbox.ts';
import type { NotifyMessageInput } from './messages.ts';
import { isGivingUp, nextAttemptDelay } from './notifications/retry-policy.ts';
import type { ServiceContext } from './context.ts';

/** How long a delivery handed to the queue may stay unanswered before the sweeper sends it again. */
export const LEASE_SECONDS = 300;

export const leaseUntil = (now: Date) => new Date(now.getTime() + LEASE_SECONDS * 1000);

/** Hands outbox rows to the notifications queue. A failure here is harmless: the sweeper retries. */
export async function dispatchOutbox(ctx: ServiceContext, rows: OutboxRow[], delaySeconds = 0): Promise<void> {
  if (rows.length === 0) return;
  const messages = rows.map((r) => {
    const body: NotifyMessageInput = {
      type: 'deliver',
      outbox_id: r.id,
      channel: r.channel,
      target: r.target,
      payload: r.payload,
      attempt: r.attempts,
    };
    return { body, delaySeconds, id: `outbox-${r.id}-${r.attempts}` };
  });
  try {
    await ctx.queue.send('notifications', messages);
  } catch (err) {
    ctx.log.warn('could not enqueue notifications; the outbox sweeper will retry', {
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

/** Re-sends deliveries that are due for a retry or whose lease ran out. */
export async function sweepOutbox(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock.now();
  const rows = await ctx.sql.begin((tx) => outbox.claimDueOutbox(tx, now, leaseUntil(now), 500));
  await dispatchOutbox(ctx, rows);
  return rows.length;
}

/** Records a delivery outcome reported by the notifier, and schedules the retry of a failure. */
export async function recordDelivery(
  ctx: ServiceContext,
  d: {
    outbox_id: number;
    ok: boolean;
    retryable: boolean;
    status_code: number | null;
    error: string | null;
    /** The receiver's Retry-After: the next attempt waits at least this long. */
    retry_after_seconds?: number | null;
    at: Date;
  },
): Promise<void> {
  const current = await outbox.outboxStatus(ctx.sql, d.outbox_id);
  if (current === undefined || current === 'sent' || current === 'failed') return;
  const updated = await ctx.sql.begin(async (tx) => {
    const prior = await outbox.recordAttempt(tx, d.outbox_id, d);
    if (!prior || d.ok) return prior;
    // A channel test reports its one attempt: it is never retried.
    const giveUp = !d.retryable || isGivingUp(prior.attempts) || prior.payload['test'] === true;
    const delayMs = Math.max(nextAttemptDelay(prior.attempts), (d.retry_after_seconds ?? 0) * 1000);
    const retryAt = new Date(ctx.clock.now().getTime() + delayMs);
    return outbox.markRetry(tx, d.outbox_id, giveUp ? null : retryAt, giveUp);
  });
  if (!updated || d.ok || updated.status === 'failed') return;
  // Short backoffs go straight back on the queue with a delay; longer ones wait for the sweeper.
  const delaySeconds = Math.max(0, (updated.next_attempt_at.getTime() - ctx.clock.now().getTime()) / 1000);
  if (delaySeconds <= 900) {
    const leased = await outbox.leaseForRetry(ctx.sql, d.outbox_id, new Date(updated.next_attempt_at.getTime() + LEASE_SECONDS * 1000));
    if (leased) await dispatchOutbox(ctx, [leased], delaySeconds);
  }
}
