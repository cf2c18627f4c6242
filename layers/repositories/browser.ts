import type { Db } from './db.ts';

export interface BrowserCheckRow {
  id: number;
  project_id: number;
  checked_at: Date;
  is_success: boolean;
  metrics: Record<string, unknown>;
  error_kind: string | null;
  error_message: string | null;
}

export async function insertBrowserCheck(db: Db, r: Omit<BrowserCheckRow, 'id'>): Promise<BrowserCheckRow> {
  const [row] = await db<BrowserCheckRow[]>`
    INSERT INTO browser_checks (project_id, checked_at, is_success, metrics, error_kind, error_message)
    VALUES (${r.project_id}, ${r.checked_at}, ${r.is_success}, ${db.json(r.metrics as never)}, ${r.error_kind}, ${r.error_message})
    RETURNING *`;
  return row!;
}

export async function listBrowserChecks(db: Db, projectId: number, limit: number, offset: number): Promise<{ rows: BrowserCheckRow[]; total: number }> {
  const rows = await db<BrowserCheckRow[]>`
    SELECT * FROM browser_checks WHERE project_id = ${projectId} ORDER BY checked_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`;
  const [c] = await db<{ n: number }[]>`SELECT count(*)::int AS n FROM browser_checks WHERE project_id = ${projectId}`;
  return { rows, total: c?.n ?? 0 };
}

export interface ScreenshotRow {
  id: number;
  project_id: number;
  taken_at: Date;
  image_key: string | null;
  thumbnail_key: string | null;
  width: number;
  height: number;
  full_page: boolean;
  error_message: string | null;
}

export async function insertScreenshot(db: Db, s: Omit<ScreenshotRow, 'id'>): Promise<ScreenshotRow> {
  const [row] = await db<ScreenshotRow[]>`INSERT INTO screenshots ${db(s)} RETURNING *`;
  return row!;
}

export async function latestScreenshot(db: Db, projectId: number): Promise<ScreenshotRow | undefined> {
  const [row] = await db<ScreenshotRow[]>`
    SELECT * FROM screenshots WHERE project_id = ${projectId} AND image_key IS NOT NULL ORDER BY taken_at DESC, id DESC LIMIT 1`;
  return row;
}

export interface SyntheticTestRow {
  id: number;
  project_id: number;
  name: string;
  steps: unknown[];
  settings: Record<string, unknown>;
  is_active: boolean;
  last_status: string | null;
  failing_since: Date | null;
  failure_alerted: boolean;
  created_at: Date;
  updated_at: Date;
}

export async function insertSyntheticTest(
  db: Db,
  t: { project_id: number; name: string; steps: unknown[]; settings: Record<string, unknown>; is_active: boolean },
): Promise<SyntheticTestRow> {
  const [row] = await db<SyntheticTestRow[]>`
    INSERT INTO synthetic_tests (project_id, name, steps, settings, is_active)
    VALUES (${t.project_id}, ${t.name}, ${db.json(t.steps as never)}, ${db.json(t.settings as never)}, ${t.is_active})
    RETURNING *`;
  return row!;
}

export async function updateSyntheticTest(
  db: Db,
  id: number,
  projectId: number,
  t: { name: string; steps: unknown[]; settings: Record<string, unknown>; is_active: boolean },
): Promise<SyntheticTestRow | undefined> {
  const [row] = await db<SyntheticTestRow[]>`
    UPDATE synthetic_tests SET name = ${t.name}, steps = ${db.json(t.steps as never)}, settings = ${db.json(t.settings as never)},
      is_active = ${t.is_active}, updated_at = now()
    WHERE id = ${id} AND project_id = ${projectId} RETURNING *`;
  return row;
}

export async function deleteSyntheticTest(db: Db, id: number, projectId: number): Promise<boolean> {
  const rows = await db`DELETE FROM synthetic_tests WHERE id = ${id} AND project_id = ${projectId} RETURNING id`;
  return rows.length > 0;
}

export async function findSyntheticTest(db: Db, id: number, projectId: number): Promise<SyntheticTestRow | undefined> {
  const [row] = await db<SyntheticTestRow[]>`SELECT * FROM synthetic_tests WHERE id = ${id} AND project_id = ${projectId}`;
  return row;
}

export async function listSyntheticTests(db: Db, projectId: number): Promise<SyntheticTestRow[]> {
  return db<SyntheticTestRow[]>`SELECT * FROM synthetic_tests WHERE project_id = ${projectId} ORDER BY id`;
}

/** Active journeys of the given projects (the scheduler runs them with the browser checks). */
export async function activeSyntheticTests(db: Db, projectIds: number[]): Promise<(SyntheticTestRow & { url: string })[]> {
  if (projectIds.length === 0) return [];
  return db<(SyntheticTestRow & { url: string })[]>`
    SELECT t.*, p.url FROM synthetic_tests t JOIN projects p ON p.id = t.project_id
    WHERE t.is_active AND p.is_active AND t.project_id = ANY(${db.array(projectIds)}::int[])`;
}

export interface SyntheticRunRow {
  id: number;
  test_id: number;
  project_id: number;
  started_at: Date;
  duration_ms: number | null;
  is_success: boolean;
  status: string;
  failed_step: number | null;
  steps: unknown[];
  error_message: string | null;
  details: Record<string, unknown>;
}

export async function insertSyntheticRun(db: Db, r: Omit<SyntheticRunRow, 'id'>): Promise<SyntheticRunRow> {
  const [row] = await db<SyntheticRunRow[]>`
    INSERT INTO synthetic_runs (test_id, project_id, started_at, duration_ms, is_success, status, failed_step, steps, error_message, details)
    VALUES (${r.test_id}, ${r.project_id}, ${r.started_at}, ${r.duration_ms}, ${r.is_success}, ${r.status}, ${r.failed_step},
      ${db.json(r.steps as never)}, ${r.error_message}, ${db.json(r.details as never)})
    RETURNING *`;
  return row!;
}

export async function listSyntheticRuns(db: Db, testId: number, limit: number): Promise<SyntheticRunRow[]> {
  return db<SyntheticRunRow[]>`SELECT * FROM synthetic_runs WHERE test_id = ${testId} ORDER BY started_at DESC, id DESC LIMIT ${limit}`;
}

export async function lockSyntheticTest(db: Db, id: number): Promise<SyntheticTestRow | undefined> {
  const [row] = await db<SyntheticTestRow[]>`SELECT * FROM synthetic_tests WHERE id = ${id} FOR UPDATE`;
  return row;
}

export async function setSyntheticState(
  db: Db,
  id: number,
  s: { last_status: string; failing_since: Date | null; failure_alerted: boolean },
): Promise<void> {
  await db`UPDATE synthetic_tests SET last_status = ${s.last_status}, failing_since = ${s.failing_since},
    failure_alerted = ${s.failure_alerted} WHERE id = ${id}`;
}
