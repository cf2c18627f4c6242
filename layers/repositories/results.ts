import type { AlertContextRow, MonitorStateRow } from './monitoring.ts';
import { jsonTextArray, plainArray, type Db } from './db.ts';

/** Arrays travel as text[] (cast in SQL): postgres.js infers no array type for booleans or nulls. */
const txt = (values: readonly unknown[]): (string | null)[] => values.map((v) => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v)));

// Set-based recording of HTTP results (issue 18 point 3, issue 19): a batch in a few statements.

export async function lockMonitorStates(db: Db, projectIds: number[]): Promise<MonitorStateRow[]> {
  if (projectIds.length === 0) return [];
  return db<MonitorStateRow[]>`SELECT * FROM monitor_state WHERE project_id = ANY(${plainArray(projectIds)}::int[]) ORDER BY project_id FOR UPDATE`;
}

export async function loadAlertContexts(db: Db, projectIds: number[]): Promise<AlertContextRow[]> {
  if (projectIds.length === 0) return [];
  return db<AlertContextRow[]>`
    SELECT p.id, p.title, p.url, p.is_active, p.owner_id, p.maintenance_mode, p.maintenance_ends_at,
      p.content_selector, p.keyword_alert_on_found,
      m.check_interval, m.alert_threshold, m.is_alert_enabled, m.alert_email, m.webhook_url, m.webhook_secret,
      m.ssl_warning_days, m.domain_warning_days,
      u.email AS owner_email, u.language AS owner_language, u.timezone AS owner_timezone,
      u.email_notifications AS owner_email_notifications
    FROM projects p JOIN monitoring_settings m ON m.project_id = p.id JOIN users u ON u.id = p.owner_id
    WHERE p.id = ANY(${plainArray(projectIds)}::int[])`;
}

/** The (project, due time) pairs among `keys` that are recorded already. */
export async function recordedDueTimes(db: Db, keys: { project_id: number; due_at: Date }[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db<{ project_id: number; due_at: Date }[]>`
    SELECT DISTINCT c.project_id, c.due_at FROM check_results c
    JOIN unnest(${plainArray(keys.map((k) => k.project_id))}::int[], ${plainArray(keys.map((k) => k.due_at.toISOString()))}::timestamptz[]) AS k(project_id, due_at)
      ON c.project_id = k.project_id AND c.due_at = k.due_at
    WHERE c.kind = 'http'`;
  return new Set(rows.map((r) => `${r.project_id}|${r.due_at.getTime()}`));
}

/** The check times of a project's HTTP results recorded between `from` and `to` (inclusive). */
export async function recordedCheckTimes(db: Db, projectId: number, from: Date, to: Date): Promise<Set<number>> {
  const rows = await db<{ checked_at: Date }[]>`
    SELECT checked_at FROM check_results WHERE project_id = ${projectId} AND kind = 'http' AND checked_at BETWEEN ${from} AND ${to}`;
  return new Set(rows.map((r) => r.checked_at.getTime()));
}

export interface ResultRowInput {
  project_id: number;
  checked_at: Date;
  is_available: boolean;
  status_code: number | null;
  response_time: number | null;
  error_kind: string | null;
  error_message: string | null;
  details: unknown;
  due_at: Date | null;
  started_at: Date | null;
  in_maintenance: boolean;
}

/** As plainArray, for any text: each element quoted, backslashes and quotes escaped. */
function textArray(values: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    out += v === null || v === undefined ? 'NULL' : `"${/["\\]/.test(v) ? v.replace(/["\\]/g, '\\$&') : v}"`;
  }
  return out + '}';
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** From this many rows on, an insert that needs no ids goes by COPY where the database takes it. */
export const COPY_FROM_ROWS = 1_000;

/**
 * One multi-row insert per 20,000 rows (each column one array parameter, unnested). With `ids`, the
 * new rows' ids in the order given (the recorder needs them only for results recorded late). With
 * `copy` (the database takes COPY FROM STDIN: db.ts takesCopyIn), a large insert that needs no ids
 * is one binary COPY instead (copyHttpResults).
 */
export async function insertHttpResults(db: Db, rows: ResultRowInput[], opts: { ids: boolean; copy?: boolean } = { ids: true }): Promise<number[]> {
  if (rows.length === 0) return [];
  if (opts.copy && !opts.ids && rows.length >= COPY_FROM_ROWS && inTransaction(db)) {
    await copyHttpResults(db, rows);
    return [];
  }
  const ids: number[] = [];
  const CHUNK = 20_000;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const n = part.length;
    const projectIds = new Array<number>(n), checked = new Array<string>(n), up = new Array<string>(n), status = new Array<number | null>(n);
    const rt = new Array<number | null>(n), kind = new Array<string | null>(n), message = new Array<string | null>(n), details = new Array<string>(n);
    const due = new Array<string | null>(n), started = new Array<string | null>(n), maintenance = new Array<string>(n);
    let lastDetails: unknown = undefined;
    let lastJson = '';
    // Imported history starts each check when it is checked: one column is enough then.
    let startedIsChecked = true;
    for (let j = 0; j < n; j++) {
      const r = part[j]!;
      projectIds[j] = r.project_id;
      checked[j] = r.checked_at.toISOString();
      up[j] = r.is_available ? 't' : 'f';
      status[j] = r.status_code;
      rt[j] = r.response_time;
      kind[j] = r.error_kind;
      message[j] = r.error_message;
      if (j === 0 || r.details !== lastDetails) {
        lastDetails = r.details;
        lastJson = JSON.stringify(r.details ?? null);
      }
      details[j] = lastJson;
      due[j] = iso(r.due_at);
      started[j] = iso(r.started_at);
      if (started[j] !== checked[j]) startedIsChecked = false;
      maintenance[j] = r.in_maintenance ? 't' : 'f';
    }
    // Imported history carries the same details on every row: one value instead of an array.
    const sameDetails = details.every((d) => d === details[0]);
    const out = await db<{ id: number }[]>`
      INSERT INTO check_results (project_id, checked_at, kind, is_available, status_code, response_time, error_kind,
        error_message, details, due_at, started_at, in_maintenance)
      SELECT project_id, checked_at, 'http', is_available, status_code, response_time, error_kind, error_message,
        ${sameDetails ? db`${details[0]!}::text::jsonb` : db`details`}, due_at, ${startedIsChecked ? db`checked_at` : db`started_at`}, in_maintenance
      FROM unnest(
        ${plainArray(projectIds)}::int[],
        ${plainArray(checked)}::timestamptz[],
        ${plainArray(up)}::boolean[],
        ${plainArray(status)}::int[],
        ${plainArray(rt)}::double precision[],
        ${textArray(kind)}::text[],
        ${textArray(message)}::text[],
        ${sameDetails ? db`NULL::jsonb[]` : db`${jsonTextArray(details)}::jsonb[]`},
        ${plainArray(due)}::timestamptz[],
        ${startedIsChecked ? db`NULL::timestamptz[]` : db`${plainArray(started)}::timestamptz[]`},
        ${plainArray(maintenance)}::boolean[]
      ) WITH ORDINALITY AS t(project_id, checked_at, is_available, status_code, response_time, error_kind, error_message,
        details, due_at, started_at, in_maintenance, ord)
      ${opts.ids ? db`ORDER BY ord RETURNING id` : db``}`;
    if (opts.ids) for (const r of out) ids.push(r.id);
  }
  return ids;
}

/** A transaction's connection (postgres.js gives it savepoints), not the pool: copyHttpResults needs one. */
const inTransaction = (db: Db): boolean => 'savepoint' in db;

/** Milliseconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC), where binary timestamps count from. */
const PG_EPOCH_MS = 946_684_800_000;
const COPY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
const COPY_TRAILER = Buffer.from([0xff, 0xff]);
const HTTP_KIND = Buffer.from('http');

/**
 * The rows of a binary COPY (PostgreSQL's documented file format: per row a 16-bit field count, per
 * field a 32-bit length, -1 for NULL, and the value in the type's binary form), written into 1 MiB
 * chunks: integers and floats big-endian, timestamptz as microseconds since 2000-01-01, jsonb as
 * version 1 and the JSON text, text as UTF-8.
 */
class CopyChunks {
  readonly chunks: Buffer[] = [COPY_HEADER];
  private buf = Buffer.allocUnsafe(1 << 20);
  private at = 0;

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    this.chunks.push(this.buf.subarray(0, this.at));
    this.buf = Buffer.allocUnsafe(Math.max(1 << 20, n));
    this.at = 0;
  }

  fields(n: number): void {
    this.room(2);
    this.at = this.buf.writeInt16BE(n, this.at);
  }

  nul(): void {
    this.room(4);
    this.at = this.buf.writeInt32BE(-1, this.at);
  }

  int4(v: number | null): void {
    if (v === null) return this.nul();
    this.room(8);
    this.at = this.buf.writeInt32BE(v, this.buf.writeInt32BE(4, this.at));
  }

  float8(v: number | null): void {
    if (v === null) return this.nul();
    this.room(12);
    this.at = this.buf.writeDoubleBE(v, this.buf.writeInt32BE(8, this.at));
  }

  bool(v: boolean): void {
    this.room(5);
    this.at = this.buf.writeInt32BE(1, this.at);
    this.buf[this.at++] = v ? 1 : 0;
  }

  /** A time with milliseconds as JavaScript has it: exact as a double up to 2^53 microseconds. */
  timestamptz(d: Date | null): void {
    if (d === null) return this.nul();
    const us = (d.getTime() - PG_EPOCH_MS) * 1000;
    const hi = Math.floor(us / 4294967296);
    this.room(12);
    this.at = this.buf.writeUInt32BE(us - hi * 4294967296, this.buf.writeInt32BE(hi, this.buf.writeInt32BE(8, this.at)));
  }

  bytes(b: Buffer): void {
    this.room(4 + b.length);
    this.at = this.buf.writeInt32BE(b.length, this.at);
    this.at += b.copy(this.buf, this.at);
  }

  text(v: string | null): void {
    if (v === null) return this.nul();
    const n = Buffer.byteLength(v);
    this.room(4 + n);
    this.at = this.buf.writeInt32BE(n, this.at);
    this.at += this.buf.write(v, this.at, 'utf8');
  }

  /** jsonb's binary form: the version (1), then the JSON text. */
  jsonb(json: string): void {
    const n = Buffer.byteLength(json);
    this.room(5 + n);
    this.at = this.buf.writeInt32BE(n + 1, this.at);
    this.buf[this.at++] = 1;
    this.at += this.buf.write(json, this.at, 'utf8');
  }

  end(): Buffer[] {
    this.room(2);
    this.at += COPY_TRAILER.copy(this.buf, this.at);
    this.chunks.push(this.buf.subarray(0, this.at));
    return this.chunks;
  }
}

/**
 * The rows in one binary COPY (history imports: PostgreSQL parses no text, no arrays and no
 * timestamps, and the process builds no strings for them). Only where the database takes COPY FROM
 * STDIN, and only in a transaction (the query that tells a refused COPY must run on its connection);
 * the rows are the same as insertHttpResults' unnest would write (integration test
 * reports/copy-results.test.ts).
 */
export async function copyHttpResults(db: Db, rows: ResultRowInput[]): Promise<void> {
  const w = new CopyChunks();
  let lastDetails: unknown = undefined;
  let lastJson = '';
  for (let j = 0; j < rows.length; j++) {
    const r = rows[j]!;
    if (j === 0 || r.details !== lastDetails) {
      lastDetails = r.details;
      lastJson = JSON.stringify(r.details ?? null);
    }
    w.fields(12);
    w.int4(r.project_id);
    w.timestamptz(r.checked_at);
    w.bytes(HTTP_KIND);
    w.bool(r.is_available);
    w.int4(r.status_code);
    w.float8(r.response_time);
    w.text(r.error_kind);
    w.text(r.error_message);
    w.jsonb(lastJson);
    w.timestamptz(r.due_at);
    w.timestamptz(r.started_at);
    w.bool(r.in_maintenance);
  }
  const chunks = w.end();
  const into = await db`
    COPY check_results (project_id, checked_at, kind, is_available, status_code, response_time, error_kind, error_message,
      details, due_at, started_at, in_maintenance) FROM STDIN (FORMAT binary)`.writable();
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (err?: unknown) => {
      if (settled) return;
      settled = true;
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve();
    };
    // Refused while the rows are still being sent: postgres.js destroys the stream with the error.
    into.once('error', settle);
    into.once('finish', () => settle());
    // Refused after the end was sent (the server reads the rows after them): postgres.js 3.4.9 never
    // settles the stream then (porsager/postgres#1173), which would hang the request and leave its
    // transaction open. A query queued behind the COPY on the same connection answers instead: it
    // succeeds after a COPY that did, and fails in the transaction the refused COPY aborted.
    const final = into._final.bind(into);
    into._final = (callback) => {
      final(callback);
      db`SELECT 1`.then(
        () => undefined,
        (err: unknown) => settle(new Error(`the rows' COPY was refused (${err instanceof Error ? err.message : String(err)})`)),
      );
    };
    for (const c of chunks) into.write(c);
    into.end();
  });
}

/** The figures of a rollup row (hourly, 4-hourly, daily), as written and as read back. */
export interface RollupFigures {
  checks: number;
  up_checks: number;
  rt_sum: number;
  rt_n: number;
  rt_min: number | null;
  rt_max: number | null;
  covered_seconds: number;
  down_seconds: number;
  maintenance_seconds: number;
  no_data_seconds: number;
  /** The response-time sketch (sketchKey -> count). */
  sketch: Record<string, number>;
}

/** What one rollup row gains (or, for a result recorded late, loses) from a batch. */
export interface RollupDelta extends RollupFigures {
  project_id: number;
  /** Hour start (hourly) or UTC day start (daily). */
  bucket: Date;
  /** The legacy per-check downtime of rollups_daily (one interval per failed check). */
  downtime_seconds: number;
}

/** The rollup rows' columns, each one array literal (plainArray: one text parameter per column). */
const cols = (rows: RollupDelta[]) => ({
  p: plainArray(rows.map((r) => r.project_id)),
  b: plainArray(rows.map((r) => r.bucket.toISOString())),
  c: plainArray(rows.map((r) => r.checks)),
  u: plainArray(rows.map((r) => r.up_checks)),
  s: plainArray(rows.map((r) => r.rt_sum)),
  n: plainArray(rows.map((r) => r.rt_n)),
  mi: plainArray(rows.map((r) => r.rt_min)),
  ma: plainArray(rows.map((r) => r.rt_max)),
  cov: plainArray(rows.map((r) => r.covered_seconds)),
  dn: plainArray(rows.map((r) => r.down_seconds)),
  mt: plainArray(rows.map((r) => r.maintenance_seconds)),
  nd: plainArray(rows.map((r) => r.no_data_seconds)),
  dt: plainArray(rows.map((r) => r.downtime_seconds)),
});

/** One upsert per rollup table (hourly, 4-hourly, daily, and the sketches) for the whole batch. */
export async function upsertRollups(db: Db, hourly: RollupDelta[], daily: RollupDelta[]): Promise<void> {
  if (hourly.length > 0) {
    const x = cols(hourly);
    await db`
      INSERT INTO rollups_hourly AS r (project_id, bucket, checks, up_checks, response_time_sum, response_time_n, response_time_min,
        response_time_max, covered_seconds, down_seconds, maintenance_seconds, no_data_seconds)
      SELECT * FROM unnest(${x.p}::int[], ${x.b}::timestamptz[], ${x.c}::int[], ${x.u}::int[], ${x.s}::double precision[],
        ${x.n}::int[], ${x.mi}::double precision[], ${x.ma}::double precision[], ${x.cov}::double precision[],
        ${x.dn}::double precision[], ${x.mt}::double precision[], ${x.nd}::double precision[])
      ON CONFLICT (project_id, bucket) DO UPDATE SET
        checks = r.checks + excluded.checks, up_checks = r.up_checks + excluded.up_checks,
        response_time_sum = r.response_time_sum + excluded.response_time_sum, response_time_n = r.response_time_n + excluded.response_time_n,
        response_time_min = LEAST(r.response_time_min, excluded.response_time_min),
        response_time_max = GREATEST(r.response_time_max, excluded.response_time_max),
        covered_seconds = r.covered_seconds + excluded.covered_seconds, down_seconds = r.down_seconds + excluded.down_seconds,
        maintenance_seconds = r.maintenance_seconds + excluded.maintenance_seconds, no_data_seconds = r.no_data_seconds + excluded.no_data_seconds`;
    // The same deltas summed into their 4-hour buckets (the long charts' level, migration 019).
    await db`
      INSERT INTO rollups_4h AS r (project_id, bucket, checks, up_checks, response_time_sum, response_time_n, response_time_min,
        response_time_max, covered_seconds, down_seconds, maintenance_seconds, no_data_seconds)
      SELECT p, to_timestamp(floor(extract(epoch FROM b) / 14400) * 14400), sum(c), sum(u), sum(s), sum(n), min(mi), max(ma), sum(cov), sum(dn), sum(mt), sum(nd)
      FROM unnest(${x.p}::int[], ${x.b}::timestamptz[], ${x.c}::int[], ${x.u}::int[], ${x.s}::double precision[],
        ${x.n}::int[], ${x.mi}::double precision[], ${x.ma}::double precision[], ${x.cov}::double precision[],
        ${x.dn}::double precision[], ${x.mt}::double precision[], ${x.nd}::double precision[]) AS t(p, b, c, u, s, n, mi, ma, cov, dn, mt, nd)
      GROUP BY 1, 2
      ON CONFLICT (project_id, bucket) DO UPDATE SET
        checks = r.checks + excluded.checks, up_checks = r.up_checks + excluded.up_checks,
        response_time_sum = r.response_time_sum + excluded.response_time_sum, response_time_n = r.response_time_n + excluded.response_time_n,
        response_time_min = LEAST(r.response_time_min, excluded.response_time_min),
        response_time_max = GREATEST(r.response_time_max, excluded.response_time_max),
        covered_seconds = r.covered_seconds + excluded.covered_seconds, down_seconds = r.down_seconds + excluded.down_seconds,
        maintenance_seconds = r.maintenance_seconds + excluded.maintenance_seconds, no_data_seconds = r.no_data_seconds + excluded.no_data_seconds`;
    await upsertSketches(db, 'hourly', hourly);
    await addToTotals(db, hourly);
  }
  if (daily.length > 0) {
    const x = cols(daily);
    await db`
      INSERT INTO rollups_daily AS r (project_id, day, checks, up_checks, response_time_sum, response_time_n, response_time_min,
        response_time_max, downtime_seconds, covered_seconds, down_seconds, maintenance_seconds, no_data_seconds)
      SELECT p, (b AT TIME ZONE 'UTC')::date, c, u, s, n, mi, ma, dt, cov, dn, mt, nd FROM unnest(${x.p}::int[], ${x.b}::timestamptz[],
        ${x.c}::int[], ${x.u}::int[], ${x.s}::double precision[], ${x.n}::int[], ${x.mi}::double precision[], ${x.ma}::double precision[],
        ${x.dt}::double precision[], ${x.cov}::double precision[], ${x.dn}::double precision[], ${x.mt}::double precision[],
        ${x.nd}::double precision[]) AS t(p, b, c, u, s, n, mi, ma, dt, cov, dn, mt, nd)
      ON CONFLICT (project_id, day) DO UPDATE SET
        checks = r.checks + excluded.checks, up_checks = r.up_checks + excluded.up_checks,
        response_time_sum = r.response_time_sum + excluded.response_time_sum, response_time_n = r.response_time_n + excluded.response_time_n,
        response_time_min = LEAST(r.response_time_min, excluded.response_time_min),
        response_time_max = GREATEST(r.response_time_max, excluded.response_time_max),
        downtime_seconds = r.downtime_seconds + excluded.downtime_seconds,
        covered_seconds = r.covered_seconds + excluded.covered_seconds, down_seconds = r.down_seconds + excluded.down_seconds,
        maintenance_seconds = r.maintenance_seconds + excluded.maintenance_seconds, no_data_seconds = r.no_data_seconds + excluded.no_data_seconds`;
    await upsertSketches(db, 'daily', daily);
  }
}

/**
 * The same hourly deltas summed over all projects into rollups_total_hourly (migration 024), in the
 * stripe of a slot no other open transaction holds (SKIP LOCKED; the lock lasts until this one ends, and
 * a second call in the same transaction finds its own slot again or a free one). Only when all 16
 * slots are held does it share one, by backend. Buckets in ascending order, so writers that do share
 * a stripe take its rows in the same order.
 */
async function addToTotals(db: Db, hourly: RollupDelta[]): Promise<void> {
  const sums = new Map<number, number[]>();
  for (const r of hourly) {
    const b = r.bucket.getTime();
    let s = sums.get(b);
    if (!s) sums.set(b, (s = [0, 0, 0, 0, 0, 0, 0, 0]));
    s[0]! += r.checks;
    s[1]! += r.up_checks;
    s[2]! += r.rt_sum;
    s[3]! += r.rt_n;
    s[4]! += r.covered_seconds;
    s[5]! += r.down_seconds;
    s[6]! += r.maintenance_seconds;
    s[7]! += r.no_data_seconds;
  }
  const buckets = [...sums.keys()].sort((a, b) => a - b);
  const col = (i: number) => plainArray(buckets.map((b) => sums.get(b)![i]!));
  await db`
    WITH slot AS (SELECT stripe FROM rollup_total_slots ORDER BY stripe LIMIT 1 FOR UPDATE SKIP LOCKED)
    INSERT INTO rollups_total_hourly AS r (bucket, stripe, checks, up_checks, response_time_sum, response_time_n, covered_seconds,
      down_seconds, maintenance_seconds, no_data_seconds)
    SELECT b, coalesce((SELECT stripe FROM slot), pg_backend_pid() % 16), c, u, s, n, cov, dn, mt, nd
    FROM unnest(${plainArray(buckets.map((b) => new Date(b).toISOString()))}::timestamptz[], ${col(0)}::bigint[], ${col(1)}::bigint[],
      ${col(2)}::double precision[], ${col(3)}::bigint[], ${col(4)}::double precision[], ${col(5)}::double precision[],
      ${col(6)}::double precision[], ${col(7)}::double precision[]) AS t(b, c, u, s, n, cov, dn, mt, nd)
    ORDER BY b
    ON CONFLICT (bucket, stripe) DO UPDATE SET
      checks = r.checks + excluded.checks, up_checks = r.up_checks + excluded.up_checks,
      response_time_sum = r.response_time_sum + excluded.response_time_sum, response_time_n = r.response_time_n + excluded.response_time_n,
      covered_seconds = r.covered_seconds + excluded.covered_seconds, down_seconds = r.down_seconds + excluded.down_seconds,
      maintenance_seconds = r.maintenance_seconds + excluded.maintenance_seconds, no_data_seconds = r.no_data_seconds + excluded.no_data_seconds`;
}

/**
 * The rollups of these closed UTC days changed (in the writer's transaction): their packed chart rows,
 * at both levels,
 * (chart_days, migration 023; built by reports.ts buildChartDays) are dropped and their version moves on, so no build that read the rollups before can store its bytes;
 * each project's count of changes moves on, so the API reads its days again.
 */
export async function markChartDaysChanged(db: Db, days: { project_id: number; day: number }[]): Promise<void> {
  if (days.length === 0) return;
  await db`
    INSERT INTO chart_days AS c (project_id, level, day, version, data)
    SELECT DISTINCT p, l, d, 1, NULL::bytea
    FROM unnest(${days.map((d) => String(d.project_id))}::text[]::int[], ${days.map((d) => new Date(d.day).toISOString().slice(0, 10))}::text[]::date[]) AS t(p, d)
      CROSS JOIN (VALUES (1::smallint), (4::smallint)) AS v(l)
    ORDER BY p, l, d
    ON CONFLICT (project_id, level, day) DO UPDATE SET version = c.version + 1, data = NULL`;
  await db`
    INSERT INTO chart_changes AS c (project_id, changes)
    SELECT DISTINCT p, 1 FROM unnest(${days.map((d) => String(d.project_id))}::text[]::int[]) AS p ORDER BY p
    ON CONFLICT (project_id) DO UPDATE SET changes = c.changes + 1`;
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/**
 * The sketches as one jsonb[] array literal, written as it is read: each element {"key":count,...} in
 * double quotes with its quotes escaped (keys are integers and counts numbers: nothing else needs it).
 */
function sketchArray(rows: RollupDelta[]): string {
  let out = '{';
  for (let i = 0; i < rows.length; i++) {
    const sketch = rows[i]!.sketch;
    out += i === 0 ? '"{' : ',"{';
    let first = true;
    for (const k in sketch) {
      out += `${first ? '' : ','}\\"${k}\\":${sketch[k]}`;
      first = false;
    }
    out += '}"';
  }
  return out + '}';
}

/** The sketches of the rows that gained response times, merged into their own tables. */
async function upsertSketches(db: Db, table: 'hourly' | 'daily', rows: RollupDelta[]): Promise<void> {
  const withTimes = rows.filter((r) => hasKeys(r.sketch));
  if (withTimes.length === 0) return;
  const p = plainArray(withTimes.map((r) => r.project_id));
  const b = plainArray(withTimes.map((r) => r.bucket.toISOString()));
  const sk = sketchArray(withTimes);
  if (table === 'hourly') {
    await db`
      INSERT INTO rollups_hourly_sketch AS r (project_id, bucket, sketch)
      SELECT * FROM unnest(${p}::int[], ${b}::timestamptz[], ${sk}::jsonb[])
      ON CONFLICT (project_id, bucket) DO UPDATE SET sketch = pym_sketch_merge(r.sketch, excluded.sketch)`;
  } else {
    await db`
      INSERT INTO rollups_daily_sketch AS r (project_id, day, sketch)
      SELECT p, (b AT TIME ZONE 'UTC')::date, sk FROM unnest(${p}::int[], ${b}::timestamptz[], ${sk}::jsonb[]) AS t(p, b, sk)
      ON CONFLICT (project_id, day) DO UPDATE SET sketch = pym_sketch_merge(r.sketch, excluded.sketch)`;
  }
}

export interface NeighbourResult {
  checked_at: Date;
  is_available: boolean;
  in_maintenance: boolean;
}

/** The recorded HTTP results just before and just after `at`, leaving out the rows `excluded` (not recorded yet in batch order). */
export async function neighbourResults(db: Db, projectId: number, at: Date, excluded: number[]): Promise<{ before: NeighbourResult | undefined; after: NeighbourResult | undefined }> {
  const [before] = await db<NeighbourResult[]>`
    SELECT checked_at, is_available, in_maintenance FROM check_results
    WHERE project_id = ${projectId} AND kind = 'http' AND checked_at < ${at} AND id <> ALL(${txt(excluded)}::text[]::bigint[])
    ORDER BY checked_at DESC LIMIT 1`;
  const [after] = await db<NeighbourResult[]>`
    SELECT checked_at, is_available, in_maintenance FROM check_results
    WHERE project_id = ${projectId} AND kind = 'http' AND checked_at > ${at} AND id <> ALL(${txt(excluded)}::text[]::bigint[])
    ORDER BY checked_at LIMIT 1`;
  return { before, after };
}

/** As monitoring.ts failureStreakStart, leaving out the rows `excluded` (later in batch order). */
export async function failureStreakStartExcluding(db: Db, projectId: number, until: Date, excluded: number[]): Promise<Date | undefined> {
  const [row] = await db<{ start: Date | null }[]>`
    SELECT min(checked_at) AS start FROM check_results
    WHERE project_id = ${projectId} AND kind = 'http' AND NOT is_available AND checked_at <= ${until} AND id <> ALL(${txt(excluded)}::text[]::bigint[])
      AND checked_at > coalesce((
        SELECT max(checked_at) FROM check_results
        WHERE project_id = ${projectId} AND kind = 'http' AND is_available AND checked_at <= ${until} AND id <> ALL(${txt(excluded)}::text[]::bigint[])), '-infinity')`;
  return row?.start ?? undefined;
}

/** The first recorded HTTP result after `at` (for an imported outage that runs into recorded history). */
export async function firstResultAfter(db: Db, projectId: number, at: Date): Promise<Date | undefined> {
  const [row] = await db<{ checked_at: Date }[]>`
    SELECT checked_at FROM check_results WHERE project_id = ${projectId} AND kind = 'http' AND checked_at > ${at} ORDER BY checked_at LIMIT 1`;
  return row?.checked_at;
}

export async function insertClosedIncidents(db: Db, projectId: number, runs: { started_at: Date; ended_at: Date; first_error: string | null }[]): Promise<number> {
  if (runs.length === 0) return 0;
  const rows = await db`
    INSERT INTO incidents (project_id, kind, started_at, ended_at, duration_seconds, first_error)
    SELECT ${projectId}, 'outage', s, e, EXTRACT(EPOCH FROM (e - s)), f
    FROM unnest(${txt(runs.map((r) => r.started_at.toISOString()))}::text[]::timestamptz[], ${txt(runs.map((r) => r.ended_at.toISOString()))}::text[]::timestamptz[],
      ${txt(runs.map((r) => r.first_error))}::text[]) AS t(s, e, f)
    RETURNING id`;
  return rows.length;
}

/** The recorded HTTP results of a project in [from, to], with the one just before and the one just after, in time order. */
export async function resultsAround(db: Db, projectId: number, from: Date, to: Date): Promise<NeighbourResult[]> {
  return db<NeighbourResult[]>`
    (SELECT checked_at, is_available, in_maintenance FROM check_results
      WHERE project_id = ${projectId} AND kind = 'http' AND checked_at < ${from} ORDER BY checked_at DESC LIMIT 1)
    UNION ALL
    (SELECT checked_at, is_available, in_maintenance FROM check_results
      WHERE project_id = ${projectId} AND kind = 'http' AND checked_at BETWEEN ${from} AND ${to})
    UNION ALL
    (SELECT checked_at, is_available, in_maintenance FROM check_results
      WHERE project_id = ${projectId} AND kind = 'http' AND checked_at > ${to} ORDER BY checked_at LIMIT 1)
    ORDER BY checked_at`;
}
