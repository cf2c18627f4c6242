import { invalid } from '../errors.ts';

// The one definition of uptime (issue 19), as pure functions. Every figure shown (reports, status
// page, badges, charts, mobile) comes from these, over the rollups or over raw results.
//
// - Each HTTP result covers the time from its check until the next result of the project, at most
//   one check interval; the rest of a longer gap is "no data".
// - A span counts as maintenance when its result was recorded in maintenance, else as covered time;
//   covered time of a failed result is downtime. Availability = 100 x (1 - down / covered).
// - An incident is a run of at least alert_threshold failed results, from the first failure to the
//   first success after it. A shorter run is downtime, not an incident.

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const MAX_PERIOD_DAYS = 400;

/** Time figures in seconds. `covered` includes `down`; maintenance and no data are outside it. */
export interface TimeFigures {
  covered_seconds: number;
  down_seconds: number;
  maintenance_seconds: number;
  no_data_seconds: number;
}

export const zeroTime = (): TimeFigures => ({ covered_seconds: 0, down_seconds: 0, maintenance_seconds: 0, no_data_seconds: 0 });

/** Availability in percent over covered time; null when nothing was covered. */
export function availabilityOf(f: Pick<TimeFigures, 'covered_seconds' | 'down_seconds'>): number | null {
  return availabilityOfSeconds(f.covered_seconds, f.down_seconds);
}

/** availabilityOf for two numbers (the charts' loops over typed arrays). */
export function availabilityOfSeconds(covered: number, down: number): number | null {
  if (covered <= 0) return null;
  return 100 * (1 - Math.min(down, covered) / covered);
}

/** What a result contributes to the time figures: its availability and whether it was in maintenance. */
export interface SpanStart {
  at: Date;
  up: boolean;
  maintenance: boolean;
}

export type PieceKind = 'up' | 'down' | 'maintenance' | 'no_data';
export interface Piece {
  from: number;
  to: number;
  kind: PieceKind;
}

/**
 * The time a result stands for, closed by the next result at `nextAt`: its own kind up to one check
 * interval, then no data for the rest of the gap.
 */
export function spanPieces(start: SpanStart, nextAt: Date, intervalSeconds: number): Piece[] {
  const from = start.at.getTime();
  const to = nextAt.getTime();
  if (to <= from) return [];
  const capEnd = Math.min(to, from + intervalSeconds * 1000);
  const kind: PieceKind = start.maintenance ? 'maintenance' : start.up ? 'up' : 'down';
  const pieces: Piece[] = [{ from, to: capEnd, kind }];
  if (to > capEnd) pieces.push({ from: capEnd, to, kind: 'no_data' });
  return pieces;
}

/** The still-open span of the last result, up to `now` (no data after one interval is not stored). */
export function openSpanPieces(start: SpanStart | null, now: Date, intervalSeconds: number): Piece[] {
  if (!start) return [];
  const from = start.at.getTime();
  const to = Math.min(now.getTime(), from + intervalSeconds * 1000);
  if (to <= from) return [];
  return [{ from, to, kind: start.maintenance ? 'maintenance' : start.up ? 'up' : 'down' }];
}

export function addPiece(f: TimeFigures, kind: PieceKind, seconds: number): void {
  if (kind === 'no_data') f.no_data_seconds += seconds;
  else if (kind === 'maintenance') f.maintenance_seconds += seconds;
  else {
    f.covered_seconds += seconds;
    if (kind === 'down') f.down_seconds += seconds;
  }
}

/** Splits [from, to) at multiples of `bucketMs` (hours, UTC days): each bucket's start and its milliseconds. */
export function splitAtBuckets(from: number, to: number, bucketMs: number): { bucket: number; ms: number }[] {
  const out: { bucket: number; ms: number }[] = [];
  let t = from;
  while (t < to) {
    const bucket = Math.floor(t / bucketMs) * bucketMs;
    const end = Math.min(to, bucket + bucketMs);
    out.push({ bucket, ms: end - t });
    t = end;
  }
  return out;
}

/** Time figures of pieces clipped to [from, to). */
export function piecesIn(pieces: Piece[], from: number, to: number): TimeFigures {
  const f = zeroTime();
  for (const p of pieces) {
    const ms = Math.min(p.to, to) - Math.max(p.from, from);
    if (ms > 0) addPiece(f, p.kind, ms / 1000);
  }
  return f;
}

/** Time figures of a run of results in order (raw results), each closed by the next; the last one by `end`. */
export function figuresOfResults(results: SpanStart[], intervalSeconds: number, from: number, to: number, end: Date): TimeFigures {
  const pieces: Piece[] = [];
  for (let i = 0; i < results.length; i++) {
    const next = results[i + 1];
    pieces.push(...(next ? spanPieces(results[i]!, next.at, intervalSeconds) : openSpanPieces(results[i]!, end, intervalSeconds)));
  }
  return withNoData(piecesIn(pieces, from, to), (Math.min(to, end.getTime()) - from) / 1000);
}

/**
 * What is shown as no data: the part of the window (up to now) that no result covers, which also
 * takes in the time before the first result and after the last one's interval.
 */
export function withNoData(f: TimeFigures, windowSeconds: number): TimeFigures {
  return { ...f, no_data_seconds: Math.max(0, windowSeconds - f.covered_seconds - f.maintenance_seconds) };
}

// --- Incidents -------------------------------------------------------------------------------

export interface IncidentRun {
  started_at: Date;
  ended_at: Date | null;
  first_error: string | null;
  failures: number;
}

/** Runs of at least `threshold` failed results, in order: each ends at the first success after it. */
export function incidentRuns(results: { at: Date; up: boolean; error: string | null }[], threshold: number): IncidentRun[] {
  const runs: IncidentRun[] = [];
  let run: IncidentRun | null = null;
  for (const r of results) {
    if (!r.up) {
      if (!run) run = { started_at: r.at, ended_at: null, first_error: r.error, failures: 0 };
      run.failures++;
    } else if (run) {
      if (run.failures >= threshold) runs.push({ ...run, ended_at: r.at });
      run = null;
    }
  }
  if (run && run.failures >= threshold) runs.push(run);
  return runs;
}

// --- Periods -----------------------------------------------------------------------------------

export const rollingPeriods = { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS, '90d': 90 * DAY_MS } as const;
export type RollingPeriod = keyof typeof rollingPeriods;

export interface Period {
  from: Date;
  to: Date;
}

/**
 * A rolling period ending now, or from/to (both or neither; to defaults to now). Bad input is a
 * validation error naming the field: from after to, a range over 400 days, or to in the future.
 */
export function resolvePeriod(q: { period?: string | undefined; from?: Date | undefined; to?: Date | undefined }, now: Date, fallback: RollingPeriod = '30d'): Period {
  if (q.from || q.to) {
    if (q.period !== undefined) throw invalid('period', 'give either period or from/to, not both');
    if (!q.from) throw invalid('from', 'required with to');
    const to = q.to ?? now;
    if (q.from.getTime() >= to.getTime()) throw invalid('from', 'must be before to');
    if (to.getTime() - q.from.getTime() > MAX_PERIOD_DAYS * DAY_MS) throw invalid('to', `the range must be at most ${MAX_PERIOD_DAYS} days`);
    return { from: q.from, to: to.getTime() > now.getTime() ? now : to };
  }
  const name = (q.period ?? fallback) as RollingPeriod;
  const ms = rollingPeriods[name];
  if (ms === undefined) throw invalid('period', `must be one of ${Object.keys(rollingPeriods).join(', ')}`);
  return { from: new Date(now.getTime() - ms), to: now };
}

/**
 * A bucket size giving 50-200 points over the period: 15-30 minutes (from raw results, which are
 * kept for days), whole hours or whole days (from the rollups).
 */
export function chartBucketMs(period: Period): number {
  const span = period.to.getTime() - period.from.getTime();
  const steps = [15 * 60_000, 20 * 60_000, 30 * 60_000, HOUR_MS, 2 * HOUR_MS, 3 * HOUR_MS, 4 * HOUR_MS, 6 * HOUR_MS, 8 * HOUR_MS, 12 * HOUR_MS, DAY_MS, 2 * DAY_MS, 3 * DAY_MS, 4 * DAY_MS];
  for (const s of steps) if (span / s <= 200) return s;
  return 4 * DAY_MS;
}

// --- Time zones --------------------------------------------------------------------------------

const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(timeZone: string): Intl.DateTimeFormat {
  let f = dateFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    dateFormats.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(tz: string): boolean {
  try {
    dateFormat(tz);
    return true;
  } catch {
    return false;
  }
}

function zonedParts(ms: number, timeZone: string): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const parts = Object.fromEntries(dateFormat(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { y: Number(parts['year']), m: Number(parts['month']), d: Number(parts['day']), h: Number(parts['hour']), min: Number(parts['minute']), s: Number(parts['second']) };
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

/** The instant a calendar date begins in a time zone (DST-safe: the first instant whose local date is it). */
export function zonedDayStart(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const p = zonedParts(guess, timeZone);
    const offset = Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s) - guess;
    guess = wall - offset;
  }
  return guess;
}

/** The calendar days of a time zone that [from, to) touches, each with its instant window clipped to the period. */
export function localDays(period: Period, timeZone: string): { date: string; from: number; to: number }[] {
  const out: { date: string; from: number; to: number }[] = [];
  const end = period.to.getTime();
  let date = localDate(period.from.getTime(), timeZone);
  for (let guard = 0; guard < MAX_PERIOD_DAYS + 3; guard++) {
    const start = zonedDayStart(date, timeZone);
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const nextDate = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
    const next = zonedDayStart(nextDate, timeZone);
    const from = Math.max(start, period.from.getTime());
    const to = Math.min(next, end);
    if (from >= end) break;
    if (to > from) out.push({ date, from, to });
    date = nextDate;
  }
  return out;
}

// --- Rollup rows -------------------------------------------------------------------------------

/** One hourly rollup row as the read model uses it. */
export interface HourRow extends TimeFigures {
  bucket: number;
  checks: number;
  up_checks: number;
  rt_sum: number;
  rt_n: number;
  rt_min: number | null;
  rt_max: number | null;
  sketch: Sketch;
}

/**
 * The share of an hourly row inside [from, to). The row holds time only up to the last recorded
 * result (`dataEnd`), so it is prorated over [bucket, min(bucket + 1h, dataEnd)): a window that
 * ends now takes the current hour whole, and only a cut inside recorded time is prorated.
 */
export function rowShare(bucket: number, dataEnd: number | null, from: number, to: number): number {
  const end = Math.min(bucket + HOUR_MS, Math.max(dataEnd ?? bucket + HOUR_MS, bucket + 1));
  const ms = Math.min(end, to) - Math.max(bucket, from);
  if (ms <= 0) return 0;
  return Math.min(1, ms / (end - bucket));
}

/** Time figures of hourly rows inside [from, to), edges prorated (rowShare). */
export function timeOfRows(rows: HourRow[], dataEnd: number | null, from: number, to: number): TimeFigures {
  const f = zeroTime();
  for (const r of rows) {
    const share = rowShare(r.bucket, dataEnd, from, to);
    if (share <= 0) continue;
    f.covered_seconds += r.covered_seconds * share;
    f.down_seconds += r.down_seconds * share;
    f.maintenance_seconds += r.maintenance_seconds * share;
    f.no_data_seconds += r.no_data_seconds * share;
  }
  return f;
}

export function sumTime(a: TimeFigures, b: TimeFigures): TimeFigures {
  return {
    covered_seconds: a.covered_seconds + b.covered_seconds,
    down_seconds: a.down_seconds + b.down_seconds,
    maintenance_seconds: a.maintenance_seconds + b.maintenance_seconds,
    no_data_seconds: a.no_data_seconds + b.no_data_seconds,
  };
}

// --- Response-time sketch (DDSketch manner) ----------------------------------------------------

/** Relative accuracy of the sketch: every quantile is within 2% of the true value at its rank. */
export const SKETCH_ALPHA = 0.02;
const GAMMA = (1 + SKETCH_ALPHA) / (1 - SKETCH_ALPHA);
const LN_GAMMA = Math.log(GAMMA);
/** Values below this (ms) share one bucket. */
const SKETCH_MIN = 0.01;

/** Bucket index -> count. Mergeable by adding counts (pym_sketch_merge in SQL). */
export type Sketch = Record<string, number>;

export function sketchKey(ms: number): number {
  return Math.ceil(Math.log(Math.max(ms, SKETCH_MIN)) / LN_GAMMA);
}

export function sketchAdd(s: Sketch, ms: number, n = 1): Sketch {
  const k = String(sketchKey(ms));
  s[k] = (s[k] ?? 0) + n;
  return s;
}

export function sketchMerge(into: Sketch, other: Sketch): Sketch {
  for (const [k, n] of Object.entries(other)) into[k] = (into[k] ?? 0) + n;
  return into;
}

/**
 * The value at rank ceil(q x n) (nearest rank, as percentile_disc), within SKETCH_ALPHA of the
 * true value; null for an empty sketch.
 */
export function sketchQuantile(s: Sketch, q: number): number | null {
  const keys = Object.keys(s).map(Number).sort((a, b) => a - b);
  let n = 0;
  for (const k of keys) n += s[String(k)] ?? 0;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (const k of keys) {
    seen += s[String(k)] ?? 0;
    if (seen >= rank) return (2 * Math.pow(GAMMA, k)) / (GAMMA + 1);
  }
  return null;
}

/** Nearest-rank quantile of raw values (what the sketch approximates). */
export function exactQuantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}
