import type { Db } from './db.ts';

/**
 * One project's HTTP results in [from, to) in time order as CSV lines (checked_at, is_available,
 * status_code, response_time, error_message, in_maintenance; RFC 4180 quoting), `batch` rows per query after the last
 * key (keyset pagination on the primary key). The database writes the text, so each batch is one
 * value instead of thousands of row objects, and it is handed on as the bytes that came off the
 * wire (a raw query): never a JavaScript string, which at this size V8 keeps in its large-object
 * space until a full collection (a million rows then grew the heap by ~45 MB of dead batches), nor
 * encoded again for the socket. No connection is held between batches, so a long download does not
 * starve the pool (the embedded database has one).
 */
export async function* csvLinesInRange(db: Db, projectId: number, from: Date, to: Date, batch = 5000): AsyncGenerator<Uint8Array> {
  let after: { at: string; id: string } | undefined;
  for (;;) {
    const [page] = await db`
      WITH b AS (
        SELECT id, checked_at, is_available, status_code, response_time, error_message, in_maintenance FROM check_results
        WHERE project_id = ${projectId} AND kind = 'http' AND checked_at >= ${from} AND checked_at < ${to}
          ${after ? db`AND (checked_at, id) > (${after.at}::timestamptz, ${after.id}::bigint)` : db``}
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
      FROM b`.raw();
    // Columns in the order selected, each the text PostgreSQL sent (null for NULL).
    const [n, csv, lastAt, lastId] = (page ?? []) as (Buffer | null)[];
    const count = n ? Number(n.toString('latin1')) : 0;
    if (count === 0 || !csv || !lastAt || !lastId) return;
    yield csv;
    if (count < batch) return;
    after = { at: lastAt.toString('latin1'), id: lastId.toString('latin1') };
  }
}
