import type { Db } from './db.ts';

/** One dashboard row: what the table shows of a project and its monitor state, nothing more. */
export interface DashboardRow {
  id: number;
  title: string;
  url: string;
  category: string | null;
  tags: string[];
  owner_id: number;
  maintenance_mode: boolean;
  maintenance_message: string | null;
  is_running: boolean | null;
  is_down: boolean | null;
  consecutive_failures: number | null;
  last_checked_at: Date | null;
  last_is_available: boolean | null;
  last_status_code: number | null;
  last_response_time: number | null;
  last_error: string | null;
}

/** A page of active projects with their state, in one query. */
export async function listDashboardRows(db: Db, limit: number, offset: number): Promise<{ rows: DashboardRow[]; total: number }> {
  const rows = await db<(DashboardRow & { total: number })[]>`
    SELECT p.id, p.title, p.url, p.category, p.tags, p.owner_id, p.maintenance_mode, p.maintenance_message,
      s.is_running, s.is_down, s.consecutive_failures, s.last_checked_at, s.last_is_available, s.last_status_code,
      s.last_response_time, s.last_error, count(*) OVER ()::int AS total
    FROM projects p LEFT JOIN monitor_state s ON s.project_id = p.id
    WHERE p.is_active
    ORDER BY p.id LIMIT ${limit} OFFSET ${offset}`;
  let total = rows[0]?.total;
  if (total === undefined) {
    const [c] = await db<{ n: number }[]>`SELECT count(*)::int AS n FROM projects WHERE is_active`;
    total = c?.n ?? 0;
  }
  for (const r of rows) delete (r as Partial<typeof r>).total;
  return { rows, total };
}

export interface ExpiryRow {
  kind: 'ssl' | 'domain';
  checked_at: Date;
  is_valid: boolean | null;
  expires_at: Date | null;
  days_remaining: number | null;
  issuer: string | null;
  error_message: string | null;
}

/** The latest certificate and domain expiry checks of a project (one row of each kind at most). */
export async function latestExpiryChecks(db: Db, projectId: number): Promise<ExpiryRow[]> {
  return db<ExpiryRow[]>`
    SELECT DISTINCT ON (kind) kind, checked_at, is_valid, expires_at, days_remaining, issuer, error_message
    FROM expiry_checks WHERE project_id = ${projectId}
    ORDER BY kind, checked_at DESC`;
}
