import * as rep from '../repositories/reports.ts';
import {
  availabilityOf,
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
  const now = ctx.clock.now();
  const { from, to } = known(period, now);
  const out = new Map<number, Availability>();
  if (projectIds.length === 0) return out;
  const windowSeconds = Math.max(0, (to - from) / 1000);
  const [totals, open] = await Promise.all([
    to > from ? rep.timeTotals(ctx.sql, projectIds, new Date(from), new Date(to)) : Promise.resolve([]),
    rep.openSpans(ctx.sql, projectIds),
  ]);
  const byProject = new Map(totals.map((t) => [t.project_id, t]));
  const openBy = new Map(open.map((o) => [o.project_id, o]));
  for (const id of projectIds) {
    const t = byProject.get(id);
    let f: TimeFigures = t ? { covered_seconds: t.covered_seconds, down_seconds: t.down_seconds, maintenance_seconds: t.maintenance_seconds, no_data_seconds: t.no_data_seconds } : { covered_seconds: 0, down_seconds: 0, maintenance_seconds: 0, no_data_seconds: 0 };
    const o = openBy.get(id);
    if (o) f = sumTime(f, piecesIn(openPieces(o, now), from, to));
    out.set(id, availabilityFrom(withNoData(f, windowSeconds)));
  }
  return out;
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
  const [rows, open, incidents] = await Promise.all([
    rep.hourlyRows(ctx.sql, projectId, new Date(from), new Date(to)),
    rep.openSpans(ctx.sql, [projectId]),
    rep.incidentsOverlapping(ctx.sql, projectId, new Date(from), new Date(to)),
  ]);
  const hours = rows.map(toHourRow);
  const state = open[0];
  const dataEnd = state?.last_checked_at?.getTime() ?? null;
  const pieces = state ? openPieces(state, now) : [];
  const days = localDays({ from: new Date(from), to: new Date(to) }, timeZone);
  let h = 0;
  return days.map((day) => {
    let f = sumTime(timeOfRows(hours, dataEnd, day.from, day.to), piecesIn(pieces, day.from, day.to));
    f = withNoData(f, (day.to - day.from) / 1000);
    let checks = 0;
    let rtSum = 0;
    let rtN = 0;
    while (h < hours.length && Math.max(hours[h]!.bucket, from) < day.to) {
      checks += hours[h]!.checks;
      rtSum += hours[h]!.rt_sum;
      rtN += hours[h]!.rt_n;
      h++;
    }
    return {
      date: day.date,
      availability: pct(availabilityOf(f)),
      downtime_minutes: minutes(f.down_seconds),
      maintenance_minutes: minutes(f.maintenance_seconds),
      no_data_minutes: minutes(f.no_data_seconds),
      avg_response_time: rtN > 0 ? round(rtSum / rtN, 2) : null,
      checks,
      incident_count: incidents.filter((i) => i.started_at.getTime() >= day.from && i.started_at.getTime() < day.to).length,
    };
  });
}

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
 * Response times over the period: from the raw results while all of them are stored (P95 by nearest
 * rank), else from the hourly rollups (P95 from the merged sketch, within 2%).
 */
export async function responseTimeFigures(ctx: ServiceContext, projectId: number, period: Period): Promise<ResponseTimeFigures> {
  const now = ctx.clock.now();
  const { from, to } = known(period, now);
  const f = new Date(from);
  const t = new Date(Math.max(from, to));
  const [rollup, raw] = await Promise.all([rep.rollupResponseTimes(ctx.sql, projectId, f, t), rep.rawResultCount(ctx.sql, projectId, f, t)]);
  if (raw >= rollup.checks) {
    const r = await rep.rawResponseTimes(ctx.sql, projectId, f, t);
    return { avg: r.avg === null ? null : round(r.avg, 2), min: r.min, max: r.max, p95: r.p95, source: 'raw' };
  }
  return rollupTimes(rollup);
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
