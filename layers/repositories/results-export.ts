import type { Db } from './db.ts';

/**
 * One project's HTTP results in [from, to) in time order as CSV lines (checked_at, is_available,
 * status_code, response_time, error_message, in_maintenance; RFC 4180 quoting), `batch` rows per query after the last
 * key (keyset pagination on the primary key). The database writes the text, so each batch is one
 * string in JavaScript instead of thousands of row objects; no connection is held between batches,
 * so a long download does not starve the pool (the embedded database has one).
 */
export async function* csvLinesInRange(db: Db, projectId: number, from: Date, to: Date, batch = 5000): AsyncGenerator<string> {
  let after: { at: string; id: number } | undefined;
  for (;;) {
    const [page] = await db<{ n: number; csv: string | null; last_at: string | null; last_id: number | null }[]>`
      WITH b AS (
        SELECT id, checked_at, is_available, status_code, response_time, error_message, in_maintenance FROM check_results
        WHERE project_id = ${projectId} AND kind = 'http' AND checked_at >= ${from} AND checked_at < ${to}
          ${after ? db`AND (checked_at, id) > (${after.at}::timestamptz, ${after.id})` : db``}
        ORDER BY checked_at, id LIMIT ${batch}
      )
      SELECT count(*)::int AS n,
        string_agg(concat_ws(',',
          to_char(checked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          CASE WHEN is_available THEN 'true' ELSE 'false' END,
          coalesce(status_code::text, ''),
          coalesce(response_time::text, ''),
          CASE WHEN error_message IS NULL THEN ''
               WHEN error_message ~ '[",\\r\\n]|^\\s|\\s$' THEN '"' || replace(error_message, '"', '""') || '"'
               ELSE error_message END,
          CASE WHEN in_maintenance THEN 'true' ELSE 'false' END
        ) || E'\\r\\n', '' ORDER BY checked_at, id) AS csv,
        (array_agg(checked_at::text ORDER BY checked_at DESC, id DESC))[1] AS last_at,
        (array_agg(id ORDER BY checked_at DESC, id DESC))[1] AS last_id
      FROM b`;
    if (!page || page.n === 0 || page.csv === null || page.last_at === null || page.last_id === null) return;
    yield page.csv;
    if (page.n < batch) return;
    after = { at: page.last_at, id: page.last_id };
  }
}
