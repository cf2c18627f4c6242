import type { Db } from './db.ts';

/** Deletes check results older than the cutoff that sit outside dropped partitions (the default one). */
export async function deleteCheckResultsBefore(db: Db, cutoff: Date): Promise<number> {
  const rows = await db`DELETE FROM check_results WHERE checked_at < ${cutoff} RETURNING id`;
  return rows.length;
}
