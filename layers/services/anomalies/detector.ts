// Anomaly detection (spec 8.2), a pure function of hourly figures. Robust statistics (median and MAD)
// over a baseline that leaves incident hours out, compared hour of day with hour of day when the
// baseline holds enough days; bench/anomalies measures it against a plain mean/stddev z-score.

export const anomalyTypes = ['response_time_spike', 'availability_drop', 'error_rate_increase', 'pattern_change'] as const;
export type AnomalyType = (typeof anomalyTypes)[number];
export const anomalySeverities = ['info', 'warning', 'critical'] as const;
export type AnomalySeverity = (typeof anomalySeverities)[number];

/** One hour of one project's results (a rollup row). */
export interface HourBucket {
  /** Start of the hour, epoch ms (UTC, hour-aligned). */
  start: number;
  checks: number;
  failures: number;
  /** Sum and count of the response times recorded in the hour. */
  rtSum: number;
  rtN: number;
  /** Time-based availability of the hour (the one definition of uptime), when the rollup has it. */
  coveredSeconds?: number;
  downSeconds?: number;
}

/** Availability in percent over some hours: by time when the rollups carry it, else by checks. */
function availabilityOf(buckets: HourBucket[]): number {
  const covered = buckets.reduce((s, b) => s + (b.coveredSeconds ?? 0), 0);
  if (covered > 0) return 100 * (1 - buckets.reduce((s, b) => s + (b.downSeconds ?? 0), 0) / covered);
  const checks = buckets.reduce((s, b) => s + b.checks, 0);
  return checks === 0 ? 100 : 100 * (1 - buckets.reduce((s, b) => s + b.failures, 0) / checks);
}

/** An incident: [start, end), end null while it is still open. */
export interface Interval {
  start: number;
  end: number | null;
}

export interface DetectInput {
  /** The hours under analysis, oldest first. */
  analysis: HourBucket[];
  /** The hours before them, oldest first. */
  baseline: HourBucket[];
  incidents: Interval[];
  /** Deviation (in robust standard deviations) that counts as anomalous: 0.5-10, default 2. */
  sensitivity: number;
  /** When the detection runs (epoch ms), for `detected_at`. */
  now: number;
}

export interface Anomaly {
  type: AnomalyType;
  severity: AnomalySeverity;
  message: string;
  /** What the analysis window measured: ms for response time, percent for availability and error rate. */
  value: number;
  /** What the baseline expected, in the same unit. */
  baseline: number;
  /** How far off, in robust standard deviations (response time) or binomial standard errors (failures). */
  deviation: number;
  detected_at: string;
  /** Start of the hour the anomaly is about (epoch ms): with the type, what makes it the same anomaly. */
  hour: number;
}

const HOUR_MS = 3_600_000;
/** Fewer usable baseline hours than this and there is no verdict. */
export const MIN_BASELINE_HOURS = 12;
/** Hour-of-day comparison needs at least this many samples of each analysed hour of day. */
const MIN_SAME_HOUR_SAMPLES = 3;
/** A response-time change must be at least this large in relative terms, and in ms, to matter. */
const MIN_RT_RATIO = 1.2;
const MIN_RT_DELTA_MS = 10;
/** A sustained shift: this many recent hours, most of them off in the same direction. */
const PATTERN_HOURS = 6;
const PATTERN_AGREEMENT = 0.8;
/** Failures: at least this many in the window and this much above the baseline rate. */
const MIN_FAILURES = 3;
const MIN_RATE_EXCESS = 0.01;
const MIN_BASE_FAILURE_RATE = 0.001;

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** P(Z >= z) of a standard normal (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
export function normalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** P(X >= k) for X ~ Binomial(n, p), summed exactly in log space (small counts are far from normal). */
export function binomialTail(n: number, p: number, k: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  const logOdds = Math.log(p) - Math.log1p(-p);
  let logPmf = n * Math.log1p(-p);
  for (let i = 0; i < k; i++) logPmf += Math.log((n - i) / (i + 1)) + logOdds;
  let tail = 0;
  for (let i = k; i <= n; i++) {
    const term = Math.exp(logPmf);
    tail += term;
    if (i > n * p && term < tail * 1e-12) break;
    logPmf += Math.log((n - i) / (i + 1)) + logOdds;
  }
  return Math.min(1, tail);
}

const hourOfDay = (ms: number) => Math.floor(ms / HOUR_MS) % 24;
const overlaps = (b: HourBucket, i: Interval) => i.start < b.start + HOUR_MS && (i.end === null || i.end > b.start);
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
const meanRt = (b: HourBucket) => b.rtSum / b.rtN;

/** What the baseline expects of an hour's mean response time, and its robust spread. */
interface RtModel {
  expected(start: number): number;
  scale: number;
  byHourOfDay: boolean;
}

function responseTimeModel(baseline: HourBucket[], analysisHours: number[]): RtModel | undefined {
  const usable = baseline.filter((b) => b.rtN > 0);
  if (usable.length < MIN_BASELINE_HOURS) return undefined;
  const byHour = new Map<number, number[]>();
  for (const b of usable) {
    const h = hourOfDay(b.start);
    const list = byHour.get(h) ?? [];
    list.push(meanRt(b));
    byHour.set(h, list);
  }
  const byHourOfDay = analysisHours.every((h) => (byHour.get(hourOfDay(h))?.length ?? 0) >= MIN_SAME_HOUR_SAMPLES);
  const overall = median(usable.map(meanRt));
  const profile = new Map<number, number>();
  if (byHourOfDay) for (const [h, list] of byHour) if (list.length >= MIN_SAME_HOUR_SAMPLES) profile.set(h, median(list));
  const expected = (start: number) => profile.get(hourOfDay(start)) ?? overall;
  const residuals = usable.map((b) => meanRt(b) - expected(b.start));
  const center = median(residuals);
  const mad = median(residuals.map((r) => Math.abs(r - center)));
  // A perfectly steady baseline has no spread: a floor keeps the deviation finite and meaningful.
  const scale = Math.max(1.4826 * mad, 0.02 * overall, 1);
  return { expected, scale, byHourOfDay };
}

function rtSeverity(ratio: number): AnomalySeverity {
  if (ratio >= 3) return 'critical';
  if (ratio >= 1.5) return 'warning';
  return 'info';
}

function detectResponseTime(input: DetectInput, clean: HourBucket[]): Anomaly[] {
  const analysed = input.analysis.filter((b) => b.rtN > 0);
  if (analysed.length === 0) return [];
  const model = responseTimeModel(clean, analysed.map((b) => b.start));
  if (!model) return [];
  const detectedAt = new Date(input.now).toISOString();
  const like = model.byHourOfDay ? 'the same hours of past days' : 'the baseline';

  // A sustained shift over the most recent hours is a pattern change, whichever way it goes.
  const recent = [...input.baseline, ...input.analysis].filter((b) => b.rtN > 0).slice(-Math.max(PATTERN_HOURS, analysed.length));
  if (recent.length >= PATTERN_HOURS && recent.some((b) => input.analysis.includes(b))) {
    const z = recent.map((b) => (meanRt(b) - model.expected(b.start)) / model.scale);
    const mz = median(z);
    const agree = z.filter((v) => Math.sign(v) === Math.sign(mz) && Math.abs(v) >= input.sensitivity / 2).length / z.length;
    const value = median(recent.map(meanRt));
    const expected = median(recent.map((b) => model.expected(b.start)));
    const ratio = value / expected;
    const practical = Math.abs(value - expected) >= MIN_RT_DELTA_MS && (ratio >= MIN_RT_RATIO || ratio <= 1 / MIN_RT_RATIO);
    if (Math.abs(mz) >= input.sensitivity && agree >= PATTERN_AGREEMENT && practical) {
      const last = recent[recent.length - 1]!;
      return [{
        type: 'pattern_change',
        severity: ratio >= 2 || ratio <= 0.5 ? 'warning' : 'info',
        message: `Response time has been ${ratio > 1 ? 'higher' : 'lower'} than ${like} for ${recent.length} hours: ${round(value, 0)} ms against ${round(expected, 0)} ms`,
        value: round(value),
        baseline: round(expected),
        deviation: round(mz),
        detected_at: detectedAt,
        hour: last.start,
      }];
    }
  }

  let worst: { b: HourBucket; z: number; value: number; expected: number } | undefined;
  for (const b of analysed) {
    const value = meanRt(b);
    const expected = model.expected(b.start);
    const z = (value - expected) / model.scale;
    if (!worst || z > worst.z) worst = { b, z, value, expected };
  }
  if (!worst) return [];
  const ratio = worst.value / worst.expected;
  if (worst.z < input.sensitivity || ratio < MIN_RT_RATIO || worst.value - worst.expected < MIN_RT_DELTA_MS) return [];
  return [{
    type: 'response_time_spike',
    severity: rtSeverity(ratio),
    message: `Response time ${round(worst.value, 0)} ms is ${round(ratio, 1)}x ${like} (${round(worst.expected, 0)} ms)`,
    value: round(worst.value),
    baseline: round(worst.expected),
    deviation: round(worst.z),
    detected_at: detectedAt,
    hour: worst.b.start,
  }];
}

function detectFailures(input: DetectInput, clean: HourBucket[]): Anomaly[] {
  const baseChecks = clean.reduce((s, b) => s + b.checks, 0);
  if (clean.filter((b) => b.checks > 0).length < MIN_BASELINE_HOURS) return [];
  const baseFailures = clean.reduce((s, b) => s + b.failures, 0);
  const p0 = Math.max((baseFailures + 0.5) / (baseChecks + 1), MIN_BASE_FAILURE_RATE);
  const n = input.analysis.reduce((s, b) => s + b.checks, 0);
  const k = input.analysis.reduce((s, b) => s + b.failures, 0);
  if (n === 0 || k < MIN_FAILURES) return [];
  const rate = k / n;
  const z = (k - n * p0) / Math.sqrt(n * p0 * (1 - p0));
  // Judged on the exact binomial tail, as rare as `sensitivity` standard deviations of a normal.
  if (binomialTail(n, p0, k) > normalTail(input.sensitivity) || rate < Math.max(2 * p0, p0 + MIN_RATE_EXCESS)) return [];
  const outage = input.analysis.some((b) => b.failures > 0 && input.incidents.some((i) => overlaps(b, i)));
  const lastFailing = [...input.analysis].reverse().find((b) => b.failures > 0)!;
  const detectedAt = new Date(input.now).toISOString();
  const baseRate = baseFailures / Math.max(baseChecks, 1);
  if (outage) {
    const availability = availabilityOf(input.analysis);
    const expected = availabilityOf(clean);
    const drop = expected - availability;
    return [{
      type: 'availability_drop',
      severity: drop >= 10 ? 'critical' : drop >= 2 ? 'warning' : 'info',
      message: `Availability ${round(availability)}% against ${round(expected)}% in the baseline (an outage)`,
      value: round(availability),
      baseline: round(expected),
      deviation: round(z),
      detected_at: detectedAt,
      hour: lastFailing.start,
    }];
  }
  return [{
    type: 'error_rate_increase',
    severity: rate >= 0.2 ? 'critical' : rate >= 0.05 ? 'warning' : 'info',
    message: `${k} of ${n} checks failed (${round(100 * rate)}%) against ${round(100 * baseRate)}% in the baseline`,
    value: round(100 * rate),
    baseline: round(100 * baseRate),
    deviation: round(z),
    detected_at: detectedAt,
    hour: lastFailing.start,
  }];
}

/** The anomalies of the analysis window against the baseline: at most one of each type. */
export function detectAnomalies(input: DetectInput): Anomaly[] {
  // Past outages would inflate the spread and hide later problems: their hours stay out of the baseline.
  const clean = input.baseline.filter((b) => b.checks > 0 && !input.incidents.some((i) => overlaps(b, i)));
  return [...detectFailures(input, clean), ...detectResponseTime(input, clean)];
}
