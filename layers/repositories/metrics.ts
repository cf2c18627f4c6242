import type { Db } from './db.ts';

// What GET /metrics reports of each project, read at scrape time from the database (the one place
// that is right after a restart and the same from every Lambda container): two queries for all.

export interface ProjectMetricsRow {
  id: number;
  key: string;
  title: string;
  url: string;
  category: string | null;
  maintenance_mode: boolean;
  is_running: boolean;
  is_down: boolean;
  down_since: Date | null;
  consecutive_failures: number;
  last_checked_at: Date | null;
  last_is_available: boolean | null;
  /** ms */
  last_response_time: number | null;
  ssl_expires_at: Date | null;
  ssl_is_valid: boolean | null;
  domain_expires_at: Date | null;
}

/** Every active project's state and its latest certificate and domain expiry checks. */
export async function projectMetrics(db: Db): Promise<ProjectMetricsRow[]> {
  return db<ProjectMetricsRow[]>`
    SELECT p.id, p.key, p.title, p.url, p.category, p.maintenance_mode,
      s.is_running, s.is_down, s.down_since, s.consecutive_failures, s.last_checked_at, s.last_is_available, s.last_response_time,
      ssl.expires_at AS ssl_expires_at, ssl.is_valid AS ssl_is_valid, dom.expires_at AS domain_expires_at
    FROM projects p
    JOIN monitor_state s ON s.project_id = p.id
    LEFT JOIN LATERAL (
      SELECT e.expires_at, e.is_valid FROM expiry_checks e
      WHERE e.project_id = p.id AND e.kind = 'ssl' ORDER BY e.checked_at DESC LIMIT 1) ssl ON true
    LEFT JOIN LATERAL (
      SELECT e.expires_at FROM expiry_checks e
      WHERE e.project_id = p.id AND e.kind = 'domain' ORDER BY e.checked_at DESC LIMIT 1) dom ON true
    WHERE p.is_active
    ORDER BY p.id`;
}

/**
 * HTTP checks of each active project since it began, from the daily rollups (which retention never
 * deletes, unlike check results), so the count only grows.
 */
export async function checkCounts(db: Db): Promise<{ project_id: number; checks: number; up_checks: number }[]> {
  return db<{ project_id: number; checks: number; up_checks: number }[]>`
    SELECT r.project_id, sum(r.checks)::bigint AS checks, sum(r.up_checks)::bigint AS up_checks
    FROM rollups_daily r JOIN projects p ON p.id = r.project_id
    WHERE p.is_active
    GROUP BY r.project_id`;
}
