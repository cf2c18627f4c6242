import { createHash } from 'node:crypto';
import * as rep from '../repositories/reports.ts';
import {
  addPiece,
  availabilityOf,
  availabilityOfSeconds,
  chartBucketMs,
  DAY_MS,
  exactQuantile,
  HOUR_MS,
  sketchMerge,
  spanPieces,
  splitAtBuckets,
  zeroTime,
  type Piece,
  localDays,
  openSpanPieces,
  piecesIn,
  sketchQuantile,
  sumTime,
  timeOfRows,
  withNoData,
  type HourRow,
  type Period,
  type TimeFigures,
} from './uptime.ts';
import type { ServiceContext } from './context.ts';

// The shared read model: every figure of reports, the status page, badges, charts, mobile and the
// dashboard comes from here, by the one definition of uptime (uptime.ts), over the rollups.

export interface Availability extends TimeFigures {
  /** Percent over covered time (maintenance and no data left out); null when nothing was covered. */
  availability: number | null;
}

export interface DailyFigure {
  /** Calendar day in the reader's time zone (YYYY-MM-DD). */
  date: string;
  availability: number | null;
  downtime_minutes: number;
  maintenance_minutes: number;
  no_data_minutes: number;
  avg_response_time: number | null;
  checks: number;
  incident_count: number;
}

export interface IncidentFigure {
  id: number;
  started_at: Date;
  ended_at: Date | null;
  duration_minutes: number;
  error_message: string | null;
}

export interface ResponseTimeFigures {
  avg: number | null;
  min: number | null;
  max: number | null;
  p95: number | null;
  /** raw: every result of the period is still stored; rollup: from the hourly rollups and their sketch. */
  source: 'raw' | 'rollup';
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const minutes = (seconds: number) => round(seconds / 60, 2);
const pct = (x: number | null) => (x === null ? null : round(x, 4));

/** The period clipped to now: nothing is known about the future. */
function known(period: Period, now: Date): { from: number; to: number } {
  return { from: period.from.getTime(), to: Math.min(period.to.getTime(), now.getTime()) };
}

function availabilityFrom(f: TimeFigures): Availability {
  return {
    availability: pct(availabilityOf(f)),
    covered_seconds: round(f.covered_seconds, 3),
    down_seconds: round(f.down_seconds, 3),
    maintenance_seconds: round(f.maintenance_seconds, 3),
    no_data_seconds: round(f.no_data_seconds, 3),
  };
}

const openPieces = (s: rep.OpenSpanRow, now: Date) =>
  openSpanPieces(s.last_checked_at ? { at: s.last_checked_at, up: s.last_is_available ?? true, maintenance: s.last_in_maintenance } : null, now, s.check_interval);

/** Availability and time figures of many projects over one period, in two queries whatever their number. */
export async function availabilityByProject(ctx: ServiceContext, projectIds: number[], period: Period): Promise<Map<number, Availability>> {
  const [out] = await availabilityByProjectPeriods(ctx, projectIds, [period]);
  return out!;
}

/**
 * Availability and average response time of every active project together over a period (the
 * dashboard's stats): the rollups' hourly totals and the open spans, both summed in the database.
 */
export async function overallFigures(ctx: ServiceContext, period: Period): Promise<{ availability: number | null; avg_response_time: number | null }> {
  const now = ctx.clock.now();
  const { from, to } = known(period, now);
  const [totals, open] = await Promise.all([rep.overallTotals(ctx.sql, new Date(from), new Date(to)), rep.openSpanTotals(ctx.sql, new Date(from), new Date(to), now)]);
  const f = { covered_seconds: totals.covered_seconds + open.covered_seconds, down_seconds: totals.down_seconds + open.down_seconds };
  return { availability: availabilityOf(f), avg_response_time: totals.rt_n > 0 ? round(totals.rt_sum / totals.rt_n, 2) : null };
}

/**
 * The same over several periods at once (the status list's 24h, 7d and 30d): one rollup query per
 * period, and the open spans read once for all of them.
 */
export async function availabilityByProjectPeriods(ctx: ServiceContext, projectIds: number[], periods: Period[]): Promise<Map<number, Availability>[]> {
  const now = ctx.clock.now();
  if (projectIds.length === 0) return periods.map(() => new Map());
  const windows = periods.map((p) => known(p, now));
  const [open, ...totals] = await Promise.all([
    rep.openSpans(ctx.sql, projectIds),
    ...windows.map(({ from, to }) => (to > from ? rep.timeTotals(ctx.sql, projectIds, new Date(from), new Date(to)) : Promise.resolve([]))),
  ]);
  const openBy = new Map(open.map((o) => [o.project_id, openPieces(o, now)]));
  return windows.map(({ from, to }, i) => {
    const byProject = new Map(totals[i]!.map((t) => [t.project_id, t]));
    const windowSeconds = Math.max(0, (to - from) / 1000);
    const out = new Map<number, Availability>();
    for (const id of projectIds) {
      const t = byProject.get(id);
      let f: TimeFigures = t ? { covered_seconds: t.covered_seconds, down_seconds: t.down_seconds, maintenance_seconds: t.maintenance_seconds, no_data_seconds: t.no_data_seconds } : { covered_seconds: 0, down_seconds: 0, maintenance_seconds: 0, no_data_seconds: 0 };
      const o = openBy.get(id);
      if (o) f = sumTime(f, piecesIn(o, from, to));
      out.set(id, availabilityFrom(withNoData(f, windowSeconds)));
    }
    return out;
  });
}

const toHourRow = (r: rep.HourlyRow): HourRow => ({
  bucket: r.bucket.getTime(),
  checks: r.checks,
  up_checks: r.up_checks,
  rt_sum: r.rt_sum,
  rt_n: r.rt_n,
  rt_min: r.rt_min,
  rt_max: r.rt_max,
  covered_seconds: r.covered_seconds,
  down_seconds: r.down_seconds,
  maintenance_seconds: r.maintenance_seconds,
  no_data_seconds: r.no_data_seconds,
  sketch: r.sketch,
});

/**
 * One figure per calendar day of the reader's time zone that the period touches (the first and last
 * days cut to the period, today up to now). Counts (checks, response time) go by the hour they fall in.
 */
export async function dailyFigures(ctx: ServiceContext, projectId: number, period: Period, timeZone: string): Promise<DailyFigure[]> {
  const now = ctx.clock.now();
  const { from, to } = known(period, now);
  if (to <= from) return [];
  const days = localDays({ from: new Date(from), to: new Date(to) }, timeZone);
  // The whole local days between the first and the last, when they start and end on the hour (every
  // zone but a few), are summed in the database; the first and last days (cut by the period, or by the
  // last result) and days of zones off the hour are worked out from their hours.
  const inner = days.slice(1, -1);
  const summed = inner.length > 0 && inner.every((d) => d.from % HOUR_MS === 0 && d.to % HOUR_MS === 0);
  const hourRanges: [number, number][] = summed ? [[from, inner[0]!.from], [inner[inner.length - 1]!.to, to]] : [[from, to]];
  const [rowSets, sums, open, incidents] = await Promise.all([
    Promise.all(hourRanges.map(([f, t]) => (t > f ? rep.hourlyRows(ctx.sql, projectId, new Date(f), new Date(t)) : Promise.resolve([])))),
    summed ? rep.dayTotals(ctx.sql, projectId, inner.map((d) => new Date(d.from)), new Date(inner[inner.length - 1]!.to)) : Promise.resolve([]),
    rep.openSpans(ctx.sql, [projectId]),
    rep.incidentsOverlapping(ctx.sql, projectId, new Date(from), new Date(to)),
  ]);
  const hours = rowSets.flat().map(toHourRow);
  const sumsByDay = new Map(sums.map((r) => [r.day_index - 1, r]));
  const state = open[0];
  const dataEnd = state?.last_checked_at?.getTime() ?? null;
  const pieces = state ? openPieces(state, now) : [];
  let h = 0;
  // Hours are in order: each day looks at the hours that overlap it, not at all of them.
  let first = 0;
  return days.map((day, i) => {
    const sum = summed && i > 0 && i < days.length - 1 ? (sumsByDay.get(i - 1) ?? EMPTY_DAY) : undefined;
    let f: TimeFigures;
    let checks = 0;
    let rtSum = 0;
    let rtN = 0;
    if (sum) {
      f = { covered_seconds: sum.covered_seconds, down_seconds: sum.down_seconds, maintenance_seconds: sum.maintenance_seconds, no_data_seconds: sum.no_data_seconds };
      checks = sum.checks;
      rtSum = sum.rt_sum;
      rtN = sum.rt_n;
    } else {
      while (first < hours.length && hours[first]!.bucket + HOUR_MS <= day.from) first++;
      let last = first;
      while (last < hours.length && hours[last]!.bucket < day.to) last++;
      f = timeOfRows(hours.slice(first, last), dataEnd, day.from, day.to);
      while (h < hours.length && Math.max(hours[h]!.bucket, from) < day.to) {
        checks += hours[h]!.checks;
        rtSum += hours[h]!.rt_sum;
        rtN += hours[h]!.rt_n;
        h++;
      }
    }
    f = withNoData(sumTime(f, piecesIn(pieces, day.from, day.to)), (day.to - day.from) / 1000);
    return {
      date: day.date,
      availability: pct(availabilityOf(f)),
      downtime_minutes: minutes(f.down_seconds),
      maintenance_minutes: minutes(f.maintenance_seconds),
      no_data_minutes: minutes(f.no_data_seconds),
      avg_response_time: rtN > 0 ? round(rtSum / rtN, 2) : null,
      checks,
      incident_count: incidents.filter((x) => x.started_at.getTime() >= day.from && x.started_at.getTime() < day.to).length,
    };
  });
}

const EMPTY_DAY: rep.DayTotalsRow = { day_index: 0, covered_seconds: 0, down_seconds: 0, maintenance_seconds: 0, no_data_seconds: 0, checks: 0, rt_sum: 0, rt_n: 0 };

/** Outages overlapping the period, oldest first; an open one lasts until now. */
export async function incidentsIn(ctx: ServiceContext, projectId: number, period: Period): Promise<IncidentFigure[]> {
  const now = ctx.clock.now();
  const rows = await rep.incidentsOverlapping(ctx.sql, projectId, period.from, period.to);
  return rows.map((r) => ({
    id: r.id,
    started_at: r.started_at,
    ended_at: r.ended_at,
    duration_minutes: minutes(Math.max(0, ((r.ended_at ?? now).getTime() - r.started_at.getTime()) / 1000)),
    error_message: r.first_error,
  }));
}

/**
 * Up to this many checks in a period, its response times come from the stored results themselves (P95
 * exact); beyond, from the rollups (P95 within 2%), so a long report reads a hundred rows instead of
 * reading and sorting every result: two weeks of one-minute checks, 70 days of five-minute ones.
 */
export const RAW_RESPONSE_TIMES_MAX_CHECKS = 20_160;

/**
 * Response times over the period: from the raw results while all of them are stored and they are no
 * more than `rawUpTo` (P95 by nearest rank), else from the hourly and daily rollups (P95 from the
 * merged sketch, within 2%; average, minimum and maximum exact).
 */
export async function responseTimeFigures(ctx: ServiceContext, projectId: number, period: Period, rawUpTo = RAW_RESPONSE_TIMES_MAX_CHECKS): Promise<ResponseTimeFigures> {
  const now = ctx.clock.now();
  const { from, to } = known(period, now);
  const f = new Date(from);
  const t = new Date(Math.max(from, to));
  const checks = await rep.rollupCheckCount(ctx.sql, projectId, f, t);
  if (checks <= rawUpTo) {
    // The stored results' count and their figures in one scan: when every check is still stored, the
    // exact figures answer.
    const r = await rep.rawResponseTimes(ctx.sql, projectId, f, t);
    if (r.stored >= checks) return { avg: r.avg === null ? null : round(r.avg, 2), min: r.min, max: r.max, p95: r.p95, source: 'raw' };
  }
  return rollupTimes(await rep.rollupResponseTimes(ctx.sql, projectId, f, t));
}

function rollupTimes(r: rep.RollupResponseTimes): ResponseTimeFigures {
  let p95 = sketchQuantile(r.sketch ?? {}, 0.95);
  if (p95 !== null && r.rt_min !== null && r.rt_max !== null) p95 = Math.min(r.rt_max, Math.max(r.rt_min, p95));
  return { avg: r.rt_n > 0 ? round(r.rt_sum / r.rt_n, 2) : null, min: r.rt_min, max: r.rt_max, p95: p95 === null ? null : round(p95, 2), source: 'rollup' };
}

/** As responseTimeFigures, but always from the rollups (what is left once raw results are cleaned up). */
export async function rollupResponseTimeFigures(ctx: ServiceContext, projectId: number, period: Period): Promise<ResponseTimeFigures> {
  const now = ctx.clock.now();
  const { from, to } = known(period, now);
  return rollupTimes(await rep.rollupResponseTimes(ctx.sql, projectId, new Date(from), new Date(Math.max(from, to))));
}

/** The reader's time zone (users.timezone), for daily figures. */
export async function readerTimeZone(ctx: ServiceContext, userId: number): Promise<string> {
  return (await rep.userTimeZone(ctx.sql, userId)) ?? 'UTC';
}

// --- Series for charts ---------------------------------------------------------------------------

export interface SeriesPoint {
  /** Bucket start (the period's start for a first bucket cut by it). */
  t: Date;
  availability: number | null;
  covered_seconds: number;
  down_seconds: number;
  maintenance_seconds: number;
  checks: number;
  avg_response_time: number | null;
  min_response_time: number | null;
  max_response_time: number | null;
  p95_response_time: number | null;
}

export interface Series {
  bucket_seconds: number;
  /** raw: buckets under an hour, from stored results; rollup: from the hourly rollups. */
  source: 'raw' | 'rollup';
  points: Map<number, SeriesPoint[]>;
}

interface Acc {
  time: TimeFigures;
  checks: number;
  rtSum: number;
  rtN: number;
  min: number | null;
  max: number | null;
  sketch: Record<string, number>;
  values: number[];
}
const newAcc = (): Acc => ({ time: zeroTime(), checks: 0, rtSum: 0, rtN: 0, min: null, max: null, sketch: {}, values: [] });

/**
 * Per-bucket figures of many projects over the period, 50-200 buckets (uptime.ts chartBucketMs):
 * buckets of an hour or more from the hourly rollups, shorter ones from the stored results (from the
 * rollups by the hour when those were cleaned up). P95 only when asked (it costs the sketches).
 */
export async function projectSeries(ctx: ServiceContext, projectIds: number[], period: Period, opts: { p95: boolean; bucketMs?: number }): Promise<Series> {
  const now = ctx.clock.now();
  const { from, to } = known(period, now);
  let bucketMs = opts.bucketMs ?? chartBucketMs(period);
  let source: 'raw' | 'rollup' = 'rollup';
  if (bucketMs < HOUR_MS) {
    const c = await rep.rawAndRollupCounts(ctx.sql, projectIds, new Date(from), new Date(Math.max(from, to)));
    if (c.raw >= c.rollup) source = 'raw';
    else bucketMs = HOUR_MS;
  }
  const accs = new Map<number, Map<number, Acc>>();
  const acc = (id: number, b: number) => {
    let m = accs.get(id);
    if (!m) accs.set(id, (m = new Map()));
    let a = m.get(b);
    if (!a) m.set(b, (a = newAcc()));
    return a;
  };
  const addPieces = (id: number, pieces: Piece[]) => {
    for (const p of pieces) {
      const f = Math.max(p.from, from);
      const t = Math.min(p.to, to);
      if (t <= f) continue;
      for (const { bucket, ms } of splitAtBuckets(f, t, bucketMs)) addPiece(acc(id, bucket).time, p.kind, ms / 1000);
    }
  };
  if (source === 'raw') {
    const open = new Map((await rep.openSpans(ctx.sql, projectIds)).map((o) => [o.project_id, o]));
    const raw = await rep.rawResults(ctx.sql, projectIds, new Date(from), new Date(Math.max(from, to)), 3600_000);
    for (let i = 0; i < raw.length; i++) {
      const r = raw[i]!;
      const next = raw[i + 1]?.project_id === r.project_id ? raw[i + 1] : undefined;
      const interval = open.get(r.project_id)?.check_interval ?? 300;
      const start = { at: r.checked_at, up: r.is_available, maintenance: r.in_maintenance };
      addPieces(r.project_id, next ? spanPieces(start, next.checked_at, interval) : openSpanPieces(start, now, interval));
      const t = r.checked_at.getTime();
      if (t < from || t >= to) continue;
      const a = acc(r.project_id, Math.floor(t / bucketMs) * bucketMs);
      a.checks++;
      if (r.response_time !== null) {
        a.rtSum += r.response_time;
        a.rtN++;
        a.min = a.min === null ? r.response_time : Math.min(a.min, r.response_time);
        a.max = a.max === null ? r.response_time : Math.max(a.max, r.response_time);
        if (opts.p95) a.values.push(r.response_time);
      }
    }
  } else {
    const [rows, open] = await Promise.all([
      rep.bucketedRollups(ctx.sql, projectIds, new Date(from), new Date(Math.max(from, to)), bucketMs, opts.p95),
      rep.openSpans(ctx.sql, projectIds),
    ]);
    for (const r of rows) {
      const a = acc(r.project_id, r.b);
      a.time.covered_seconds += r.covered_seconds;
      a.time.down_seconds += r.down_seconds;
      a.time.maintenance_seconds += r.maintenance_seconds;
      a.checks += r.checks;
      a.rtSum += r.rt_sum;
      a.rtN += r.rt_n;
      a.min = r.rt_min === null ? a.min : a.min === null ? r.rt_min : Math.min(a.min, r.rt_min);
      a.max = r.rt_max === null ? a.max : a.max === null ? r.rt_max : Math.max(a.max, r.rt_max);
      if (r.sketch) sketchMerge(a.sketch, r.sketch);
    }
    for (const o of open) addPieces(o.project_id, openPieces(o, now));
  }
  const buckets: number[] = [];
  for (let b = Math.floor(from / bucketMs) * bucketMs; b < to; b += bucketMs) buckets.push(b);
  const points = new Map<number, SeriesPoint[]>();
  for (const id of projectIds) {
    const m = accs.get(id);
    points.set(id, buckets.map((b) => pointOf(Math.max(b, from), m?.get(b) ?? newAcc(), source, opts.p95)));
  }
  return { bucket_seconds: bucketMs / 1000, source, points };
}

function pointOf(t: number, a: Acc, source: 'raw' | 'rollup', p95: boolean): SeriesPoint {
  let q: number | null = null;
  if (p95) {
    q = source === 'raw' ? exactQuantile(a.values, 0.95) : sketchQuantile(a.sketch, 0.95);
    if (q !== null && a.min !== null && a.max !== null) q = round(Math.min(a.max, Math.max(a.min, q)), 2);
  }
  return {
    t: new Date(t),
    availability: pct(availabilityOf(a.time)),
    covered_seconds: round(a.time.covered_seconds, 3),
    down_seconds: round(a.time.down_seconds, 3),
    maintenance_seconds: round(a.time.maintenance_seconds, 3),
    checks: a.checks,
    avg_response_time: a.rtN > 0 ? round(a.rtSum / a.rtN, 2) : null,
    min_response_time: a.min,
    max_response_time: a.max,
    p95_response_time: q,
  };
}

/** Sums the series of many projects into one (availability over their summed covered time). */
export function overallSeries(series: Series): { t: Date; availability: number | null; avg_response_time: number | null; checks: number }[] {
  const lists = [...series.points.values()];
  const first = lists[0];
  if (!first) return [];
  return first.map((p, i) => {
    let cov = 0;
    let down = 0;
    let checks = 0;
    let rtSum = 0;
    let rtN = 0;
    for (const l of lists) {
      const x = l[i]!;
      cov += x.covered_seconds;
      down += x.down_seconds;
      checks += x.checks;
      if (x.avg_response_time !== null) {
        rtSum += x.avg_response_time * x.checks;
        rtN += x.checks;
      }
    }
    return { t: p.t, availability: pct(availabilityOf({ covered_seconds: cov, down_seconds: down })), avg_response_time: rtN > 0 ? round(rtSum / rtN, 2) : null, checks };
  });
}

export interface DashboardSeries {
  bucket_seconds: number;
  source: 'raw' | 'rollup';
  buckets: Date[];
  overall: { availability: (number | null)[]; avg_response_time: (number | null)[]; checks: number[] };
  /** Each project's two series as JSON array text (`[99.95,100,null]`), by id. */
  projectTexts: Map<number, { availability: string; avg_response_time: string }>;
}

/**
 * Availability and average response time per bucket of many projects and overall, columnar. Buckets
 * of an hour or more take a lean path over the rollups (one row of arrays per project); shorter ones
 * are projectSeries's.
 */
/**
 * Days are closed once they ended this long ago (results for them are rare by then): the long charts
 * read closed UTC days packed (rep.readChartDays).
 */
const CLOSED_AFTER_MS = 10 * 60_000;
/**
 * A writer marks a day changed once it ended half that long ago: a build reads a day only after the
 * longer wait, so a write that began before the day was closed but commits after a build read it
 * would have to last over five minutes to leave the build's bytes standing.
 */
const MARK_AFTER_MS = CLOSED_AFTER_MS / 2;
/** Where the closed days end: the start of the first UTC day that is not closed at `now`. */
const closedDaysEnd = (now: number) => Math.floor((now - CLOSED_AFTER_MS) / DAY_MS) * DAY_MS;

/**
 * The (project, UTC day) pairs of changed rollup hours whose day a chart may have packed: closed, and
 * within the days packed at all (older history is never packed, so an import of it marks nothing).
 */
export function closedDaysTouched(hours: { project_id: number; bucket: Date }[], now: Date): { project_id: number; day: number }[] {
  const closedBefore = now.getTime() - MARK_AFTER_MS;
  const oldest = Math.floor(now.getTime() / DAY_MS) * DAY_MS - PACKED_DAYS[4] * DAY_MS;
  const seen = new Set<string>();
  const out: { project_id: number; day: number }[] = [];
  for (const h of hours) {
    const day = Math.floor(h.bucket.getTime() / DAY_MS) * DAY_MS;
    if (day + DAY_MS > closedBefore || day < oldest) continue;
    const key = `${h.project_id}|${day}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ project_id: h.project_id, day });
  }
  return out;
}

/**
 * A dashboard chart's sums per project and bucket (covered and down seconds, response-time sum and
 * count, checks), filled from every read of chartBuckets.
 */
class BucketSums {
  readonly cov: Float64Array;
  readonly dn: Float64Array;
  readonly rs: Float64Array;
  readonly rn: Float64Array;
  readonly ck: Float64Array;
  private readonly index: Map<number, number>;

  constructor(
    readonly projectIds: number[],
    /** The start of the first bucket (a multiple of bucketMs). */
    readonly first: number,
    readonly bucketMs: number,
    readonly n: number,
  ) {
    this.index = new Map(projectIds.map((id, i) => [id, i]));
    const size = projectIds.length * n;
    this.cov = new Float64Array(size);
    this.dn = new Float64Array(size);
    this.rs = new Float64Array(size);
    this.rn = new Float64Array(size);
    this.ck = new Float64Array(size);
  }

  /** The figures of the rollup reads: each placed by its bucket's time. */
  addRows(rows: rep.DashboardBucket[]): void {
    const { n, first, bucketMs } = this;
    for (const [projectId, b, cov, dn, rtSum, rtN, checks] of rows) {
      const k = Math.round((b - first) / bucketMs);
      if (k < 0 || k >= n) continue;
      this.add(this.index.get(projectId)! * n + k, cov, dn, rtSum, rtN, checks);
    }
  }

  /** A project's packed closed days from dayFrom at `level` (rep.readChartDays): big-endian float8. */
  addPacked(projectId: number, data: Buffer, level: rep.ChartLevel, dayFrom: number): void {
    const { n, first, bucketMs } = this;
    const base = this.index.get(projectId)! * n;
    const v = new DataView(data.buffer, data.byteOffset, data.length);
    const slotMs = level * HOUR_MS;
    const step = rep.CHART_SLOT_VALUES * 8;
    for (let j = 0, o = 0; o + step <= data.length; j++, o += step) {
      const k = Math.floor((dayFrom + j * slotMs - first) / bucketMs);
      if (k < 0 || k >= n) continue;
      this.add(base + k, v.getFloat64(o), v.getFloat64(o + 8), v.getFloat64(o + 16), v.getFloat64(o + 24), v.getFloat64(o + 32));
    }
  }

  /** Open spans (the time since each project's last result), as availability only. */
  addOpen(open: rep.OpenSpanRow[], now: Date, from: number, to: number): void {
    const { n, first, bucketMs } = this;
    for (const o of open) {
      const base = this.index.get(o.project_id)! * n;
      for (const p of openPieces(o, now)) {
        if (p.kind === 'maintenance' || p.kind === 'no_data') continue;
        const f = Math.max(p.from, from);
        const t = Math.min(p.to, to);
        if (t <= f) continue;
        for (const { bucket, ms } of splitAtBuckets(f, t, bucketMs)) {
          const k = Math.round((bucket - first) / bucketMs);
          this.cov[base + k] = this.cov[base + k]! + ms / 1000;
          if (p.kind === 'down') this.dn[base + k] = this.dn[base + k]! + ms / 1000;
        }
      }
    }
  }

  /** Another's sums of the same projects and buckets. */
  addSums(o: BucketSums): void {
    addInto(this.cov, o.cov);
    addInto(this.dn, o.dn);
    addInto(this.rs, o.rs);
    addInto(this.rn, o.rn);
    addInto(this.ck, o.ck);
  }

  /** Forgets a project's sums (before its changed days are added anew). */
  clear(projectId: number): void {
    const base = this.index.get(projectId)! * this.n;
    for (const a of [this.cov, this.dn, this.rs, this.rn, this.ck]) a.fill(0, base, base + this.n);
  }

  /** Checks per bucket, over every project. */
  checksPerBucket(): Float64Array {
    const out = new Float64Array(this.n);
    for (let i = 0; i < this.ck.length; i++) out[i % this.n] = out[i % this.n]! + this.ck[i]!;
    return out;
  }

  private add(x: number, cov: number, dn: number, rs: number, rn: number, checks: number): void {
    this.cov[x] = this.cov[x]! + cov;
    this.dn[x] = this.dn[x]! + dn;
    this.rs[x] = this.rs[x]! + rs;
    this.rn[x] = this.rn[x]! + rn;
    this.ck[x] = this.ck[x]! + checks;
  }
}

/** Days back from today that a chart reads packed, per level (the 30-day and 7-day dashboard charts, with their first bucket). */
const PACKED_DAYS: Record<rep.ChartLevel, number> = { 4: 31, 1: 8 };
/** Projects packed per statement by packClosedDays (30 days of 200 projects: about 1.4 MB of bytes). */
const PACK_CHUNK = 200;

/**
 * Packs the closed UTC days touching [from, to) that these projects lack, at both levels, within the
 * days a chart reads packed: after a history import commits (its days were marked changed), and each
 * hour for every active project (the day that closed, new projects), so a chart read seldom packs
 * anything itself. Returns how many days it packed.
 */
export async function packClosedDays(ctx: ServiceContext, projectIds: number[], from: number, to: number): Promise<number> {
  const now = ctx.clock.now().getTime();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  let packed = 0;
  for (const level of [4, 1] as const) {
    const dayFrom = Math.max(Math.floor(from / DAY_MS) * DAY_MS, today - PACKED_DAYS[level] * DAY_MS);
    const dayTo = Math.min(Math.ceil(to / DAY_MS) * DAY_MS, closedDaysEnd(now));
    if (dayTo <= dayFrom) continue;
    for (let i = 0; i < projectIds.length; i += PACK_CHUNK) packed += await rep.buildChartDays(ctx.sql, projectIds.slice(i, i + PACK_CHUNK), level, dayFrom, dayTo);
  }
  return packed;
}

/** The hourly job's part: every active project's closed days of the charts' window. */
export async function packRecentDays(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock.now().getTime();
  return packClosedDays(ctx, (await rep.activeProjects(ctx.sql)).map((p) => p.id), now - PACKED_DAYS[4] * DAY_MS, now);
}

/**
 * Per project, the bucket sums of [from, to). The first and last bucket (cut by from and to) come from
 * the hourly rollups; the middle, of buckets of whole hours, has its closed UTC days packed (chartDays:
 * 4-hour slots for buckets of a multiple of four hours, hourly ones otherwise) and the rest from the
 * 4-hour or the hourly rollups.
 */
async function chartBuckets(ctx: ServiceContext, sums: BucketSums, from: number, to: number): Promise<void> {
  if (to <= from) return;
  const { projectIds, first, bucketMs } = sums;
  const hourly = async (f: number, t: number) => {
    if (t > f) sums.addRows(await rep.dashboardBuckets(ctx.sql, projectIds, new Date(f), new Date(t), bucketMs));
  };
  const fourHourly = async (f: number, t: number) => {
    if (t > f) sums.addRows(await rep.dashboardBuckets4h(ctx.sql, projectIds, new Date(f), new Date(t), bucketMs));
  };
  const level: rep.ChartLevel | null = bucketMs % rep.FOUR_HOURS_MS === 0 ? 4 : bucketMs % HOUR_MS === 0 ? 1 : null;
  const middleFrom = first + bucketMs;
  const middleTo = Math.floor(to / bucketMs) * bucketMs;
  if (level === null || middleTo <= middleFrom) return hourly(from, to);
  const rest = level === 4 ? fourHourly : hourly;
  const dayFrom = Math.ceil(middleFrom / DAY_MS) * DAY_MS;
  const dayTo = Math.max(dayFrom, Math.min(Math.floor(middleTo / DAY_MS) * DAY_MS, closedDaysEnd(ctx.clock.now().getTime())));
  await Promise.all(
    dayTo > dayFrom
      ? [hourly(from, middleFrom), rest(middleFrom, dayFrom), chartDays(ctx, sums, level, dayFrom, dayTo), rest(dayTo, middleTo), hourly(middleTo, to)]
      : [hourly(from, middleFrom), rest(middleFrom, middleTo), hourly(middleTo, to)],
  );
}

/**
 * The closed days' sums of a chart as last read, per set of projects and bucket layout, in this
 * process: closed days seldom change, and reading them back costs 7 MB for 1,000 projects over 30
 * days. Each project's part is kept with its count of changes (chart_changes) read in the same
 * statement as its bytes, and only while all its days were built; a read asks for the counts of every
 * project and reads again the bytes of the projects whose count moved.
 */
interface ClosedDaySums {
  sums: BucketSums;
  /** Per project kept, its count of changes when read. */
  state: Map<number, number>;
}
/**
 * What a chart read keeps in this process, per database (tests run several in one process) and per
 * layout, at most `max` layouts (the oldest made goes first).
 */
function keptPerLayout<T>(max: number): (ctx: ServiceContext, key: string, make: () => T) => T {
  const byDatabase = new WeakMap<object, Map<string, T>>();
  return (ctx, key, make) => {
    let layouts = byDatabase.get(ctx.sql);
    if (!layouts) byDatabase.set(ctx.sql, (layouts = new Map()));
    let kept = layouts.get(key);
    if (kept === undefined) {
      kept = make();
      layouts.set(key, kept);
      while (layouts.size > max) layouts.delete(layouts.keys().next().value!);
    }
    return kept;
  };
}

/** Layouts kept (each 1,000 projects x 180 buckets is about 7 MB). */
const closedDaySumsFor = keptPerLayout<ClosedDaySums>(4);

/**
 * The closed days [dayFrom, dayTo) of every project from chart_days: the days a project lacks (never
 * read, or marked changed by a late write) are built first; should a write mark one again before it
 * is read back, that project's days come from rollups_4h this once.
 */
async function chartDays(ctx: ServiceContext, sums: BucketSums, level: rep.ChartLevel, dayFrom: number, dayTo: number): Promise<void> {
  const { projectIds, first, bucketMs, n } = sums;
  const days = (dayTo - dayFrom) / DAY_MS;
  const key = `${level}:${bucketMs}:${first}:${n}:${dayFrom}:${dayTo}:${createHash('sha256').update(projectIds.join(',')).digest('base64url')}`;
  const { sums: part, state } = closedDaySumsFor(ctx, key, () => ({ sums: new BucketSums(projectIds, first, bucketMs, n), state: new Map() }));
  const complete = (r: { built: number }) => r.built === days;
  let moved = projectIds;
  if (state.size > 0) {
    const changes = new Map((await rep.chartChanges(ctx.sql, projectIds)).map((r) => [r.project_id, r.changes]));
    moved = projectIds.filter((id) => state.get(id) === undefined || state.get(id) !== (changes.get(id) ?? 0));
  }
  if (moved.length === 0) {
    sums.addSums(part);
    return;
  }
  const add = (rows: rep.ChartDaysRow[]) => {
    const done = new Set<number>();
    for (const r of rows) {
      if (!complete(r) || r.data === null || r.data.length !== days * rep.chartDayBytes(level)) continue;
      part.clear(r.project_id);
      part.addPacked(r.project_id, r.data, level, dayFrom);
      state.set(r.project_id, r.changes);
      done.add(r.project_id);
    }
    return done;
  };
  const done = add(await rep.readChartDays(ctx.sql, moved, level, dayFrom, dayTo));
  const missing = moved.filter((id) => !done.has(id));
  if (missing.length > 0) {
    await rep.buildChartDays(ctx.sql, missing, level, dayFrom, dayTo);
    const built = add(await rep.readChartDays(ctx.sql, missing, level, dayFrom, dayTo));
    const still = missing.filter((id) => !built.has(id));
    for (const id of still) {
      part.clear(id);
      state.delete(id);
    }
    if (still.length > 0) {
      const read = level === 4 ? rep.dashboardBuckets4h : rep.dashboardBuckets;
      part.addRows(await read(ctx.sql, still, new Date(dayFrom), new Date(dayTo), bucketMs));
    }
  }
  sums.addSums(part);
}

export async function dashboardSeries(ctx: ServiceContext, projectIds: number[], period: Period, opts: { perProject: boolean } = { perProject: true }): Promise<DashboardSeries> {
  const bucketMs = chartBucketMs(period);
  if (bucketMs < HOUR_MS) {
    const s = await projectSeries(ctx, projectIds, period, { p95: false });
    const overall = overallSeries(s);
    return {
      bucket_seconds: s.bucket_seconds,
      source: s.source,
      buckets: overall.map((p) => p.t),
      overall: { availability: overall.map((p) => p.availability), avg_response_time: overall.map((p) => p.avg_response_time), checks: overall.map((p) => p.checks) },
      projectTexts: new Map(
        [...(opts.perProject ? s.points : [])].map(([id, pts]) => [id, { availability: JSON.stringify(pts.map((p) => p.availability)), avg_response_time: JSON.stringify(pts.map((p) => p.avg_response_time)) }]),
      ),
    };
  }
  const now = ctx.clock.now();
  const { from, to } = known(period, now);
  const first = Math.floor(from / bucketMs) * bucketMs;
  const n = Math.max(0, Math.ceil((to - first) / bucketMs));
  const sums = new BucketSums(projectIds, first, bucketMs, n);
  const [, open] = await Promise.all([chartBuckets(ctx, sums, from, to), rep.openSpans(ctx.sql, projectIds)]);
  sums.addOpen(open, now, from, to);
  const { cov, dn, rs, rn } = sums;
  const checks = sums.checksPerBucket();
  const oCov = new Float64Array(n);
  const oDn = new Float64Array(n);
  const oRs = new Float64Array(n);
  const oRn = new Float64Array(n);
  for (let i = 0; i < projectIds.length; i++) {
    for (let k = 0, x = i * n; k < n; k++, x++) {
      oCov[k] = oCov[k]! + cov[x]!;
      oDn[k] = oDn[k]! + dn[x]!;
      oRs[k] = oRs[k]! + rs[x]!;
      oRn[k] = oRn[k]! + rn[x]!;
    }
  }
  const projectTexts = new Map<number, { availability: string; avg_response_time: string }>();
  if (opts.perProject) {
    const texts = seriesTextsFor(ctx, `${bucketMs}:${n}`, () => new SeriesTexts(n));
    projectIds.forEach((id, i) => projectTexts.set(id, texts.text(id, sums, i)));
    texts.done();
  }
  const buckets: Date[] = [];
  const overall = { availability: [] as (number | null)[], avg_response_time: [] as (number | null)[], checks: [] as number[] };
  for (let k = 0; k < n; k++) {
    buckets.push(new Date(Math.max(first + k * bucketMs, from)));
    overall.availability.push(pct(availabilityOfSeconds(oCov[k]!, oDn[k]!)));
    overall.avg_response_time.push(oRn[k]! > 0 ? round(oRs[k]! / oRn[k]!, 2) : null);
    overall.checks.push(checks[k]!);
  }
  return { bucket_seconds: bucketMs / 1000, source: 'rollup', buckets, overall, projectTexts };
}

/**
 * A project's figures at x of the sums, NaN for "no figure" (JSON's null): the numbers pct() and
 * round(.., 2) give.
 */
function availabilityAt(s: BucketSums, x: number): number {
  const a = availabilityOfSeconds(s.cov[x]!, s.dn[x]!);
  return a === null ? NaN : Math.round(a * 1e4) / 1e4;
}
const averageAt = (s: BucketSums, x: number) => (s.rn[x]! > 0 ? Math.round((s.rs[x]! / s.rn[x]!) * 100) / 100 : NaN);

/** a += b, element by element. */
function addInto(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] = a[i]! + b[i]!;
}

/** A series' last buckets, which move between reads (the open bucket, today's): written every time. */
const MOVING_TAIL = 2;

/**
 * The JSON text of each project's chart series as last written, per database and bucket layout.
 * Writing 360,000 numbers for 1,000 projects was a fifth of a read's CPU, and from one read to the
 * next only the last buckets move: a series whose leading figures (all but MOVING_TAIL) are the same
 * numbers as last time keeps their text. The figures are compared, not assumed unchanged, so a late
 * result that moves a closed day's figure is written anew.
 */
class SeriesTexts {
  private kept = new Map<number, { avail: Float64Array; avg: Float64Array; availText: string; avgText: string }>();
  private next = new Map<number, { avail: Float64Array; avg: Float64Array; availText: string; avgText: string }>();
  private readonly availNow: Float64Array;
  private readonly avgNow: Float64Array;

  constructor(private readonly n: number) {
    this.availNow = new Float64Array(n);
    this.avgNow = new Float64Array(n);
  }

  /** Project i of the sums: its two series' text. */
  text(id: number, sums: BucketSums, i: number): { availability: string; avg_response_time: string } {
    const { n, availNow, avgNow } = this;
    const lead = Math.max(0, n - MOVING_TAIL);
    for (let k = 0, x = i * n; k < n; k++, x++) {
      availNow[k] = availabilityAt(sums, x);
      avgNow[k] = averageAt(sums, x);
    }
    let e = this.kept.get(id);
    if (!e || !sameFigures(e.avail, availNow, lead) || !sameFigures(e.avg, avgNow, lead)) {
      const avail = availNow.slice(0, lead);
      const avg = avgNow.slice(0, lead);
      e = { avail, avg, availText: figuresText(avail, 0, lead), avgText: figuresText(avg, 0, lead) };
    }
    this.next.set(id, e);
    return { availability: arrayText(e.availText, figuresText(availNow, lead, n)), avg_response_time: arrayText(e.avgText, figuresText(avgNow, lead, n)) };
  }

  /** Keeps what this read wrote: projects gone since drop out. */
  done(): void {
    this.kept = this.next;
    this.next = new Map();
  }
}

/** Whether the first n figures are the same numbers (NaN, no figure, equal to NaN). */
function sameFigures(a: Float64Array, b: Float64Array, n: number): boolean {
  for (let k = 0; k < n; k++) {
    const x = a[k]!;
    const y = b[k]!;
    if (x !== y && (x === x || y === y)) return false;
  }
  return true;
}

/** A JSON array of two runs of elements (either may be empty). */
const arrayText = (head: string, tail: string) => `[${head}${head && tail ? ',' : ''}${tail}]`;

/** Figures [from, to) as the inside of a JSON array (JSON.stringify writes NaN in an array as null). */
const figuresText = (f: Float64Array, from: number, to: number): string => JSON.stringify(Array.from(f.subarray(from, to))).slice(1, -1);

/** Per bucket layout: the 7d and 30d charts' two and one spare. */
const seriesTextsFor = keptPerLayout<SeriesTexts>(3);

