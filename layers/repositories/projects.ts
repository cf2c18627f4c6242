import { randomBytes } from 'node:crypto';
import { projectWritableKeys, type MonitoringSettings, type MonitoringSettingsRow, type Project, type ProjectInput, type ProjectWritableKey } from '../model/project.ts';
import type { Db } from './db.ts';

export type ProjectRow = Project & { deleted_at: Date | null };

/** Columns of the projects table a client writes (status_interval lives in monitoring_settings). */
export const projectColumns = projectWritableKeys.filter((k): k is Exclude<ProjectWritableKey, 'status_interval'> => k !== 'status_interval');
export type ProjectColumn = (typeof projectColumns)[number];
export type ProjectFields = Pick<ProjectInput, ProjectColumn>;

export async function insertProject(
  db: Db,
  ownerId: number,
  fields: ProjectFields,
  statusInterval: number,
): Promise<ProjectRow> {
  const { key, ...rest } = fields;
  // Without a key the row needs its id first for `project-<id>`: a placeholder no client can send, then the key.
  const values = {
    ...rest,
    key: key ?? `pending:${randomBytes(12).toString('hex')}`,
    owner_id: ownerId,
    custom_headers: db.json(fields.custom_headers),
    keywords: db.json(fields.keywords),
  };
  const [p] = await db<{ id: number }[]>`INSERT INTO projects ${db(values)} RETURNING id`;
  if (key === undefined) await setDefaultKey(db, p!.id);
  await db`INSERT INTO monitoring_settings (project_id, check_interval, webhook_secret)
    VALUES (${p!.id}, ${statusInterval}, ${randomBytes(24).toString('base64url')})`;
  await db`INSERT INTO monitor_state (project_id, next_due_at) VALUES (${p!.id}, now())`;
  return (await findProject(db, p!.id))!;
}

/** `project-<id>`, or `project-<id>-2`... when a client already gave that key to another project. */
async function setDefaultKey(db: Db, id: number): Promise<void> {
  await db`
    UPDATE projects SET key = (
      SELECT c.k FROM (
        SELECT 'project-' || ${id}::int AS k, 1 AS n
        UNION ALL SELECT 'project-' || ${id}::int || '-' || g, g FROM generate_series(2, 1000) g) c
      WHERE NOT EXISTS (SELECT 1 FROM projects q WHERE q.key = c.k AND q.is_active)
      ORDER BY c.n LIMIT 1)
    WHERE id = ${id}`;
}

/** The active project holding a key. */
export async function findProjectIdByKey(db: Db, key: string): Promise<number | undefined> {
  const [row] = await db<{ id: number }[]>`SELECT id FROM projects WHERE key = ${key} AND is_active`;
  return row?.id;
}

/** Whether an error is the unique index of active projects' keys refusing a duplicate. */
export function isDuplicateKeyError(err: unknown): boolean {
  const e = err as { code?: unknown; constraint_name?: unknown };
  return e?.code === '23505' && e.constraint_name === 'projects_key_active_idx';
}

export async function findProject(db: Db, id: number, includeInactive = false): Promise<ProjectRow | undefined> {
  const [row] = await db<ProjectRow[]>`
    SELECT p.*, s.check_interval AS status_interval
    FROM projects p JOIN monitoring_settings s ON s.project_id = p.id
    WHERE p.id = ${id} ${includeInactive ? db`` : db`AND p.is_active`}`;
  return row;
}

/** Locks the project row for the rest of the transaction. */
export async function lockProject(db: Db, id: number): Promise<ProjectRow | undefined> {
  const [row] = await db<{ id: number }[]>`SELECT id FROM projects WHERE id = ${id} AND is_active FOR UPDATE`;
  return row ? findProject(db, id) : undefined;
}

export async function ownerOfProject(db: Db, id: number): Promise<number | undefined> {
  const [row] = await db<{ owner_id: number }[]>`SELECT owner_id FROM projects WHERE id = ${id} AND is_active`;
  return row?.owner_id;
}

export async function updateProject(
  db: Db,
  id: number,
  fields: Partial<ProjectFields>,
  statusInterval?: number,
): Promise<ProjectRow | undefined> {
  const keys = projectColumns.filter((k) => fields[k] !== undefined);
  const values: Record<string, unknown> = { ...fields };
  if (fields.custom_headers !== undefined) values['custom_headers'] = db.json(fields.custom_headers);
  if (fields.keywords !== undefined) values['keywords'] = db.json(fields.keywords);
  if (keys.length > 0) {
    await db`UPDATE projects SET ${db(values as never, keys)}, updated_at = now() WHERE id = ${id} AND is_active`;
  }
  if (statusInterval !== undefined) {
    const [changed] = await db<{ previous: number }[]>`
      WITH old AS (SELECT check_interval FROM monitoring_settings WHERE project_id = ${id} FOR UPDATE)
      UPDATE monitoring_settings m SET check_interval = ${statusInterval}, updated_at = now() FROM old
      WHERE m.project_id = ${id} RETURNING old.check_interval AS previous`;
    if (changed && changed.previous !== statusInterval) await rescheduleForInterval(db, id);
  }
  return findProject(db, id);
}

export async function softDeleteProject(db: Db, id: number): Promise<boolean> {
  const rows = await db`
    UPDATE projects SET is_active = false, deleted_at = now(), updated_at = now() WHERE id = ${id} AND is_active
    RETURNING id`;
  if (rows.length > 0) await db`UPDATE monitor_state SET is_running = false WHERE project_id = ${id}`;
  return rows.length > 0;
}

/** Brings a soft-deleted project back, its checks due at once; undefined when it is not deleted. */
export async function restoreProject(db: Db, id: number): Promise<ProjectRow | undefined> {
  const rows = await db`
    UPDATE projects SET is_active = true, deleted_at = NULL, updated_at = now() WHERE id = ${id} AND NOT is_active
    RETURNING id`;
  if (rows.length === 0) return undefined;
  await db`UPDATE monitor_state SET is_running = true, next_due_at = now() WHERE project_id = ${id}`;
  return findProject(db, id);
}

export async function setMaintenance(
  db: Db,
  id: number,
  m: { maintenance_mode: boolean; maintenance_message: string | null; maintenance_ends_at: Date | null },
): Promise<ProjectRow | undefined> {
  await db`
    UPDATE projects SET maintenance_mode = ${m.maintenance_mode}, maintenance_message = ${m.maintenance_message},
      maintenance_ends_at = ${m.maintenance_ends_at}, updated_at = now()
    WHERE id = ${id} AND is_active`;
  return findProject(db, id);
}

export interface ProjectFilter {
  category?: string | undefined;
  tag?: string | undefined;
  is_public?: boolean | undefined;
  search?: string | undefined;
  include_inactive?: boolean | undefined;
  /** Only the soft-deleted projects (the admin's restore list). */
  deleted_only?: boolean | undefined;
  owner_id?: number | undefined;
}

export async function listProjects(
  db: Db,
  f: ProjectFilter,
  limit: number,
  offset: number,
): Promise<{ rows: ProjectRow[]; total: number }> {
  const like = f.search ? `%${f.search.replace(/[\\%_]/g, (c) => '\\' + c)}%` : undefined;
  const where = db`
    WHERE true
    ${f.deleted_only ? db`AND NOT p.is_active` : f.include_inactive ? db`` : db`AND p.is_active`}
    ${f.category !== undefined ? db`AND p.category = ${f.category}` : db``}
    ${f.tag !== undefined ? db`AND p.tags @> ARRAY[${f.tag}]::text[]` : db``}
    ${f.is_public !== undefined ? db`AND p.is_public = ${f.is_public}` : db``}
    ${f.owner_id !== undefined ? db`AND p.owner_id = ${f.owner_id}` : db``}
    ${like ? db`AND (p.title ILIKE ${like} OR p.url ILIKE ${like} OR coalesce(p.description, '') ILIKE ${like})` : db``}`;
  const rows = await db<(ProjectRow & { total: number })[]>`
    SELECT p.*, s.check_interval AS status_interval, count(*) OVER ()::int AS total
    FROM projects p JOIN monitoring_settings s ON s.project_id = p.id
    ${where}
    ORDER BY p.id LIMIT ${limit} OFFSET ${offset}`;
  let total = rows[0]?.total;
  if (total === undefined) {
    const [c] = await db<{ n: number }[]>`SELECT count(*)::int AS n FROM projects p ${where}`;
    total = c?.n ?? 0;
  }
  for (const r of rows) delete (r as Partial<typeof r>).total;
  return { rows, total };
}

export async function getMonitoringSettings(db: Db, projectId: number): Promise<MonitoringSettingsRow | undefined> {
  const [row] = await db<MonitoringSettingsRow[]>`
    SELECT s.* FROM monitoring_settings s JOIN projects p ON p.id = s.project_id
    WHERE s.project_id = ${projectId} AND p.is_active`;
  return row;
}

export async function putMonitoringSettings(
  db: Db,
  projectId: number,
  s: MonitoringSettings,
): Promise<MonitoringSettingsRow | undefined> {
  const [row] = await db<(MonitoringSettingsRow & { previous_interval: number })[]>`
    WITH old AS (SELECT check_interval FROM monitoring_settings WHERE project_id = ${projectId} FOR UPDATE)
    UPDATE monitoring_settings m SET ${db(s)}, updated_at = now() FROM old WHERE m.project_id = ${projectId}
    RETURNING m.*, old.check_interval AS previous_interval`;
  if (!row) return undefined;
  const { previous_interval, ...settings } = row;
  if (previous_interval !== settings.check_interval) await rescheduleForInterval(db, projectId);
  return settings;
}

/**
 * A new check interval takes effect at once: the next check is due one new interval after the last
 * one (now, if that has passed), not at the time planned with the old interval. A check already
 * claimed (due before `claimed_until`) still runs, and the next one comes after it.
 */
async function rescheduleForInterval(db: Db, projectId: number): Promise<void> {
  await db`
    UPDATE monitor_state s SET next_due_at = GREATEST(
        now(),
        coalesce(s.claimed_until, '-infinity'),
        coalesce(s.last_checked_at + make_interval(secs => m.check_interval), LEAST(s.next_due_at, now() + make_interval(secs => m.check_interval)))),
      updated_at = now()
    FROM monitoring_settings m WHERE m.project_id = s.project_id AND s.project_id = ${projectId}`;
}

/** The active projects holding these keys, and whether their monitoring runs (an importer's lookup). */
export async function projectsByKeys(db: Db, keys: string[]): Promise<{ id: number; key: string; url: string; is_running: boolean }[]> {
  if (keys.length === 0) return [];
  return db<{ id: number; key: string; url: string; is_running: boolean }[]>`
    SELECT p.id, p.key, p.url, s.is_running FROM projects p JOIN monitor_state s ON s.project_id = p.id
    WHERE p.is_active AND p.key = ANY(${keys}::text[])`;
}
