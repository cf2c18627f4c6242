import { plainArray, type Db } from './db.ts';
import type { RollupFigures } from './results.ts';

// Reads of the rollups and raw results for reports, charts and stats (services/read-model.ts).

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const floorTo = (ms: number, size: number) => Math.floor(ms / size) * size;
const ceilTo = (ms: number, size: number) => Math.ceil(ms / size) * size;

/**
 * Where an hourly row's recorded time ends: the end of its hour, or the project's last result when
 * that falls inside the hour (the rest of the hour is not recorded yet). Needs `r` (the row) and `s`
 * (monitor_state, for last_checked_at).
 */
const effectiveEnd = (db: Db) =>
  db`least(r.bucket + interval '1 hour', greatest(coalesce(s.last_checked_at, r.bucket + interval '1 hour'), r.bucket + interval '1 millisecond'))`;

/** The share of an edge hour's recorded time [bucket, eff_end) that lies inside [from, to), as uptime.ts rowShare. */
const shareInside = (db: Db, from: Date, to: Date) =>
  db`greatest(0, least(1, extract(epoch FROM (least(eff_end, ${to}::timestamptz) - greatest(bucket, ${from}::timestamptz)))
        / extract(epoch FROM (eff_end - bucket))))`;

export interface TimeTotalsRow {
  project_id: number;
  covered_seconds: number;
  down_seconds: number;
  maintenance_seconds: number;
  no_data_seconds: number;
}

/**
 * Time figures of many projects over [from, to): whole UTC days from the daily rollups, the rest from
 * the hourly ones, edge hours prorated over the part of the hour holding recorded time (up to the
 * project's last result), as uptime.ts rowShare.
 */
export async function timeTotals(db: Db, projectIds: number[], from: Date, to: Date): Promise<TimeTotalsRow[]> {
  if (projectIds.length === 0) return [];
  const dayFrom = ceilTo(from.getTime(), DAY_MS);
  const dayTo = floorTo(to.getTime(), DAY_MS);
  const useDays = dayFrom < dayTo;
  const hFrom = new Date(floorTo(from.getTime(), HOUR_MS));
  const ids = plainArray(projectIds);
  return db<TimeTotalsRow[]>`
    WITH s AS (
      SELECT project_id, last_checked_at FROM monitor_state WHERE project_id = ANY(${ids}::int[])
    ), h AS (
      SELECT r.project_id, r.covered_seconds, r.down_seconds, r.maintenance_seconds, r.no_data_seconds, r.bucket,
        ${effectiveEnd(db)} AS eff_end
      FROM rollups_hourly r LEFT JOIN s ON s.project_id = r.project_id
      WHERE r.project_id = ANY(${ids}::int[])
        -- Whole days come from rollups_daily: read only the hours of the partial first and last days
        -- (two index ranges), never every hour of the period.
        AND ${useDays
          ? db`((r.bucket >= ${hFrom} AND r.bucket < ${new Date(dayFrom)}) OR (r.bucket >= ${new Date(dayTo)} AND r.bucket < ${to}))`
          : db`r.bucket >= ${hFrom} AND r.bucket < ${to}`}
    ), parts AS (
      SELECT project_id,
        covered_seconds * f AS cov, down_seconds * f AS dn, maintenance_seconds * f AS mt, no_data_seconds * f AS nd
      FROM (SELECT *, ${shareInside(db, from, to)} AS f FROM h) x
      ${useDays ? db`UNION ALL
      SELECT project_id, covered_seconds, down_seconds, maintenance_seconds, no_data_seconds FROM rollups_daily
      WHERE project_id = ANY(${ids}::int[]) AND day >= ${new Date(dayFrom).toISOString().slice(0, 10)}::date
        AND day < ${new Date(dayTo).toISOString().slice(0, 10)}::date` : db``}
    )
    SELECT project_id, sum(cov)::float8 AS covered_seconds, sum(dn)::float8 AS down_seconds,
      sum(mt)::float8 AS maintenance_seconds, sum(nd)::float8 AS no_data_seconds
    FROM parts GROUP BY project_id`;
}

export interface OverallTotals {
  covered_seconds: number;
  down_seconds: number;
  rt_sum: number;
  rt_n: number;
}

/** Length of a rollups_4h bucket (UTC, aligned to the epoch). */
export const FOUR_HOURS_MS = 4 * HOUR_MS;

/**
 * The recorded time and response times of every active project over [from, to), summed over all of
 * them (the dashboard's stats): edge hours prorated as in timeTotals, response times counting whole
 * hours from the hour of `from`. Read from rollups_total_hourly (migration 024): about 24 x 16 rows for
 * a day instead of every project's rows. The totals hold every project; those deleted are taken off,
 * from their own rows (only those whose last result is in the period can have any: a rollup row's hour
 * is never after its project's last result). Each hour's total is prorated as every project's row would
 * be when its recorded time runs to the end of the hour or to `to`: the share of the hour inside
 * [from, to). That holds for every project but those whose last result falls inside the first hour or
 * after `to`; their rows of the first and last hour are read and their share corrected.
 */
export async function overallTotals(db: Db, from: Date, to: Date): Promise<OverallTotals> {
  if (to <= from) return { covered_seconds: 0, down_seconds: 0, rt_sum: 0, rt_n: 0 };
  const b0 = new Date(floorTo(from.getTime(), HOUR_MS));
  const bLast = new Date(floorTo(to.getTime() - 1, HOUR_MS));
  // The share of hour `bucket` inside [from, to), its recorded time running to the hour's end or to `to`.
  const nominal = db`(extract(epoch FROM least(bucket + interval '1 hour', ${to}::timestamptz) - greatest(bucket, ${from}::timestamptz))
      / extract(epoch FROM least(bucket + interval '1 hour', ${to}::timestamptz) - bucket))`;
  const [row] = await db<OverallTotals[]>`
    WITH t AS (
      SELECT bucket, covered_seconds AS cov, down_seconds AS dn, response_time_sum AS rs, response_time_n::float8 AS rn
      FROM rollups_total_hourly WHERE bucket >= ${b0} AND bucket < ${to}
      UNION ALL
      SELECT r.bucket, -r.covered_seconds, -r.down_seconds, -r.response_time_sum, -r.response_time_n::float8
      FROM projects p JOIN monitor_state s ON s.project_id = p.id JOIN rollups_hourly r ON r.project_id = p.id
      WHERE NOT p.is_active AND s.last_checked_at >= ${b0} AND r.bucket >= ${b0} AND r.bucket < ${to}
    ), odd AS (
      SELECT r.bucket, r.covered_seconds, r.down_seconds, ${effectiveEnd(db)} AS eff_end
      FROM projects p JOIN monitor_state s ON s.project_id = p.id JOIN rollups_hourly r ON r.project_id = p.id
      WHERE p.is_active AND r.bucket IN (${b0}, ${bLast})
        AND ((s.last_checked_at >= ${b0} AND s.last_checked_at < ${new Date(b0.getTime() + HOUR_MS)}) OR s.last_checked_at > ${to})
    )
    SELECT coalesce(sum(cov * f), 0)::float8 AS covered_seconds, coalesce(sum(dn * f), 0)::float8 AS down_seconds,
      coalesce(sum(rs), 0)::float8 AS rt_sum, coalesce(sum(rn), 0)::float8 AS rt_n
    FROM (
      SELECT sum(cov) AS cov, sum(dn) AS dn, sum(rs) AS rs, sum(rn) AS rn, ${nominal} AS f FROM t GROUP BY bucket
      UNION ALL
      SELECT covered_seconds, down_seconds, 0, 0, ${shareInside(db, from, to)} - ${nominal} FROM odd
    ) x`;
  return row ?? { covered_seconds: 0, down_seconds: 0, rt_sum: 0, rt_n: 0 };
}

/**
 * The still-open spans of every active project summed over [from, to), in the database: each runs
 * from its project's last result for at most one check interval, and no further than `now` (as
 * uptime.ts openSpanPieces cuts it; a span in maintenance covers nothing). The stats need only these
 * two sums, not every project's span (openSpans: 1,000 rows to send and read).
 */
export async function openSpanTotals(db: Db, from: Date, to: Date, now: Date): Promise<{ covered_seconds: number; down_seconds: number }> {
  const [row] = await db<{ covered_seconds: number; down_seconds: number }[]>`
    SELECT coalesce(sum(len) FILTER (WHERE NOT maintenance), 0)::float8 AS covered_seconds,
      coalesce(sum(len) FILTER (WHERE NOT maintenance AND NOT up), 0)::float8 AS down_seconds
    FROM (
      SELECT s.last_in_maintenance AS maintenance, coalesce(s.last_is_available, true) AS up,
        date_part('epoch', least(s.last_checked_at + make_interval(secs => m.check_interval), ${now}::timestamptz, ${to}::timestamptz)
          - greatest(s.last_checked_at, ${from}::timestamptz)) AS len
      FROM monitor_state s JOIN monitoring_settings m ON m.project_id = s.project_id JOIN projects p ON p.id = s.project_id
      WHERE p.is_active AND s.last_checked_at IS NOT NULL
    ) x
    WHERE len > 0`;
  return row ?? { covered_seconds: 0, down_seconds: 0 };
}

export interface OpenSpanRow {
  project_id: number;
  last_checked_at: Date | null;
  last_is_available: boolean | null;
  last_in_maintenance: boolean;
  check_interval: number;
}

/**
 * The last result of each project, whose span is still open (not in the rollups yet). The rows come
 * back as one JSON value ([project, last check in ms, up, in maintenance, interval] each), parsed
 * natively at once: the stats and the dashboard chart read all 1,000 projects' spans, and as 1,000
 * rows with a time to parse each they cost the client about as much as the rest of the stats.
 */
export async function openSpans(db: Db, projects: number[] | 'active'): Promise<OpenSpanRow[]> {
  if (projects.length === 0) return [];
  const [row] = await db<{ spans: [number, number | null, boolean | null, boolean, number][] }[]>`
    SELECT coalesce(json_agg(json_build_array(s.project_id, floor(extract(epoch FROM s.last_checked_at) * 1000), s.last_is_available,
      s.last_in_maintenance, m.check_interval)), '[]'::json) AS spans
    FROM monitor_state s JOIN monitoring_settings m ON m.project_id = s.project_id
    WHERE ${projects === 'active'
      ? db`s.project_id IN (SELECT id FROM projects WHERE is_active)`
      : db`s.project_id = ANY(${plainArray(projects)}::int[])`}`;
  return (row?.spans ?? []).map(([project_id, at, up, maintenance, interval]) => ({
    project_id,
    last_checked_at: at === null ? null : new Date(at),
    last_is_available: up,
    last_in_maintenance: maintenance,
    check_interval: interval,
  }));
}

export interface HourlyRow extends RollupFigures {
  bucket: Date;
}

/** A project's hourly rollups from the hour holding `from` to `to`, in order. */
export async function hourlyRows(db: Db, projectId: number, from: Date, to: Date): Promise<HourlyRow[]> {
  return db<HourlyRow[]>`
    SELECT bucket, checks, up_checks, response_time_sum AS rt_sum, response_time_n AS rt_n, response_time_min AS rt_min,
      response_time_max AS rt_max, covered_seconds, down_seconds, maintenance_seconds, no_data_seconds,
      '{}'::jsonb AS sketch
    FROM rollups_hourly
    WHERE project_id = ${projectId} AND bucket >= ${new Date(floorTo(from.getTime(), HOUR_MS))} AND bucket < ${to}
    ORDER BY bucket`;
}

export interface DayTotalsRow {
  /** 1 for the day starting at starts[0], and so on. */
  day_index: number;
  covered_seconds: number;
  down_seconds: number;
  maintenance_seconds: number;
  no_data_seconds: number;
  checks: number;
  rt_sum: number;
  rt_n: number;
}

/**
 * A project's hourly rollups summed per day, for days that start and end on the hour: day i runs from
 * starts[i - 1] to the next start (the last one to `end`). Days without rows are left out.
 */
export async function dayTotals(db: Db, projectId: number, starts: Date[], end: Date): Promise<DayTotalsRow[]> {
  if (starts.length === 0) return [];
  return db<DayTotalsRow[]>`
    SELECT width_bucket(bucket, ${starts.map((d) => d.toISOString())}::timestamptz[]) AS day_index,
      sum(covered_seconds)::float8 AS covered_seconds, sum(down_seconds)::float8 AS down_seconds,
      sum(maintenance_seconds)::float8 AS maintenance_seconds, sum(no_data_seconds)::float8 AS no_data_seconds,
      sum(checks)::int AS checks, sum(response_time_sum)::float8 AS rt_sum, sum(response_time_n)::int AS rt_n
    FROM rollups_hourly
    WHERE project_id = ${projectId} AND bucket >= ${starts[0]!} AND bucket < ${end}
    GROUP BY 1`;
}

export interface RollupResponseTimes {
  checks: number;
  rt_sum: number;
  rt_n: number;
  rt_min: number | null;
  rt_max: number | null;
  sketch: Record<string, number>;
}

/**
 * [hour of from, to) as whole UTC days, read from the daily rollups, and the hours before and after
 * them, read from the hourly ones (a 90-day report reads about 90 + 48 rows, not 2,160).
 */
function daysAndHours(from: Date, to: Date): { hFrom: Date; dayFrom: Date; dayTo: Date; days: boolean; dFrom: string; dTo: string } {
  const hFrom = floorTo(from.getTime(), HOUR_MS);
  const dayFrom = ceilTo(hFrom, DAY_MS);
  const dayTo = Math.max(dayFrom, floorTo(to.getTime(), DAY_MS));
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { hFrom: new Date(hFrom), dayFrom: new Date(dayFrom), dayTo: new Date(dayTo), days: dayFrom < dayTo, dFrom: day(dayFrom), dTo: day(dayTo) };
}

/** The hourly rows of [hour of from, to) that daysAndHours leaves to the hourly rollups. */
const edgeHours = (db: Db, w: ReturnType<typeof daysAndHours>, to: Date) =>
  w.days ? db`((bucket >= ${w.hFrom} AND bucket < ${w.dayFrom}) OR (bucket >= ${w.dayTo} AND bucket < ${to}))` : db`bucket >= ${w.hFrom} AND bucket < ${to}`;

/** Response-time totals and the merged sketch of a project's rollups over [hour of from, to). */
export async function rollupResponseTimes(db: Db, projectId: number, from: Date, to: Date): Promise<RollupResponseTimes> {
  const w = daysAndHours(from, to);
  const [[row], sketch] = await Promise.all([
    db<Omit<RollupResponseTimes, 'sketch'>[]>`
      SELECT coalesce(sum(checks), 0)::int AS checks, coalesce(sum(rs), 0)::float8 AS rt_sum,
        coalesce(sum(rn), 0)::int AS rt_n, min(mi) AS rt_min, max(ma) AS rt_max
      FROM (
        SELECT checks, response_time_sum AS rs, response_time_n AS rn, response_time_min AS mi, response_time_max AS ma
        FROM rollups_hourly WHERE project_id = ${projectId} AND ${edgeHours(db, w, to)}
        UNION ALL
        SELECT checks, response_time_sum, response_time_n, response_time_min, response_time_max
        FROM rollups_daily WHERE project_id = ${projectId} AND day >= ${w.dFrom}::date AND day < ${w.dTo}::date
      ) x`,
    mergedSketch(db, projectId, from, to),
  ]);
  return { ...row!, sketch };
}

/** The response-time sketches of a project over [hour of from, to), merged set-based (one group by over their keys). */
export async function mergedSketch(db: Db, projectId: number, from: Date, to: Date): Promise<Record<string, number>> {
  const w = daysAndHours(from, to);
  const rows = await db<{ k: string; n: number }[]>`
    SELECT e.key AS k, sum(e.value::text::bigint)::float8 AS n
    FROM (
      SELECT sketch FROM rollups_hourly_sketch WHERE project_id = ${projectId} AND ${edgeHours(db, w, to)}
      UNION ALL
      SELECT sketch FROM rollups_daily_sketch WHERE project_id = ${projectId} AND day >= ${w.dFrom}::date AND day < ${w.dTo}::date
    ) r, jsonb_each(r.sketch) e
    GROUP BY e.key`;
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

/** Rolled-up checks of a project over [hour of from, to). */
export async function rollupCheckCount(db: Db, projectId: number, from: Date, to: Date): Promise<number> {
  const w = daysAndHours(from, to);
  const [row] = await db<{ n: number }[]>`
    SELECT coalesce(sum(checks), 0)::int AS n FROM (
      SELECT checks FROM rollups_hourly WHERE project_id = ${projectId} AND ${edgeHours(db, w, to)}
      UNION ALL
      SELECT checks FROM rollups_daily WHERE project_id = ${projectId} AND day >= ${w.dFrom}::date AND day < ${w.dTo}::date
    ) x`;
  return row?.n ?? 0;
}

export interface RawResponseTimes {
  /** How many HTTP results of the project are still stored over [hour of from, to). */
  stored: number;
  avg: number | null;
  min: number | null;
  max: number | null;
  p95: number | null;
}

/**
 * A project's stored HTTP results over [from, to) in one scan: how many are stored from the hour of
 * `from` (the caller compares it with the rollups' count to know whether they are complete), and the
 * response times' average, extremes and exact P95.
 */
export async function rawResponseTimes(db: Db, projectId: number, from: Date, to: Date): Promise<RawResponseTimes> {
  const timed = db`checked_at >= ${from} AND response_time IS NOT NULL`;
  const [row] = await db<RawResponseTimes[]>`
    SELECT count(*)::int AS stored, (avg(response_time) FILTER (WHERE ${timed}))::float8 AS avg,
      min(response_time) FILTER (WHERE ${timed}) AS min, max(response_time) FILTER (WHERE ${timed}) AS max,
      percentile_disc(0.95) WITHIN GROUP (ORDER BY response_time) FILTER (WHERE ${timed}) AS p95
    FROM check_results
    WHERE project_id = ${projectId} AND kind = 'http' AND checked_at >= ${new Date(floorTo(from.getTime(), HOUR_MS))} AND checked_at < ${to}`;
  return row!;
}

export interface IncidentRow {
  id: number;
  started_at: Date;
  ended_at: Date | null;
  first_error: string | null;
}

/** Outages of a project that overlap [from, to), oldest first. */
export async function incidentsOverlapping(db: Db, projectId: number, from: Date, to: Date): Promise<IncidentRow[]> {
  return db<IncidentRow[]>`
    SELECT id, started_at, ended_at, first_error FROM incidents
    WHERE project_id = ${projectId} AND kind = 'outage' AND started_at < ${to} AND (ended_at IS NULL OR ended_at > ${from})
    ORDER BY started_at, id`;
}

export async function userTimeZone(db: Db, userId: number): Promise<string | undefined> {
  const [row] = await db<{ timezone: string }[]>`SELECT timezone FROM users WHERE id = ${userId}`;
  return row?.timezone;
}

export interface BucketRow {
  project_id: number;
  /** Bucket start, epoch milliseconds. */
  b: number;
  covered_seconds: number;
  down_seconds: number;
  maintenance_seconds: number;
  checks: number;
  rt_sum: number;
  rt_n: number;
  rt_min: number | null;
  rt_max: number | null;
  sketch: Record<string, number> | null;
}

/**
 * Hourly rollups of many projects summed into buckets of `bucketMs` (a whole number of hours, aligned
 * to the epoch), time figures prorated at the period's edges as in timeTotals.
 */
export async function bucketedRollups(db: Db, projectIds: number[], from: Date, to: Date, bucketMs: number, withSketch: boolean): Promise<BucketRow[]> {
  if (projectIds.length === 0) return [];
  const ids = plainArray(projectIds);
  const hFrom = new Date(floorTo(from.getTime(), HOUR_MS));
  const bs = bucketMs / 1000;
  // Whole hours inside the period need no proration: only the two edge hours join the monitor state.
  const cFrom = new Date(ceilTo(from.getTime(), HOUR_MS));
  const fTo = new Date(floorTo(to.getTime(), HOUR_MS));
  const bucketOf = db`((extract(epoch FROM bucket)::bigint / ${bs}::bigint) * ${bs}::bigint * 1000)::float8`;
  const rows = await db<BucketRow[]>`
    WITH edges AS (
      SELECT r.*, ${effectiveEnd(db)} AS eff_end
      FROM rollups_hourly r LEFT JOIN monitor_state s ON s.project_id = r.project_id
      WHERE r.project_id = ANY(${ids}::int[]) AND r.bucket >= ${hFrom} AND r.bucket < ${to}
        AND (r.bucket < ${cFrom} OR r.bucket >= ${fTo})
    ), parts AS (
      SELECT project_id, ${bucketOf} AS b, covered_seconds AS cov, down_seconds AS dn, maintenance_seconds AS mt,
        checks, response_time_sum, response_time_n, response_time_min, response_time_max
      FROM rollups_hourly
      WHERE project_id = ANY(${ids}::int[]) AND bucket >= ${cFrom} AND bucket < ${fTo}
      UNION ALL
      SELECT project_id, ${bucketOf}, covered_seconds * f, down_seconds * f, maintenance_seconds * f,
        checks, response_time_sum, response_time_n, response_time_min, response_time_max
      FROM (SELECT *, ${shareInside(db, from, to)} AS f FROM edges) e
    )
    SELECT project_id, b, sum(cov)::float8 AS covered_seconds, sum(dn)::float8 AS down_seconds,
      sum(mt)::float8 AS maintenance_seconds, sum(checks)::int AS checks,
      sum(response_time_sum)::float8 AS rt_sum, sum(response_time_n)::int AS rt_n,
      min(response_time_min) AS rt_min, max(response_time_max) AS rt_max, NULL::jsonb AS sketch
    FROM parts GROUP BY 1, 2 ORDER BY 1, 2`;
  if (!withSketch) return rows;
  // Sketches merged set-based: one group by over (project, bucket, key).
  const keys = await db<{ project_id: number; b: number; k: string; n: number }[]>`
    SELECT r.project_id, ((extract(epoch FROM r.bucket)::bigint / ${bs}::bigint) * ${bs}::bigint * 1000)::float8 AS b, e.key AS k, sum(e.value::text::bigint)::float8 AS n
    FROM rollups_hourly_sketch r, jsonb_each(r.sketch) e
    WHERE r.project_id = ANY(${ids}::int[]) AND r.bucket >= ${hFrom} AND r.bucket < ${to}
    GROUP BY 1, 2, 3`;
  const byBucket = new Map(rows.map((r) => [`${r.project_id}|${r.b}`, r]));
  for (const k of keys) {
    const r = byBucket.get(`${k.project_id}|${k.b}`);
    if (r) (r.sketch ??= {})[k.k] = k.n;
  }
  return rows;
}

export interface RawPoint {
  project_id: number;
  checked_at: Date;
  is_available: boolean;
  in_maintenance: boolean;
  response_time: number | null;
}

/** Stored HTTP results of many projects over [from - lookBack, to), by project and time. */
export async function rawResults(db: Db, projectIds: number[], from: Date, to: Date, lookBackMs: number): Promise<RawPoint[]> {
  if (projectIds.length === 0) return [];
  return db<RawPoint[]>`
    SELECT project_id, checked_at, is_available, in_maintenance, response_time FROM check_results
    WHERE project_id = ANY(${plainArray(projectIds)}::int[]) AND kind = 'http'
      AND checked_at >= ${new Date(from.getTime() - lookBackMs)} AND checked_at < ${to}
    ORDER BY project_id, checked_at`;
}

/** Stored HTTP results and rolled-up checks of many projects over [hour of from, to): equal while nothing was cleaned up. */
export async function rawAndRollupCounts(db: Db, projectIds: number[], from: Date, to: Date): Promise<{ raw: number; rollup: number }> {
  const ids = plainArray(projectIds);
  const hFrom = new Date(floorTo(from.getTime(), HOUR_MS));
  const [row] = await db<{ raw: number; rollup: number }[]>`
    SELECT (SELECT count(*) FROM check_results WHERE project_id = ANY(${ids}::int[]) AND kind = 'http' AND checked_at >= ${hFrom} AND checked_at < ${to})::int AS raw,
      (SELECT coalesce(sum(checks), 0) FROM rollups_hourly WHERE project_id = ANY(${ids}::int[]) AND bucket >= ${hFrom} AND bucket < ${to})::int AS rollup`;
  return row ?? { raw: 0, rollup: 0 };
}

export interface StatusCounts {
  projects: number;
  up: number;
  down: number;
  maintenance: number;
  paused: number;
}

/** Active projects by their current state: paused (not running), in maintenance, down, else up. */
export async function projectStatusCounts(db: Db): Promise<StatusCounts> {
  const [row] = await db<StatusCounts[]>`
    SELECT count(*)::int AS projects,
      count(*) FILTER (WHERE s.is_running AND NOT p.maintenance_mode AND NOT coalesce(s.is_down, false))::int AS up,
      count(*) FILTER (WHERE s.is_running AND NOT p.maintenance_mode AND coalesce(s.is_down, false))::int AS down,
      count(*) FILTER (WHERE s.is_running AND p.maintenance_mode)::int AS maintenance,
      count(*) FILTER (WHERE NOT coalesce(s.is_running, true))::int AS paused
    FROM projects p LEFT JOIN monitor_state s ON s.project_id = p.id
    WHERE p.is_active`;
  return row!;
}

export async function activeProjects(db: Db): Promise<{ id: number; title: string }[]> {
  return db<{ id: number; title: string }[]>`SELECT id, title FROM projects WHERE is_active ORDER BY id`;
}

export async function projectExists(db: Db, projectId: number): Promise<boolean> {
  const [row] = await db`SELECT 1 FROM projects WHERE id = ${projectId} AND is_active`;
  return row !== undefined;
}

export async function openIncidentCount(db: Db): Promise<number> {
  const [row] = await db<{ n: number }[]>`
    SELECT count(*)::int AS n FROM incidents i JOIN projects p ON p.id = i.project_id WHERE p.is_active AND i.ended_at IS NULL`;
  return row?.n ?? 0;
}

/**
 * One project's figures in one bucket: [project id, bucket start (ms), covered and down seconds,
 * response-time sum and count, checks].
 */
export type DashboardBucket = [projectId: number, bucket: number, cov: number, dn: number, rtSum: number, rtN: number, checks: number];

/**
 * The dashboard's lean read: the bucket figures of every project as one JSON value (one row, parsed
 * natively at once, where 1,000 rows of arrays cost the client ~10 ms of text parsing per chart read).
 * Edge hours prorated as in bucketedRollups.
 */
export async function dashboardBuckets(db: Db, projectIds: number[], from: Date, to: Date, bucketMs: number): Promise<DashboardBucket[]> {
  if (projectIds.length === 0) return [];
  const ids = plainArray(projectIds);
  const hFrom = new Date(floorTo(from.getTime(), HOUR_MS));
  const cFrom = new Date(ceilTo(from.getTime(), HOUR_MS));
  const fTo = new Date(floorTo(to.getTime(), HOUR_MS));
  const bs = bucketMs / 1000;
  const bucketOf = db`((extract(epoch FROM bucket)::bigint / ${bs}::bigint) * ${bs}::bigint * 1000)::float8`;
  const [row] = await db<{ rows: DashboardBucket[] }[]>`
    WITH edges AS (
      SELECT r.project_id, r.bucket, r.covered_seconds, r.down_seconds, r.response_time_sum, r.response_time_n, r.checks,
        ${effectiveEnd(db)} AS eff_end
      FROM rollups_hourly r LEFT JOIN monitor_state s ON s.project_id = r.project_id
      WHERE r.project_id = ANY(${ids}::int[]) AND r.bucket >= ${hFrom} AND r.bucket < ${to}
        AND (r.bucket < ${cFrom} OR r.bucket >= ${fTo})
    ), parts AS (
      SELECT project_id, ${bucketOf} AS b, covered_seconds AS cov, down_seconds AS dn, response_time_sum AS rs, response_time_n AS rn, checks
      FROM rollups_hourly
      WHERE project_id = ANY(${ids}::int[]) AND bucket >= ${cFrom} AND bucket < ${fTo}
      UNION ALL
      SELECT project_id, ${bucketOf}, covered_seconds * f, down_seconds * f, response_time_sum, response_time_n, checks
      FROM (SELECT *, ${shareInside(db, from, to)} AS f FROM edges) e
    ), buckets AS (
      SELECT project_id, b, sum(cov)::float8 AS cov, sum(dn)::float8 AS dn, sum(rs)::float8 AS rs, sum(rn)::float8 AS rn, sum(checks)::float8 AS checks
      FROM parts GROUP BY 1, 2
    )
    SELECT coalesce(json_agg(json_build_array(project_id, b, cov, dn, rs, rn, checks)), '[]'::json) AS rows FROM buckets`;
  return row?.rows ?? [];
}


/**
 * As dashboardBuckets, from the 4-hour rollups: [from, to) must be whole 4-hour buckets and bucketMs a
 * multiple of four hours, so no bucket is cut and nothing is prorated.
 */
export async function dashboardBuckets4h(db: Db, projectIds: number[], from: Date, to: Date, bucketMs: number): Promise<DashboardBucket[]> {
  if (projectIds.length === 0 || to <= from) return [];
  if (from.getTime() % FOUR_HOURS_MS !== 0 || to.getTime() % FOUR_HOURS_MS !== 0 || bucketMs % FOUR_HOURS_MS !== 0) {
    throw new Error('dashboardBuckets4h needs whole 4-hour buckets');
  }
  const bs = bucketMs / 1000;
  const ids = plainArray(projectIds);
  const [row] = await db<{ rows: DashboardBucket[] }[]>`
    WITH buckets AS (
      SELECT project_id, ((extract(epoch FROM bucket)::bigint / ${bs}::bigint) * ${bs}::bigint * 1000)::float8 AS b,
        sum(covered_seconds)::float8 AS cov, sum(down_seconds)::float8 AS dn, sum(response_time_sum)::float8 AS rs,
        sum(response_time_n)::float8 AS rn, sum(checks)::float8 AS checks
      FROM rollups_4h
      WHERE project_id = ANY(${ids}::int[]) AND bucket >= ${from} AND bucket < ${to}
      GROUP BY 1, 2
    )
    SELECT coalesce(json_agg(json_build_array(project_id, b, cov, dn, rs, rn, checks)), '[]'::json) AS rows FROM buckets`;
  return row?.rows ?? [];
}

/**
 * A level of chart_days (migration 023): a closed UTC day's buckets of 4 hours (six, from rollups_4h)
 * or of one hour (24, from rollups_hourly), five float8 each.
 */
export type ChartLevel = 1 | 4;
export const CHART_SLOT_VALUES = 5;
export const chartSlots = (level: ChartLevel) => 24 / level;
export const chartDayBytes = (level: ChartLevel) => chartSlots(level) * CHART_SLOT_VALUES * 8;

export interface ChartDaysRow {
  project_id: number;
  /** How many of the asked days are built; `data` holds those, in day order. */
  built: number;
  /** The project's count of changes (chart_changes) as of the same statement. */
  changes: number;
  data: Buffer | null;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The packed days [dayFrom, dayTo) of each project at `level`, one row per project that has any
 * (every day concatenated in order; a project with fewer than all days built is for buildChartDays).
 */
export async function readChartDays(db: Db, projectIds: number[], level: ChartLevel, dayFrom: number, dayTo: number): Promise<ChartDaysRow[]> {
  if (projectIds.length === 0 || dayTo <= dayFrom) return [];
  return db<ChartDaysRow[]>`
    SELECT d.project_id, count(d.data)::int AS built, coalesce(min(c.changes), 0)::float8 AS changes, string_agg(d.data, ''::bytea ORDER BY d.day) AS data
    FROM chart_days d LEFT JOIN chart_changes c ON c.project_id = d.project_id
    WHERE d.project_id = ANY(${plainArray(projectIds)}::int[]) AND d.level = ${level}
      AND d.day >= ${isoDay(dayFrom)}::date AND d.day < ${isoDay(dayTo)}::date
    GROUP BY d.project_id`;
}

/** Per project that has any, how many writes marked its days changed (chart_changes). */
export async function chartChanges(db: Db, projectIds: number[]): Promise<{ project_id: number; changes: number }[]> {
  if (projectIds.length === 0) return [];
  return db<{ project_id: number; changes: number }[]>`
    SELECT project_id, changes::float8 AS changes FROM chart_changes WHERE project_id = ANY(${plainArray(projectIds)}::int[])`;
}

/**
 * Packs the days [dayFrom, dayTo) at `level` of these projects that are not built (absent, or marked
 * changed by markChartDaysChanged) from the rollups of that level, and stores them; how many it stored.
 * One statement, so the packed bytes never travel to this process and back (1,000 projects' 31 days
 * are ~7 MB each way, and as hex text in Node several times that). Each day is stored only over the
 * version its row had in the statement's snapshot: should a write mark the day changed meanwhile (it
 * holds the row until it commits; the upsert then sees its version), the day stays unbuilt and the
 * next read packs it anew instead of keeping figures from before that write.
 */
export async function buildChartDays(db: Db, projectIds: number[], level: ChartLevel, dayFrom: number, dayTo: number): Promise<number> {
  if (projectIds.length === 0 || dayTo <= dayFrom) return 0;
  const ids = plainArray(projectIds);
  const rollups = level === 4 ? db`rollups_4h` : db`rollups_hourly`;
  const stored = await db`
    WITH want AS (
      SELECT p, d::date AS d
      FROM unnest(${ids}::int[]) p,
        generate_series(${isoDay(dayFrom)}::timestamp, ${isoDay(dayTo)}::timestamp - interval '1 day', interval '1 day') d
    ), todo AS (
      SELECT w.p, w.d, coalesce(c.version, 0) AS v
      FROM want w LEFT JOIN (
          SELECT * FROM chart_days
          WHERE project_id = ANY(${ids}::int[]) AND level = ${level} AND day >= ${isoDay(dayFrom)}::date AND day < ${isoDay(dayTo)}::date
        ) c ON c.project_id = w.p AND c.day = w.d
      WHERE c.data IS NULL
    ), packed AS (
      SELECT t.p, t.d, t.v, string_agg(
          float8send(coalesce(r.covered_seconds, 0)) || float8send(coalesce(r.down_seconds, 0)) || float8send(coalesce(r.response_time_sum, 0))
          || float8send(coalesce(r.response_time_n, 0)::float8) || float8send(coalesce(r.checks, 0)::float8),
          ''::bytea ORDER BY s.i) AS data
      FROM todo t CROSS JOIN generate_series(0, ${chartSlots(level) - 1}) s(i)
        LEFT JOIN (
          SELECT * FROM ${rollups}
          WHERE project_id = ANY(${ids}::int[]) AND bucket >= ${new Date(dayFrom)} AND bucket < ${new Date(dayTo)}
        ) r ON r.project_id = t.p AND r.bucket = (t.d::timestamp AT TIME ZONE 'UTC') + s.i * ${`${level} hours`}::interval
      GROUP BY t.p, t.d, t.v
    )
    INSERT INTO chart_days AS c (project_id, level, day, version, data)
    SELECT p, ${level}::smallint, d, v, data FROM packed ORDER BY p, d
    ON CONFLICT (project_id, level, day) DO UPDATE SET data = excluded.data
      WHERE c.version = excluded.version AND c.data IS NULL`;
  return stored.count;
}
