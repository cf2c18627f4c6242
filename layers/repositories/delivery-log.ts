import type { Db } from './db.ts';

export async function isDelivered(db: Db, outboxId: number): Promise<boolean> {
  const rows = await db`SELECT 1 FROM delivery_log WHERE outbox_id = ${outboxId}`;
  return rows.length > 0;
}

export async function markDelivered(db: Db, outboxId: number, at: Date): Promise<void> {
  await db`INSERT INTO delivery_log (outbox_id, delivered_at) VALUES (${outboxId}, ${at}) ON CONFLICT (outbox_id) DO NOTHING`;
}
