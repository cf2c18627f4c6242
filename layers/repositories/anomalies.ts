import type { Db } from './db.ts';

export interface HourRow {
  bucket: Date;
  checks: number;
  failures: number;
  rt_sum: number;
  rt_n: number;
  covered_seconds: number;
  down_seconds: number;
}

/** Hourly rollups of one project in [from, to). */
export async function hourlyRollups(db: Db, projectId: number, from: Date, to: Date): Promise<HourRow[]> {
  return db<HourRow[]>`
    SELECT bucket, checks, checks - up_checks AS failures, response_time_sum AS rt_sum, response_time_n AS rt_n, covered_seconds, down_seconds
    FROM rollups_hourly WHERE project_id = ${projectId} AND bucket >= ${from} AND bucket < ${to}
    ORDER BY bucket`;
}

/** Incidents of one project that overlap [from, to). */
export async function incidentsOverlapping(db: Db, projectId: number, from: Date, to: Date): Promise<{ started_at: Date; ended_at: Date | null }[]> {
  return db<{ started_at: Date; ended_at: Date | null }[]>`
    SELECT started_at, ended_at FROM incidents
    WHERE project_id = ${projectId} AND started_at < ${to} AND (ended_at IS NULL OR ended_at > ${from})
    ORDER BY started_at`;
}

export interface AnomalyRow {
  id: number;
  project_id: number;
  type: string;
  severity: string;
  hour: Date | null;
  detected_at: Date;
  details: { message?: string; value?: number; baseline?: number; deviation?: number };
}

export interface NewAnomaly {
  project_id: number;
  type: string;
  severity: string;
  hour: Date;
  detected_at: Date;
  details: { message: string; value: number; baseline: number; deviation: number };
}

/** Records anomalies; one already recorded for the same project, type and hour is left alone. Returns the new rows. */
export async function insertAnomalies(db: Db, rows: NewAnomaly[]): Promise<AnomalyRow[]> {
  if (rows.length === 0) return [];
  const inserted: AnomalyRow[] = [];
  for (const r of rows) {
    const got = await db<AnomalyRow[]>`
      INSERT INTO anomalies (project_id, type, severity, hour, detected_at, details)
      VALUES (${r.project_id}, ${r.type}, ${r.severity}, ${r.hour}, ${r.detected_at}, ${db.json(r.details as never)})
      ON CONFLICT (project_id, type, hour) DO NOTHING
      RETURNING id, project_id, type, severity, hour, detected_at, details`;
    inserted.push(...got);
  }
  return inserted;
}

/** Recorded anomalies of one project detected at or after `from`, newest first. */
export async function listAnomaliesSince(db: Db, projectId: number, from: Date, limit = 1000): Promise<AnomalyRow[]> {
  return db<AnomalyRow[]>`
    SELECT id, project_id, type, severity, hour, detected_at, details FROM anomalies
    WHERE project_id = ${projectId} AND detected_at >= ${from}
    ORDER BY detected_at DESC, id DESC LIMIT ${limit}`;
}

/** Projects the hourly job looks at: active ones with results in the window. */
export async function projectsWithResultsSince(db: Db, since: Date): Promise<number[]> {
  const rows = await db<{ project_id: number }[]>`
    SELECT DISTINCT r.project_id FROM rollups_hourly r JOIN projects p ON p.id = r.project_id
    WHERE r.bucket >= ${since} AND p.is_active ORDER BY r.project_id`;
  return rows.map((r) => r.project_id);
}
