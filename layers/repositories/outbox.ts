import type { Db } from './db.ts';

/** email, webhook, websocket for a project's own settings; a provider type for a notification channel. */
export type Channel = string;

export interface OutboxRow {
  id: number;
  alert_id: number | null;
  project_id: number | null;
  channel: Channel;
  channel_id: number | null;
  target: string;
  payload: Record<string, unknown>;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  sent_at: Date | null;
  created_at: Date;
}

export async function insertOutbox(
  db: Db,
  rows: { alert_id: number | null; project_id: number | null; channel: Channel; channel_id?: number | null; target: string; payload: Record<string, unknown> }[],
  leaseUntil: Date,
): Promise<OutboxRow[]> {
  if (rows.length === 0) return [];
  // Inserted as 'sending' with a lease: the caller enqueues them right after commit; the sweeper
  // picks them up again if that enqueue never happens.
  return db<OutboxRow[]>`
    INSERT INTO outbox ${db(rows.map((r) => ({ ...r, channel_id: r.channel_id ?? null, payload: db.json(r.payload as never), status: 'sending', next_attempt_at: leaseUntil })))}
    RETURNING *`;
}

/** Claims deliveries that are due (pending and due, or sending with an expired lease). */
export async function claimDueOutbox(db: Db, now: Date, leaseUntil: Date, limit: number): Promise<OutboxRow[]> {
  return db<OutboxRow[]>`
    WITH due AS (
      SELECT id FROM outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= ${now}
      ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    UPDATE outbox o SET status = 'sending', next_attempt_at = ${leaseUntil}
    FROM due WHERE o.id = due.id RETURNING o.*`;
}

/** Records one delivery attempt; a success marks the row sent. */
export async function recordAttempt(
  db: Db,
  id: number,
  a: { ok: boolean; status_code: number | null; error: string | null; at: Date },
): Promise<OutboxRow | undefined> {
  await db`INSERT INTO outbox_attempts (outbox_id, attempted_at, ok, status_code, error) VALUES (${id}, ${a.at}, ${a.ok}, ${a.status_code}, ${a.error})`;
  const [row] = await db<OutboxRow[]>`
    UPDATE outbox SET attempts = attempts + 1, last_error = ${a.ok ? null : a.error},
      status = CASE WHEN ${a.ok} THEN 'sent' ELSE status END, sent_at = CASE WHEN ${a.ok} THEN ${a.at}::timestamptz ELSE sent_at END
    WHERE id = ${id} AND status IN ('pending', 'sending') RETURNING *`;
  return row;
}

/** After a failed attempt: pending until `retryAt`, or failed for good. */
export async function markRetry(db: Db, id: number, retryAt: Date | null, giveUp: boolean): Promise<OutboxRow | undefined> {
  const [row] = await db<OutboxRow[]>`
    UPDATE outbox SET status = ${giveUp ? 'failed' : 'pending'}, next_attempt_at = coalesce(${retryAt}, next_attempt_at)
    WHERE id = ${id} RETURNING *`;
  return row;
}

/** Takes a pending row for an immediate (delayed) re-send, with a lease so the sweeper leaves it alone. */
export async function leaseForRetry(db: Db, id: number, leaseUntil: Date): Promise<OutboxRow | undefined> {
  const [row] = await db<OutboxRow[]>`
    UPDATE outbox SET status = 'sending', next_attempt_at = ${leaseUntil} WHERE id = ${id} AND status = 'pending' RETURNING *`;
  return row;
}

export async function outboxStatus(db: Db, id: number): Promise<OutboxRow['status'] | undefined> {
  const [row] = await db<{ status: OutboxRow['status'] }[]>`SELECT status FROM outbox WHERE id = ${id}`;
  return row?.status;
}

/** The outcome of a delivery's latest attempt, once it has one. */
export async function latestAttempt(
  db: Db,
  id: number,
): Promise<{ status: OutboxRow['status']; attempts: number; ok: boolean | null; status_code: number | null; error: string | null; attempted_at: Date | null } | undefined> {
  const [row] = await db<{ status: OutboxRow['status']; attempts: number; ok: boolean | null; status_code: number | null; error: string | null; attempted_at: Date | null }[]>`
    SELECT o.status, o.attempts, a.ok, a.status_code, a.error, a.attempted_at
    FROM outbox o LEFT JOIN LATERAL (
      SELECT ok, status_code, error, attempted_at FROM outbox_attempts WHERE outbox_id = o.id ORDER BY id DESC LIMIT 1) a ON true
    WHERE o.id = ${id}`;
  return row;
}
