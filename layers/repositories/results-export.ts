import type { Db } from './db.ts';

export interface ExportRow {
  id: number;
  /** checked_at at the database's full precision (microseconds), the pagination key. */
  key_at: string;
  checked_at: Date;
  is_available: boolean;
  status_code: number | null;
  response_time: number | null;
  error_message: string | null;
}

/**
 * One project's HTTP results in [from, to) in time order, `batch` rows per query after the last key
 * (keyset pagination on the primary key): memory stays at one batch, and no connection is held
 * between batches, so a long download does not starve the pool (the embedded database has one).
 */
export async function* resultsInRange(db: Db, projectId: number, from: Date, to: Date, batch = 5000): AsyncGenerator<ExportRow[]> {
  let after: { at: string; id: number } | undefined;
  for (;;) {
    const rows = await db<ExportRow[]>`
      SELECT id, checked_at::text AS key_at, checked_at, is_available, status_code, response_time, error_message FROM check_results
      WHERE project_id = ${projectId} AND kind = 'http' AND checked_at >= ${from} AND checked_at < ${to}
        ${after ? db`AND (checked_at, id) > (${after.at}::timestamptz, ${after.id})` : db``}
      ORDER BY checked_at, id LIMIT ${batch}`;
    if (rows.length > 0) yield rows;
    if (rows.length < batch) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.key_at, id: last.id };
  }
}
