import Database from 'better-sqlite3';

// Uptime Kuma databases for tests and benchmarks, with the table definitions written for this
// project after reading Kuma's own schema history: the 1.x SQLite template and its patch files
// (patch-maintenance-table2, patch-add-timeout-monitor, patch-added-json-query, ...) and the 2.x knex
// migrations (heartbeat end_time and retries, json_path_operator, the stat_* tables). Two shapes:
// '1.x' as a 1.19-1.22 installation has it (no monitor timeout, parent, invert_keyword or json query,
// maintenance without a time zone) and '2.x' (2.0: those columns, knex_migrations, stat tables).

export type KumaVersion = '1.x' | '2.x';

const common = `
CREATE TABLE [user] (
  [id] INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  [username] VARCHAR(255) NOT NULL UNIQUE,
  [password] VARCHAR(255),
  [active] BOOLEAN NOT NULL DEFAULT 1,
  [timezone] VARCHAR(150),
  [twofa_secret] VARCHAR(64),
  [twofa_status] BOOLEAN NOT NULL DEFAULT 0,
  [twofa_last_token] VARCHAR(6)
);
CREATE TABLE [setting] ([id] INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, [key] VARCHAR(200) NOT NULL UNIQUE, [value] TEXT, [type] VARCHAR(20));
CREATE TABLE [notification] (
  [id] INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  [name] VARCHAR(255),
  [active] BOOLEAN NOT NULL DEFAULT 1,
  [user_id] INTEGER NOT NULL,
  [is_default] BOOLEAN NOT NULL DEFAULT 0,
  [config] TEXT
);
CREATE TABLE [monitor_notification] (
  [id] INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  [monitor_id] INTEGER NOT NULL REFERENCES [monitor]([id]) ON DELETE CASCADE ON UPDATE CASCADE,
  [notification_id] INTEGER NOT NULL REFERENCES [notification]([id]) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX [monitor_notification_index] ON [monitor_notification] ([monitor_id], [notification_id]);
CREATE TABLE [tag] ([id] INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, [name] VARCHAR(255) NOT NULL, [color] VARCHAR(255) NOT NULL, [created_date] DATETIME DEFAULT (DATETIME('now')) NOT NULL);
CREATE TABLE [monitor_tag] (
  [id] INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  [monitor_id] INTEGER NOT NULL REFERENCES [monitor]([id]) ON DELETE CASCADE ON UPDATE CASCADE,
  [tag_id] INTEGER NOT NULL REFERENCES [tag]([id]) ON DELETE CASCADE ON UPDATE CASCADE,
  [value] TEXT
);
CREATE TABLE [monitor_maintenance] (
  [id] INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  [monitor_id] INTEGER NOT NULL REFERENCES [monitor]([id]) ON DELETE CASCADE ON UPDATE CASCADE,
  [maintenance_id] INTEGER NOT NULL REFERENCES [maintenance]([id]) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX [maintenance_id_index2] ON [monitor_maintenance] ([maintenance_id]);
CREATE INDEX [monitor_id_index] ON [monitor_maintenance] ([monitor_id]);
`;

const monitor1x = `
CREATE TABLE [monitor] (
  [id] INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  [name] VARCHAR(150),
  [active] BOOLEAN NOT NULL DEFAULT 1,
  [user_id] INTEGER REFERENCES [user]([id]) ON DELETE SET NULL ON UPDATE CASCADE,
  [interval] INTEGER NOT NULL DEFAULT 20,
  [url] TEXT,
  [type] VARCHAR(20),
  [weight] INTEGER DEFAULT 2000,
  [hostname] VARCHAR(255),
  [port] INTEGER,
  [created_date] DATETIME DEFAULT (DATETIME('now')) NOT NULL,
  [keyword] VARCHAR(255),
  [maxretries] INTEGER NOT NULL DEFAULT 0,
  [ignore_tls] BOOLEAN DEFAULT 0 NOT NULL,
  [upside_down] BOOLEAN DEFAULT 0 NOT NULL,
  [maxredirects] INTEGER DEFAULT 10 NOT NULL,
  [accepted_statuscodes_json] TEXT DEFAULT '["200-299"]' NOT NULL,
  [dns_resolve_type] VARCHAR(5),
  [dns_resolve_server] VARCHAR(255),
  [dns_last_result] VARCHAR(255),
  [retry_interval] INTEGER DEFAULT 0 NOT NULL,
  [push_token] VARCHAR(20) DEFAULT NULL,
  [method] TEXT DEFAULT 'GET' NOT NULL,
  [body] TEXT DEFAULT NULL,
  [headers] TEXT DEFAULT NULL,
  [basic_auth_user] TEXT DEFAULT NULL,
  [basic_auth_pass] TEXT DEFAULT NULL,
  [docker_container] VARCHAR(255),
  [docker_host] INTEGER,
  [proxy_id] INTEGER,
  [expiry_notification] BOOLEAN DEFAULT 1,
  [mqtt_topic] TEXT,
  [mqtt_success_message] VARCHAR(255),
  [mqtt_username] VARCHAR(255),
  [mqtt_password] VARCHAR(255),
  [database_connection_string] VARCHAR(2000),
  [database_query] TEXT,
  [auth_method] VARCHAR(250),
  [auth_domain] TEXT,
  [auth_workstation] TEXT,
  [resend_interval] INTEGER DEFAULT 0 NOT NULL,
  [packet_size] INTEGER DEFAULT 56 NOT NULL
);
CREATE TABLE [heartbeat] (
  [id] INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  [important] BOOLEAN NOT NULL DEFAULT 0,
  [monitor_id] INTEGER NOT NULL REFERENCES [monitor]([id]) ON DELETE CASCADE ON UPDATE CASCADE,
  [status] SMALLINT NOT NULL,
  [msg] TEXT,
  [time] DATETIME NOT NULL,
  [ping] INTEGER,
  [duration] INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX [important] ON [heartbeat] ([important]);
CREATE INDEX [monitor_time_index] ON [heartbeat] ([monitor_id], [time]);
CREATE INDEX [monitor_id] ON [heartbeat] ([monitor_id]);
CREATE INDEX [monitor_important_time_index] ON [heartbeat] ([monitor_id], [important], [time]);
CREATE TABLE [maintenance] (
  [id] INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  [title] VARCHAR(150) NOT NULL,
  [description] TEXT NOT NULL,
  [user_id] INTEGER REFERENCES [user]([id]) ON DELETE SET NULL ON UPDATE CASCADE,
  [active] BOOLEAN NOT NULL DEFAULT 1,
  [strategy] VARCHAR(50) NOT NULL DEFAULT 'single',
  [start_date] DATETIME,
  [end_date] DATETIME,
  [start_time] TIME,
  [end_time] TIME,
  [weekdays] VARCHAR2(250) DEFAULT '[]',
  [days_of_month] TEXT DEFAULT '[]',
  [interval_day] INTEGER
);
`;

// 2.0: the 1.23 columns (timeout, parent, invert_keyword, json query, description, TLS, ...) and the
// knex migrations' additions.
const monitor2xExtra = `
ALTER TABLE monitor ADD timeout DOUBLE DEFAULT 0 NOT NULL;
ALTER TABLE monitor ADD parent INTEGER REFERENCES [monitor]([id]) ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE monitor ADD invert_keyword BOOLEAN DEFAULT 0 NOT NULL;
ALTER TABLE monitor ADD json_path TEXT;
ALTER TABLE monitor ADD expected_value VARCHAR(255);
ALTER TABLE monitor ADD json_path_operator VARCHAR(255);
ALTER TABLE monitor ADD description TEXT DEFAULT NULL;
ALTER TABLE monitor ADD http_body_encoding VARCHAR(25);
ALTER TABLE monitor ADD tls_ca TEXT DEFAULT NULL;
ALTER TABLE monitor ADD tls_cert TEXT DEFAULT NULL;
ALTER TABLE monitor ADD tls_key TEXT DEFAULT NULL;
ALTER TABLE monitor ADD kafka_producer_topic VARCHAR(255);
ALTER TABLE monitor ADD game VARCHAR(255);
ALTER TABLE monitor ADD conditions TEXT DEFAULT '[]' NOT NULL;
ALTER TABLE heartbeat ADD down_count INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE heartbeat ADD end_time DATETIME DEFAULT NULL;
ALTER TABLE heartbeat ADD retries INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE maintenance ADD cron TEXT;
ALTER TABLE maintenance ADD timezone VARCHAR(255);
ALTER TABLE maintenance ADD duration INTEGER;
CREATE TABLE knex_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name VARCHAR(255), batch INTEGER, migration_time DATETIME);
CREATE TABLE knex_migrations_lock ([index] INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, is_locked INTEGER);
CREATE TABLE stat_minutely (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, monitor_id INTEGER NOT NULL REFERENCES monitor(id) ON DELETE CASCADE, timestamp INTEGER NOT NULL, ping FLOAT, up INTEGER NOT NULL, down INTEGER NOT NULL, ping_min FLOAT NOT NULL DEFAULT 0, ping_max FLOAT NOT NULL DEFAULT 0, extras TEXT, UNIQUE (monitor_id, timestamp));
CREATE TABLE stat_hourly (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, monitor_id INTEGER NOT NULL REFERENCES monitor(id) ON DELETE CASCADE, timestamp INTEGER NOT NULL, ping FLOAT, up INTEGER NOT NULL, down INTEGER NOT NULL, ping_min FLOAT NOT NULL DEFAULT 0, ping_max FLOAT NOT NULL DEFAULT 0, extras TEXT, UNIQUE (monitor_id, timestamp));
CREATE TABLE stat_daily (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, monitor_id INTEGER NOT NULL REFERENCES monitor(id) ON DELETE CASCADE, timestamp INTEGER NOT NULL, ping FLOAT, up INTEGER NOT NULL, down INTEGER NOT NULL, ping_min FLOAT NOT NULL DEFAULT 0, ping_max FLOAT NOT NULL DEFAULT 0, extras TEXT, UNIQUE (monitor_id, timestamp));
`;

/** A Kuma timestamp as it stores them: UTC, `YYYY-MM-DD HH:mm:ss.SSS`. */
export const kumaTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

export interface KumaMonitorSpec {
  name: string;
  type: string;
  url?: string;
  interval?: number;
  timeout?: number;
  maxretries?: number;
  active?: boolean;
  keyword?: string;
  invert_keyword?: boolean;
  headers?: string;
  basic_auth_user?: string;
  basic_auth_pass?: string;
  accepted_statuscodes_json?: string;
  upside_down?: boolean;
  method?: string;
  parent?: number;
  json_path?: string;
  expected_value?: string;
  /** 2.x; a JSON-query monitor without one gets '==', as Kuma's migration fills it in. */
  json_path_operator?: string;
  body?: string;
  /** 2.x. */
  http_body_encoding?: string;
  maxredirects?: number;
  description?: string;
}

export class KumaDb {
  readonly db: Database.Database;

  constructor(
    readonly version: KumaVersion,
    path = ':memory:',
  ) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(common + monitor1x + (version === '2.x' ? monitor2xExtra : ''));
    this.db.prepare(`INSERT INTO user (username, password) VALUES ('admin', 'x')`).run();
  }

  private insert(table: string, row: Record<string, unknown>): number {
    const cols = Object.keys(row);
    const values = cols.map((c) => (typeof row[c] === 'boolean' ? (row[c] ? 1 : 0) : row[c]));
    return Number(this.db.prepare(`INSERT INTO [${table}] (${cols.map((c) => `[${c}]`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...values).lastInsertRowid);
  }

  monitor(spec: KumaMonitorSpec): number {
    const row: Record<string, unknown> = { user_id: 1, interval: 60, maxretries: 0, active: true, ...spec };
    if (this.version === '1.x') for (const k of ['timeout', 'parent', 'invert_keyword', 'json_path', 'expected_value', 'json_path_operator', 'http_body_encoding', 'description']) delete row[k];
    if (this.version === '2.x' && spec.type === 'json-query') row['json_path_operator'] ??= '==';
    return this.insert('monitor', row);
  }

  notification(name: string, config: Record<string, unknown>, opts: { active?: boolean } = {}): number {
    return this.insert('notification', { name, user_id: 1, active: opts.active ?? true, is_default: false, config: JSON.stringify({ name, ...config }) });
  }

  link(monitorId: number, notificationId: number): void {
    this.insert('monitor_notification', { monitor_id: monitorId, notification_id: notificationId });
  }

  tag(monitorId: number, name: string, value = ''): void {
    const existing = this.db.prepare(`SELECT id FROM tag WHERE name = ?`).get(name) as { id: number } | undefined;
    const tagId = existing?.id ?? this.insert('tag', { name, color: '#2563eb' });
    this.insert('monitor_tag', { monitor_id: monitorId, tag_id: tagId, value });
  }

  maintenance(monitorIds: number[], m: { title: string; strategy: string; active?: boolean; start_date?: string; end_date?: string; timezone?: string }): number {
    const row: Record<string, unknown> = { description: '', user_id: 1, active: m.active ?? true, ...m };
    if (this.version === '1.x') delete row['timezone'];
    const id = this.insert('maintenance', row);
    for (const monitorId of monitorIds) this.insert('monitor_maintenance', { monitor_id: monitorId, maintenance_id: id });
    return id;
  }

  /** A row of Kuma's settings; the value JSON-encoded, as Kuma stores it. */
  setting(key: string, value: unknown): void {
    this.insert('setting', { key, value: JSON.stringify(value), type: 'general' });
  }

  /**
   * The secret Kuma makes on its first start and keeps for its life (`jwtSecret`), stored raw as
   * its initJWTSecret writes it (a password hash), not JSON-encoded like the other settings.
   */
  jwtSecret(secret: string): void {
    this.db.prepare(`DELETE FROM setting WHERE key = 'jwtSecret'`).run();
    this.insert('setting', { key: 'jwtSecret', value: secret, type: null });
  }

  /** Heartbeats as Kuma writes them (status 0 down, 1 up, 2 pending, 3 maintenance), in one transaction. */
  heartbeats(monitorId: number, beats: { time: Date; status: number; msg?: string; ping?: number | null; duration?: number }[]): void {
    const cols = this.version === '2.x' ? ', end_time, retries, down_count' : '';
    const marks = this.version === '2.x' ? ', ?, 0, 0' : '';
    const stmt = this.db.prepare(`INSERT INTO heartbeat (monitor_id, status, msg, time, ping, duration, important${cols}) VALUES (?, ?, ?, ?, ?, ?, ?${marks})`);
    this.db.transaction(() => {
      let last: number | undefined;
      let previous: Date | undefined;
      for (const b of beats) {
        // Kuma's duration: the seconds since the monitor's previous beat.
        const duration = b.duration ?? (previous ? Math.round((b.time.getTime() - previous.getTime()) / 1000) : 0);
        previous = b.time;
        const args: unknown[] = [monitorId, b.status, b.msg ?? (b.status === 1 ? '200 - OK' : ''), kumaTime(b.time), b.ping ?? null, duration, b.status !== last ? 1 : 0];
        if (this.version === '2.x') args.push(kumaTime(b.time));
        stmt.run(...args);
        last = b.status;
      }
    })();
  }

  /** The database file's bytes (an upload). */
  serialize(): Buffer {
    return this.db.serialize();
  }

  close(): void {
    this.db.close();
  }
}
