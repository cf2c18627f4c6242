import type { Db } from './db.ts';

export interface ChannelRow {
  id: number;
  name: string;
  type: string;
  /** Secrets included: only the service reads this, and it masks them in every answer. */
  settings: Record<string, unknown>;
  language: 'ko' | 'en' | null;
  timezone: string | null;
  is_enabled: boolean;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

export type ChannelFields = Pick<ChannelRow, 'name' | 'type' | 'settings' | 'language' | 'timezone' | 'is_enabled'>;

export async function listChannels(db: Db, limit: number, offset: number): Promise<{ rows: ChannelRow[]; total: number }> {
  const rows = await db<ChannelRow[]>`SELECT * FROM notification_channels ORDER BY id LIMIT ${limit} OFFSET ${offset}`;
  const [c] = await db<{ n: number }[]>`SELECT count(*)::int AS n FROM notification_channels`;
  return { rows, total: c?.n ?? 0 };
}

export async function getChannel(db: Db, id: number): Promise<ChannelRow | undefined> {
  const [row] = await db<ChannelRow[]>`SELECT * FROM notification_channels WHERE id = ${id}`;
  return row;
}

export async function lockChannel(db: Db, id: number): Promise<ChannelRow | undefined> {
  const [row] = await db<ChannelRow[]>`SELECT * FROM notification_channels WHERE id = ${id} FOR UPDATE`;
  return row;
}

export async function insertChannel(db: Db, c: ChannelFields, createdBy: number): Promise<ChannelRow> {
  const [row] = await db<ChannelRow[]>`
    INSERT INTO notification_channels (name, type, settings, language, timezone, is_enabled, created_by)
    VALUES (${c.name}, ${c.type}, ${db.json(c.settings as never)}, ${c.language}, ${c.timezone}, ${c.is_enabled}, ${createdBy})
    RETURNING *`;
  return row!;
}

export async function updateChannel(db: Db, id: number, c: ChannelFields): Promise<ChannelRow | undefined> {
  const [row] = await db<ChannelRow[]>`
    UPDATE notification_channels SET name = ${c.name}, type = ${c.type}, settings = ${db.json(c.settings as never)},
      language = ${c.language}, timezone = ${c.timezone}, is_enabled = ${c.is_enabled}, updated_at = now()
    WHERE id = ${id} RETURNING *`;
  return row;
}

export async function deleteChannel(db: Db, id: number): Promise<boolean> {
  const rows = await db`DELETE FROM notification_channels WHERE id = ${id} RETURNING id`;
  return rows.length > 0;
}

/** Which of these ids exist. */
export async function existingChannelIds(db: Db, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db<{ id: number }[]>`SELECT id FROM notification_channels WHERE id = ANY(${ids}::int[])`;
  return rows.map((r) => r.id);
}

/** The channel ids a project notifies, in id order. */
export async function projectChannelIds(db: Db, projectId: number): Promise<number[]> {
  const rows = await db<{ channel_id: number }[]>`SELECT channel_id FROM project_channels WHERE project_id = ${projectId} ORDER BY channel_id`;
  return rows.map((r) => r.channel_id);
}

export async function setProjectChannels(db: Db, projectId: number, ids: number[]): Promise<void> {
  await db`DELETE FROM project_channels WHERE project_id = ${projectId}`;
  if (ids.length > 0) {
    await db`INSERT INTO project_channels ${db(ids.map((channel_id) => ({ project_id: projectId, channel_id })))}`;
  }
}

/** The enabled channels a project notifies, settings included, for the outbox. */
export async function enabledChannelsOfProject(db: Db, projectId: number): Promise<ChannelRow[]> {
  return db<ChannelRow[]>`
    SELECT c.* FROM notification_channels c JOIN project_channels pc ON pc.channel_id = c.id
    WHERE pc.project_id = ${projectId} AND c.is_enabled ORDER BY c.id`;
}
