import type { Db } from './db.ts';

// Reads of the public status page, the badges and the mobile API, and the incident notes people
// write. Each status read is one query whatever the number of projects.

/** What the public status of a project is decided from: no owner, URL, host or error text. */
export interface PublicProjectRow {
  id: number;
  title: string;
  category: string | null;
  time_limit: number | null;
  maintenance_mode: boolean;
  is_down: boolean;
  last_checked_at: Date | null;
  last_is_available: boolean | null;
  last_response_time: number | null;
}

const publicColumns = (db: Db) =>
  db`p.id, p.title, p.category, p.time_limit, p.maintenance_mode, s.is_down, s.last_checked_at, s.last_is_available, s.last_response_time`;

export async function listPublicProjects(db: Db): Promise<PublicProjectRow[]> {
  return db<PublicProjectRow[]>`
    SELECT ${publicColumns(db)}
    FROM projects p JOIN monitor_state s ON s.project_id = p.id
    WHERE p.is_public AND p.is_active ORDER BY p.id`;
}

/** One public, active project; undefined for a private, deleted or unknown one alike. */
export async function findPublicProject(db: Db, id: number): Promise<PublicProjectRow | undefined> {
  const [row] = await db<PublicProjectRow[]>`
    SELECT ${publicColumns(db)}
    FROM projects p JOIN monitor_state s ON s.project_id = p.id
    WHERE p.id = ${id} AND p.is_public AND p.is_active`;
  return row;
}

/** The latest SSL expiry check of a public, active project (the cert-exp badge). */
export async function latestPublicCertificate(db: Db, projectId: number): Promise<{ found: boolean; days_remaining: number | null; expires_at: Date | null }> {
  const [row] = await db<{ id: number; days_remaining: number | null; expires_at: Date | null }[]>`
    SELECT p.id, e.days_remaining, e.expires_at
    FROM projects p
    LEFT JOIN LATERAL (
      SELECT days_remaining, expires_at FROM expiry_checks
      WHERE project_id = p.id AND kind = 'ssl' ORDER BY checked_at DESC, id DESC LIMIT 1) e ON true
    WHERE p.id = ${projectId} AND p.is_public AND p.is_active`;
  return row ? { found: true, days_remaining: row.days_remaining, expires_at: row.expires_at } : { found: false, days_remaining: null, expires_at: null };
}

// ---------- incidents and their updates ----------

export type IncidentUpdateStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';

export interface IncidentUpdateRow {
  id: number;
  incident_id: number;
  status: IncidentUpdateStatus;
  message: string;
  author_id: number | null;
  created_at: Date;
}

export interface IncidentRow {
  id: number;
  project_id: number;
  kind: string;
  started_at: Date;
  ended_at: Date | null;
  duration_seconds: number | null;
  first_error: string | null;
  title: string | null;
  postmortem: string | null;
  updated_at: Date | null;
}

export async function findIncident(db: Db, id: number): Promise<(IncidentRow & { owner_id: number }) | undefined> {
  const [row] = await db<(IncidentRow & { owner_id: number })[]>`
    SELECT i.id, i.project_id, i.kind, i.started_at, i.ended_at, i.duration_seconds, i.first_error, i.title, i.postmortem,
      i.updated_at, p.owner_id
    FROM incidents i JOIN projects p ON p.id = i.project_id
    WHERE i.id = ${id} AND p.is_active`;
  return row;
}

export async function listIncidents(db: Db, projectId: number, limit: number, offset: number): Promise<{ rows: IncidentRow[]; total: number }> {
  const rows = await db<(IncidentRow & { total: number })[]>`
    SELECT id, project_id, kind, started_at, ended_at, duration_seconds, first_error, title, postmortem, updated_at,
      count(*) OVER ()::int AS total
    FROM incidents WHERE project_id = ${projectId}
    ORDER BY started_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`;
  let total = rows[0]?.total;
  if (total === undefined) {
    const [c] = await db<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents WHERE project_id = ${projectId}`;
    total = c?.n ?? 0;
  }
  return { rows: rows.map(({ total: _t, ...r }) => r), total };
}

/** Titles, postmortems and updates of some incidents (one query), updates oldest first. */
export async function incidentNotes(
  db: Db,
  incidentIds: number[],
): Promise<Map<number, { title: string | null; postmortem: string | null; updates: IncidentUpdateRow[] }>> {
  const out = new Map<number, { title: string | null; postmortem: string | null; updates: IncidentUpdateRow[] }>();
  if (incidentIds.length === 0) return out;
  const rows = await db<{ id: number; title: string | null; postmortem: string | null; updates: (Omit<IncidentUpdateRow, 'created_at'> & { created_at: string })[] }[]>`
    SELECT i.id, i.title, i.postmortem,
      coalesce((SELECT json_agg(json_build_object('id', u.id, 'incident_id', u.incident_id, 'status', u.status, 'message', u.message,
                  'author_id', u.author_id, 'created_at', u.created_at) ORDER BY u.created_at, u.id)
                FROM incident_updates u WHERE u.incident_id = i.id), '[]'::json) AS updates
    FROM incidents i WHERE i.id = ANY(${incidentIds}::bigint[])`;
  for (const r of rows) {
    out.set(r.id, { title: r.title, postmortem: r.postmortem, updates: r.updates.map((u) => ({ ...u, created_at: new Date(u.created_at) })) });
  }
  return out;
}

export async function insertIncidentUpdate(
  db: Db,
  u: { incident_id: number; status: IncidentUpdateStatus; message: string; author_id: number },
): Promise<IncidentUpdateRow> {
  const [row] = await db<IncidentUpdateRow[]>`
    INSERT INTO incident_updates (incident_id, status, message, author_id)
    VALUES (${u.incident_id}, ${u.status}, ${u.message}, ${u.author_id})
    RETURNING id, incident_id, status, message, author_id, created_at`;
  return row!;
}

export async function updateIncidentNotes(
  db: Db,
  id: number,
  patch: { title?: string | null | undefined; postmortem?: string | null | undefined },
): Promise<void> {
  await db`
    UPDATE incidents SET
      title = CASE WHEN ${patch.title !== undefined} THEN ${patch.title ?? null}::text ELSE title END,
      postmortem = CASE WHEN ${patch.postmortem !== undefined} THEN ${patch.postmortem ?? null}::text ELSE postmortem END,
      updated_at = now()
    WHERE id = ${id}`;
}

// ---------- mobile ----------

export interface MobileProjectRow extends PublicProjectRow {
  consecutive_failures: number;
}

export async function listMobileProjects(db: Db, limit: number, offset: number): Promise<{ rows: MobileProjectRow[]; total: number }> {
  const rows = await db<(MobileProjectRow & { total: number })[]>`
    SELECT ${publicColumns(db)}, s.consecutive_failures, count(*) OVER ()::int AS total
    FROM projects p JOIN monitor_state s ON s.project_id = p.id
    WHERE p.is_active ORDER BY p.id LIMIT ${limit} OFFSET ${offset}`;
  let total = rows[0]?.total;
  if (total === undefined) {
    const [c] = await db<{ n: number }[]>`SELECT count(*)::int AS n FROM projects WHERE is_active`;
    total = c?.n ?? 0;
  }
  return { rows: rows.map(({ total: _t, ...r }) => r), total };
}

/** Totals of the active projects and the worst few now: down first, then failing, then the slowest. */
export async function mobileDashboard(db: Db, worst: number): Promise<{ totals: { projects: number; up: number; down: number; maintenance: number; unknown: number }; worst: MobileProjectRow[] }> {
  const [totals] = await db<{ projects: number; up: number; down: number; maintenance: number; unknown: number }[]>`
    SELECT count(*)::int AS projects,
      count(*) FILTER (WHERE NOT p.maintenance_mode AND s.last_checked_at IS NOT NULL AND NOT s.is_down)::int AS up,
      count(*) FILTER (WHERE NOT p.maintenance_mode AND s.last_checked_at IS NOT NULL AND s.is_down)::int AS down,
      count(*) FILTER (WHERE p.maintenance_mode)::int AS maintenance,
      count(*) FILTER (WHERE NOT p.maintenance_mode AND s.last_checked_at IS NULL)::int AS unknown
    FROM projects p JOIN monitor_state s ON s.project_id = p.id WHERE p.is_active`;
  const rows = await db<MobileProjectRow[]>`
    SELECT ${publicColumns(db)}, s.consecutive_failures
    FROM projects p JOIN monitor_state s ON s.project_id = p.id
    WHERE p.is_active AND NOT p.maintenance_mode AND s.last_checked_at IS NOT NULL
      AND (s.is_down OR s.consecutive_failures > 0 OR (p.time_limit IS NOT NULL AND s.last_response_time > p.time_limit))
    ORDER BY s.is_down DESC, s.consecutive_failures DESC, s.last_response_time DESC NULLS LAST, p.id
    LIMIT ${worst}`;
  return { totals: totals!, worst: rows };
}
