import type { Db } from './db.ts';

/**
 * Deletes check results older than the cutoff that sit outside dropped partitions (the default one,
 * and the day the cutoff falls in). There is no index on the check time alone (migration 025): the
 * partitions the cutoff leaves are read through, which costs about what the deletes do (2.16 M of
 * 4.32 M rows in one day's partition: 3.9-4.6 s, against 3.5 s through the index). Counted by the
 * statement itself, not by sending every deleted id back.
 */
export async function deleteCheckResultsBefore(db: Db, cutoff: Date): Promise<number> {
  const done = await db`DELETE FROM check_results WHERE checked_at < ${cutoff}`;
  return done.count;
}

/** Deletes deep-check rows older than the cutoff. */
export async function deleteBrowserChecksBefore(db: Db, cutoff: Date): Promise<number> {
  const rows = await db`DELETE FROM browser_checks WHERE checked_at < ${cutoff} RETURNING id`;
  return rows.length;
}

/**
 * Deletes screenshots older than the cutoff, except each project's latest image (the one the API
 * serves); returns the blob keys they held.
 */
export async function deleteScreenshotsBefore(db: Db, cutoff: Date): Promise<{ rows: number; keys: string[] }> {
  const rows = await db<{ image_key: string | null; thumbnail_key: string | null }[]>`
    DELETE FROM screenshots s WHERE s.taken_at < ${cutoff}
      AND s.id NOT IN (
        SELECT DISTINCT ON (project_id) id FROM screenshots WHERE image_key IS NOT NULL ORDER BY project_id, taken_at DESC, id DESC
      )
    RETURNING s.image_key, s.thumbnail_key`;
  return { rows: rows.length, keys: rows.flatMap((r) => [r.image_key, r.thumbnail_key].filter((k): k is string => k !== null)) };
}

/** Deletes journey runs older than the cutoff; returns the blob keys of their step screenshots. */
export async function deleteSyntheticRunsBefore(db: Db, cutoff: Date): Promise<{ rows: number; keys: string[] }> {
  const [row] = await db<{ rows: number; keys: string[] }[]>`
    WITH gone AS (DELETE FROM synthetic_runs WHERE started_at < ${cutoff} RETURNING steps)
    SELECT (SELECT count(*) FROM gone)::int AS rows,
      ARRAY(
        SELECT step->>'screenshot_key' FROM gone, jsonb_array_elements(CASE WHEN jsonb_typeof(gone.steps) = 'array' THEN gone.steps ELSE '[]' END) AS step
        WHERE step->>'screenshot_key' IS NOT NULL
      ) AS keys`;
  return row ?? { rows: 0, keys: [] };
}
