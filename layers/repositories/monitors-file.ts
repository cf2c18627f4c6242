import type { MonitoringSettingsRow } from '../model/project.ts';
import type { SyntheticTestRow } from './browser.ts';
import type { Db } from './db.ts';
import type { ChannelRow } from './notification-channels.ts';
import type { ProjectRow } from './projects.ts';

// What applying and exporting a monitors file read of the whole installation, and the references
// to environment variables the applied file used (issue 15, monitors as code).

/** Two applies at once would plan against the same state: the second waits for the first's commit. */
export async function lockMonitorsFile(db: Db): Promise<void> {
  await db`SELECT pg_advisory_xact_lock(7345093)`;
}

export type FileProjectRow = ProjectRow & { settings: MonitoringSettingsRow; channel_ids: number[] };

/** Every active project with its monitoring settings and channel ids, by key. */
export async function activeProjectsWithSettings(db: Db): Promise<FileProjectRow[]> {
  const projects = await db<ProjectRow[]>`
    SELECT p.*, s.check_interval AS status_interval
    FROM projects p JOIN monitoring_settings s ON s.project_id = p.id
    WHERE p.is_active ORDER BY p.key`;
  const settings = await db<MonitoringSettingsRow[]>`
    SELECT s.* FROM monitoring_settings s JOIN projects p ON p.id = s.project_id WHERE p.is_active`;
  const links = await db<{ project_id: number; channel_id: number }[]>`
    SELECT pc.project_id, pc.channel_id FROM project_channels pc JOIN projects p ON p.id = pc.project_id
    WHERE p.is_active ORDER BY pc.channel_id`;
  const byProject = new Map(settings.map((s) => [s.project_id, s]));
  const channelIds = new Map<number, number[]>();
  for (const l of links) channelIds.set(l.project_id, [...(channelIds.get(l.project_id) ?? []), l.channel_id]);
  return projects.map((p) => ({ ...p, settings: byProject.get(p.id)!, channel_ids: channelIds.get(p.id) ?? [] }));
}

/** Every notification channel, secrets included (the service decides what leaves). */
export async function allChannels(db: Db): Promise<ChannelRow[]> {
  return db<ChannelRow[]>`SELECT * FROM notification_channels ORDER BY name, id`;
}

/** The journeys of every active project. */
export async function journeysOfActiveProjects(db: Db): Promise<SyntheticTestRow[]> {
  return db<SyntheticTestRow[]>`
    SELECT t.* FROM synthetic_tests t JOIN projects p ON p.id = t.project_id
    WHERE p.is_active ORDER BY t.project_id, t.name, t.id`;
}

export type RefObjectType = 'project' | 'channel' | 'journey';

export interface ConfigRefRow {
  object_type: RefObjectType;
  object_id: number;
  /** JSON array of the value's path inside its object, e.g. ["settings","webhook_url"]. */
  path: string;
  template: string;
  value_sha256: string;
}

export async function allConfigRefs(db: Db): Promise<ConfigRefRow[]> {
  return db<ConfigRefRow[]>`SELECT * FROM config_refs ORDER BY object_type, object_id, path`;
}

/** Replaces the references recorded for one object. */
export async function replaceConfigRefs(
  db: Db,
  type: RefObjectType,
  id: number,
  refs: { path: string; template: string; value_sha256: string }[],
): Promise<void> {
  await db`DELETE FROM config_refs WHERE object_type = ${type} AND object_id = ${id}`;
  if (refs.length === 0) return;
  await db`INSERT INTO config_refs ${db(refs.map((r) => ({ object_type: type, object_id: id, ...r })))}`;
}

/** The oldest active admin: whom the CLI acts as when it is not told. */
export async function firstAdmin(db: Db): Promise<{ id: number; email: string; name: string } | undefined> {
  const [row] = await db<{ id: number; email: string; name: string }[]>`
    SELECT id, email, name FROM users WHERE role = 'admin' AND is_active ORDER BY id LIMIT 1`;
  return row;
}
