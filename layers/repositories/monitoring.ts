import type { CheckTarget, MonitoringSettingsRow, Project } from '../model/project.ts';
import { jsonTextArray, plainArray, type Db } from './db.ts';

/** The check target's columns (model/project.ts checkTargetShape), from projects p and monitoring_settings m. */
const checkTargetColumns = (db: Db) =>
  db`p.url, p.custom_headers, p.time_limit, m.timeout, m.retry_count, m.accepted_status_codes, p.content_change_detection, p.content_selector,
    p.keyword_monitoring, p.keywords, p.keyword_alert_on_found`;

export type DueProject = CheckTarget &
  Pick<MonitoringSettingsRow, 'check_interval' | 'deep_check_cadence'> & {
    project_id: number;
    due_at: Date;
    cycle: number;
    /** Whether the project's last result was a failure (it may well take its whole budget again). */
    last_failed: boolean;
  };

/**
 * Claims the projects due before `until`, moving their next due time one interval on, so two ticks
 * never claim the same check (row locks with SKIP LOCKED; the new due time is past the window).
 */
export async function claimDueProjects(db: Db, now: Date, until: Date, limit: number): Promise<DueProject[]> {
  return db<DueProject[]>`
    WITH due AS (
      SELECT s.project_id, s.next_due_at
      FROM monitor_state s
      JOIN projects p ON p.id = s.project_id
      WHERE s.is_running AND p.is_active AND s.next_due_at < ${until}
      ORDER BY s.next_due_at
      LIMIT ${limit}
      FOR UPDATE OF s SKIP LOCKED
    ), claimed AS (
      UPDATE monitor_state s
      -- One interval on; a project so overdue that this is still inside the window (the scheduler
      -- was stopped) restarts just past it, spread by id instead of in one burst.
      SET next_due_at = CASE
            WHEN due.next_due_at + make_interval(secs => m.check_interval) >= ${until}::timestamptz
              THEN due.next_due_at + make_interval(secs => m.check_interval)
            ELSE ${until}::timestamptz + make_interval(secs => s.project_id % m.check_interval) END,
          cycle_count = s.cycle_count + 1,
          claimed_until = ${until}
      FROM due, monitoring_settings m
      WHERE s.project_id = due.project_id AND m.project_id = due.project_id
      RETURNING s.project_id, GREATEST(due.next_due_at, ${now}::timestamptz - interval '1 minute') AS due_at, s.cycle_count AS cycle,
        s.last_is_available IS FALSE AS last_failed
    )
    SELECT c.project_id, c.due_at, c.cycle, c.last_failed, m.check_interval, m.deep_check_cadence, ${checkTargetColumns(db)}
    FROM claimed c JOIN projects p ON p.id = c.project_id JOIN monitoring_settings m ON m.project_id = c.project_id
    ORDER BY c.due_at`;
}

/**
 * Spreads overdue projects `stepMs` apart from `start` (local first start, spec 6.1: 0.5 s), but
 * over at most `maxSpreadMs`, so thousands of projects do not wait minutes for their first check.
 */
export async function staggerOverdue(db: Db, start: Date, stepMs: number, maxSpreadMs = 60_000): Promise<number> {
  const [c] = await db<{ n: number }[]>`SELECT count(*)::int AS n FROM monitor_state WHERE is_running AND next_due_at <= ${start}`;
  const n = c?.n ?? 0;
  if (n === 0) return 0;
  const step = Math.min(stepMs, maxSpreadMs / n);
  const rows = await db`
    WITH overdue AS (
      SELECT project_id, row_number() OVER (ORDER BY project_id) - 1 AS n
      FROM monitor_state WHERE is_running AND next_due_at <= ${start}
    )
    UPDATE monitor_state s SET next_due_at = ${start}::timestamptz + make_interval(secs => overdue.n * ${step / 1000}::double precision)
    FROM overdue WHERE s.project_id = overdue.project_id
    RETURNING s.project_id`;
  return rows.length;
}

export async function getSchedulerRunning(db: Db): Promise<boolean> {
  const [row] = await db<{ is_running: boolean }[]>`SELECT is_running FROM scheduler_control WHERE id`;
  return row?.is_running ?? true;
}

export async function setSchedulerRunning(db: Db, running: boolean): Promise<void> {
  await db`UPDATE scheduler_control SET is_running = ${running}, updated_at = now(),
    started_at = CASE WHEN ${running} AND NOT is_running THEN now() ELSE started_at END WHERE id`;
}

export async function setProjectRunning(db: Db, projectId: number, running: boolean, now: Date): Promise<boolean> {
  const rows = await db`
    UPDATE monitor_state s SET is_running = ${running},
      next_due_at = CASE WHEN ${running} AND NOT s.is_running THEN ${now} ELSE s.next_due_at END, updated_at = now()
    FROM projects p WHERE p.id = s.project_id AND p.is_active AND s.project_id = ${projectId}
    RETURNING s.project_id`;
  return rows.length > 0;
}

export interface MonitorStateRow {
  project_id: number;
  is_running: boolean;
  next_due_at: Date;
  consecutive_failures: number;
  cycle_count: number;
  is_down: boolean;
  down_since: Date | null;
  open_incident_id: number | null;
  last_checked_at: Date | null;
  last_is_available: boolean | null;
  last_status_code: number | null;
  last_response_time: number | null;
  last_error: string | null;
  content_hash: string | null;
  keyword_state: unknown;
  ssl_warned_days: number | null;
  domain_warned_days: number | null;
  streak_first_error: string | null;
  outage_alerted: boolean;
  content_alerting: boolean;
  keyword_alerting: boolean;
  /** Whether the last result was recorded in maintenance (its still-open span counts as maintenance). */
  last_in_maintenance?: boolean;
  /** The latest due time of the project's recorded results (migration 025); null: not known. */
  last_due_at?: Date | null;
}

export async function lockMonitorState(db: Db, projectId: number): Promise<MonitorStateRow | undefined> {
  const [row] = await db<MonitorStateRow[]>`SELECT * FROM monitor_state WHERE project_id = ${projectId} FOR UPDATE`;
  return row;
}

/** Forgets the content hash: the next check sets a new baseline (after the selector changed). */
export async function resetContentBaseline(db: Db, projectId: number): Promise<void> {
  await db`UPDATE monitor_state SET content_hash = NULL WHERE project_id = ${projectId}`;
}

export async function updateMonitorState(db: Db, projectId: number, patch: Partial<Omit<MonitorStateRow, 'project_id'>>): Promise<void> {
  const keys = Object.keys(patch) as (keyof typeof patch)[];
  if (keys.length === 0) return;
  const values: Record<string, unknown> = { ...patch };
  if ('keyword_state' in patch) values['keyword_state'] = db.json((patch.keyword_state ?? null) as never);
  await db`UPDATE monitor_state SET ${db(values as never, keys)}, updated_at = now() WHERE project_id = ${projectId}`;
}

/**
 * The state changes of many projects in one statement per distinct set of changed columns (a batch of
 * results mostly changes the same ones): each row's patch travels as JSON and is typed by the table's
 * own row type, so only the columns it names are written, as `updateMonitorState` would.
 */
export async function updateMonitorStates(db: Db, patches: Map<number, Partial<Omit<MonitorStateRow, 'project_id'>>>): Promise<void> {
  const groups = new Map<string, { keys: string[]; ids: number[]; patches: string[] }>();
  for (const [projectId, patch] of patches) {
    const keys = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined).sort();
    if (keys.length === 0) continue;
    const sig = keys.join(',');
    let g = groups.get(sig);
    if (!g) groups.set(sig, (g = { keys, ids: [], patches: [] }));
    g.ids.push(projectId);
    g.patches.push(JSON.stringify(patch));
  }
  for (const g of groups.values()) {
    // keyword_state is jsonb: taken as the JSON value itself (a null patch stores JSON null, as db.json(null) does).
    const set = g.keys.map((k) => (k === 'keyword_state' ? db`keyword_state = p.patch->'keyword_state'` : db`${db(k)} = r.${db(k)}`));
    await db`
      UPDATE monitor_state s SET ${set.reduce((a, b) => db`${a}, ${b}`)}, updated_at = now()
      FROM unnest(${plainArray(g.ids)}::int[], ${jsonTextArray(g.patches)}::jsonb[]) AS p(project_id, patch),
        jsonb_populate_record(NULL::monitor_state, p.patch) AS r
      WHERE s.project_id = p.project_id`;
  }
}

export type SchedulerStatusRow = MonitorStateRow & Pick<Project, 'title' | 'url' | 'maintenance_mode'> & Pick<MonitoringSettingsRow, 'check_interval'>;

export async function listMonitorStates(db: Db, projectId?: number): Promise<SchedulerStatusRow[]> {
  return db<SchedulerStatusRow[]>`
    SELECT s.*, p.title, p.url, m.check_interval, p.maintenance_mode
    FROM monitor_state s JOIN projects p ON p.id = s.project_id JOIN monitoring_settings m ON m.project_id = s.project_id
    WHERE p.is_active ${projectId !== undefined ? db`AND s.project_id = ${projectId}` : db``}
    ORDER BY s.project_id`;
}

export async function openIncident(db: Db, projectId: number, kind: string, startedAt: Date, firstError: string | null): Promise<number> {
  const [row] = await db<{ id: number }[]>`
    INSERT INTO incidents (project_id, kind, started_at, first_error) VALUES (${projectId}, ${kind}, ${startedAt}, ${firstError})
    RETURNING id`;
  return row!.id;
}

/** The first failed HTTP check after the last successful one, up to `until`: when the streak began. */
export async function failureStreakStart(db: Db, projectId: number, until: Date): Promise<Date | undefined> {
  const [row] = await db<{ start: Date | null }[]>`
    SELECT min(checked_at) AS start FROM check_results
    WHERE project_id = ${projectId} AND kind = 'http' AND NOT is_available AND checked_at <= ${until}
      AND checked_at > coalesce((
        SELECT max(checked_at) FROM check_results
        WHERE project_id = ${projectId} AND kind = 'http' AND is_available AND checked_at <= ${until}), '-infinity')`;
  return row?.start ?? undefined;
}

export async function moveIncidentStart(db: Db, id: number, startedAt: Date): Promise<void> {
  await db`UPDATE incidents SET started_at = ${startedAt} WHERE id = ${id} AND ended_at IS NULL`;
}

export async function closeIncident(db: Db, id: number, endedAt: Date): Promise<{ started_at: Date; duration_seconds: number } | undefined> {
  const [row] = await db<{ started_at: Date; duration_seconds: number }[]>`
    UPDATE incidents SET ended_at = ${endedAt}, duration_seconds = EXTRACT(EPOCH FROM (${endedAt}::timestamptz - started_at))
    WHERE id = ${id} AND ended_at IS NULL RETURNING started_at, duration_seconds`;
  return row;
}

export interface CheckResultRow {
  id: number;
  project_id: number;
  checked_at: Date;
  kind: string;
  is_available: boolean;
  status_code: number | null;
  response_time: number | null;
  error_kind: string | null;
  error_message: string | null;
  details: unknown;
}

export async function listCheckResults(
  db: Db,
  projectId: number,
  f: { from?: Date | undefined; to?: Date | undefined; limit: number; offset: number },
): Promise<{ rows: CheckResultRow[]; total: number }> {
  const where = db`WHERE project_id = ${projectId}
    ${f.from ? db`AND checked_at >= ${f.from}` : db``}
    ${f.to ? db`AND checked_at < ${f.to}` : db``}`;
  const rows = await db<CheckResultRow[]>`
    SELECT id, project_id, checked_at, kind, is_available, status_code, response_time, error_kind, error_message, details
    FROM check_results ${where} ORDER BY checked_at DESC, id DESC LIMIT ${f.limit} OFFSET ${f.offset}`;
  const [c] = await db<{ n: number }[]>`SELECT count(*)::int AS n FROM check_results ${where}`;
  return { rows, total: c?.n ?? 0 };
}

export async function endExpiredMaintenance(db: Db, now: Date): Promise<number[]> {
  const rows = await db<{ id: number }[]>`
    UPDATE projects SET maintenance_mode = false, updated_at = now()
    WHERE maintenance_mode AND maintenance_ends_at IS NOT NULL AND maintenance_ends_at <= ${now}
    RETURNING id`;
  return rows.map((r) => r.id);
}

export async function insertExpiryCheck(
  db: Db,
  r: { project_id: number; kind: 'ssl' | 'domain'; is_valid: boolean | null; expires_at: Date | null; days_remaining: number | null; issuer: string | null; error_message: string | null; details: unknown },
): Promise<void> {
  await db`
    INSERT INTO expiry_checks (project_id, kind, is_valid, expires_at, days_remaining, issuer, error_message, details)
    VALUES (${r.project_id}, ${r.kind}, ${r.is_valid}, ${r.expires_at}, ${r.days_remaining}, ${r.issuer}, ${r.error_message},
      ${db.json((r.details ?? {}) as never)})`;
}

export async function activeProjectTargets(db: Db): Promise<{ id: number; url: string }[]> {
  return db<{ id: number; url: string }[]>`SELECT id, url FROM projects WHERE is_active ORDER BY id`;
}

/** What deciding and addressing a notification needs: the project, its settings and its owner. */
export type AlertContextRow = Pick<Project, 'id' | 'title' | 'url' | 'is_active' | 'owner_id' | 'maintenance_mode' | 'maintenance_ends_at' | 'content_selector' | 'keyword_alert_on_found'>
  & Pick<MonitoringSettingsRow, 'check_interval' | 'alert_threshold' | 'is_alert_enabled' | 'alert_email' | 'webhook_url' | 'webhook_secret' | 'ssl_warning_days' | 'domain_warning_days'>
  & { owner_email: string; owner_language: 'ko' | 'en'; owner_timezone: string; owner_email_notifications: boolean };

export async function loadAlertContext(db: Db, projectId: number): Promise<AlertContextRow | undefined> {
  const [row] = await db<AlertContextRow[]>`
    SELECT p.id, p.title, p.url, p.is_active, p.owner_id, p.maintenance_mode, p.maintenance_ends_at,
      p.content_selector, p.keyword_alert_on_found,
      m.check_interval, m.alert_threshold, m.is_alert_enabled, m.alert_email, m.webhook_url, m.webhook_secret,
      m.ssl_warning_days, m.domain_warning_days,
      u.email AS owner_email, u.language AS owner_language, u.timezone AS owner_timezone,
      u.email_notifications AS owner_email_notifications
    FROM projects p JOIN monitoring_settings m ON m.project_id = p.id JOIN users u ON u.id = p.owner_id
    WHERE p.id = ${projectId}`;
  return row;
}

export async function endMaintenance(db: Db, projectId: number): Promise<void> {
  await db`UPDATE projects SET maintenance_mode = false, updated_at = now() WHERE id = ${projectId}`;
}

/** The check target of one project, for "check now". */
export async function loadCheckTarget(db: Db, projectId: number): Promise<(CheckTarget & { project_id: number; cycle_count: number }) | undefined> {
  const [row] = await db<(CheckTarget & { project_id: number; cycle_count: number })[]>`
    SELECT p.id AS project_id, ${checkTargetColumns(db)}, s.cycle_count
    FROM projects p JOIN monitoring_settings m ON m.project_id = p.id JOIN monitor_state s ON s.project_id = p.id
    WHERE p.id = ${projectId} AND p.is_active`;
  return row;
}
