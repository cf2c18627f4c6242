// Reading an Uptime Kuma database (SQLite, 1.x or 2.x): the tables the import needs, with the
// columns either version has. Column sets differ between versions and releases (1.x added columns
// patch by patch, 2.x through knex migrations), so monitors are read whole and their fields looked
// up by name; a column a release lacks is simply absent.

/** What this module needs of an open SQLite database (the SqliteFiles port's databases fit it). */
export interface SqliteReader {
  all<T>(sql: string, params?: unknown[]): T[];
}

export type KumaRow = Record<string, unknown>;

export interface KumaNotificationRow {
  id: number;
  name: string | null;
  active: number | null;
  is_default: number | null;
  config: string | null;
}

export interface KumaMaintenanceRow {
  id: number;
  title: string;
  description: string | null;
  active: number;
  strategy: string;
  start_date: string | null;
  end_date: string | null;
  /** 1.21+ and 2.x; null: the server's zone (Kuma's "SAME_AS_SERVER"). */
  timezone: string | null;
}

export interface KumaHeartbeatRow {
  status: number;
  msg: string | null;
  time: string;
  ping: number | null;
  /** Seconds since the monitor's previous beat (1.x weighs its uptime by it). */
  duration: number | null;
}

export function tableNames(db: SqliteReader): Set<string> {
  return new Set(db.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`).map((r) => r.name));
}

export function columnNames(db: SqliteReader, table: string): Set<string> {
  return new Set(db.all<{ name: string }>(`SELECT name FROM pragma_table_info(?)`, [table]).map((r) => r.name));
}

export const kumaMonitors = (db: SqliteReader) => db.all<KumaRow>(`SELECT * FROM monitor ORDER BY id`);

export const kumaNotifications = (db: SqliteReader) =>
  db.all<KumaNotificationRow>(`SELECT id, name, active, is_default, config FROM notification ORDER BY id`);

export const kumaMonitorNotifications = (db: SqliteReader) =>
  db.all<{ monitor_id: number; notification_id: number }>(`SELECT DISTINCT monitor_id, notification_id FROM monitor_notification ORDER BY monitor_id, notification_id`);

export const kumaMonitorTags = (db: SqliteReader) =>
  db.all<{ monitor_id: number; name: string; value: string | null }>(
    `SELECT mt.monitor_id, t.name, mt.value FROM monitor_tag mt JOIN tag t ON t.id = mt.tag_id ORDER BY mt.monitor_id, mt.id`,
  );

export function kumaMaintenances(db: SqliteReader, hasTimezone: boolean): KumaMaintenanceRow[] {
  const tz = hasTimezone ? 'timezone' : 'NULL AS timezone';
  return db.all<KumaMaintenanceRow>(`SELECT id, title, description, active, strategy, start_date, end_date, ${tz} FROM maintenance ORDER BY id`);
}

export const kumaMonitorMaintenances = (db: SqliteReader) =>
  db.all<{ monitor_id: number; maintenance_id: number }>(`SELECT monitor_id, maintenance_id FROM monitor_maintenance ORDER BY monitor_id, maintenance_id`);

/** Where a page of heartbeats ended: the next page starts after it. */
export interface HeartbeatCursor {
  time: string;
  id: number;
}

/**
 * A page of a monitor's heartbeats, oldest first, after `cursor` (keyset on time and id, which
 * monitor_time_index serves). Each page is read whole, so pages of several monitors may interleave.
 */
export function kumaHeartbeatPage(db: SqliteReader, monitorId: number, cursor: HeartbeatCursor | null, limit: number): (KumaHeartbeatRow & { id: number })[] {
  const columns = 'id, status, msg, time, ping, duration';
  if (!cursor) return db.all(`SELECT ${columns} FROM heartbeat WHERE monitor_id = ? ORDER BY time, id LIMIT ?`, [monitorId, limit]);
  return db.all(`SELECT ${columns} FROM heartbeat WHERE monitor_id = ? AND (time > ? OR (time = ? AND id > ?)) ORDER BY time, id LIMIT ?`, [monitorId, cursor.time, cursor.time, cursor.id, limit]);
}

/** A row of Kuma's `setting` table as stored (most values JSON-encoded, a few raw), or null. */
export function kumaSetting(db: SqliteReader, key: string): string | null {
  const [row] = db.all<{ value: string | null }>(`SELECT value FROM setting WHERE key = ?`, [key]);
  return row?.value ?? null;
}

/**
 * The first heartbeat of a monitor among the given statuses (oldest first), or none: a beat an
 * earlier import of this database recorded tells its projects apart from another installation's.
 */
export function kumaFirstHeartbeat(db: SqliteReader, monitorId: number, statuses: number[]): { time: string } | null {
  const [row] = db.all<{ time: string }>(
    `SELECT time FROM heartbeat WHERE monitor_id = ? AND status IN (${statuses.map(() => '?').join(', ')}) ORDER BY time, id LIMIT 1`,
    [monitorId, ...statuses],
  );
  return row ?? null;
}

/** Kuma's server time zone setting (a JSON string), the zone of maintenance windows "same as server". */
export function kumaServerTimezone(db: SqliteReader): string | null {
  const [row] = db.all<{ value: string | null }>(`SELECT value FROM setting WHERE key = 'serverTimezone'`);
  if (!row?.value) return null;
  try {
    const v: unknown = JSON.parse(row.value);
    return typeof v === 'string' && v !== '' ? v : null;
  } catch {
    return row.value;
  }
}
