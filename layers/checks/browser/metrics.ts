// Pure metric arithmetic, defined as Chrome's tooling (web-vitals, Lighthouse) defines it.

/** A layout shift without recent input: [startTime ms, value]. */
export type LayoutShift = readonly [number, number];
/** A long task: [startTime ms, duration ms]. */
export type LongTask = readonly [number, number];

/**
 * CLS as web-vitals computes it: shifts are grouped into session windows that end after a 1 s gap or
 * once they span 5 s; the score is the largest window's sum.
 */
export function cumulativeLayoutShift(shifts: readonly LayoutShift[]): number {
  const sorted = [...shifts].sort((a, b) => a[0] - b[0]);
  let best = 0;
  let windowSum = 0;
  let windowStart = Number.NEGATIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const [time, value] of sorted) {
    if (time - last > 1000 || time - windowStart > 5000) {
      windowSum = 0;
      windowStart = time;
    }
    windowSum += value;
    last = time;
    best = Math.max(best, windowSum);
  }
  return best;
}

/**
 * TBT as Lighthouse computes it: each long task is clipped to [fcp, end]; whatever of the clipped part
 * exceeds 50 ms is blocking time. `end` is TTI in Lighthouse; we use the end of observation (see deep-check.ts).
 */
export function totalBlockingTime(tasks: readonly LongTask[], fcp: number, end: number): number {
  let total = 0;
  for (const [start, duration] of tasks) {
    const clippedStart = Math.max(start, fcp);
    const clippedEnd = Math.min(start + duration, end);
    const clipped = clippedEnd - clippedStart;
    if (clipped > 50) total += clipped - 50;
  }
  return total;
}

export type PerformanceGrade = 'A' | 'B' | 'C' | 'D' | 'F';

/** Web Vitals "good" and "poor" thresholds; the weights are Lighthouse 10's for the metrics we have. */
export const gradeThresholds = {
  largest_contentful_paint: { good: 2500, poor: 4000, weight: 25 },
  total_blocking_time: { good: 200, poor: 600, weight: 30 },
  cumulative_layout_shift: { good: 0.1, poor: 0.25, weight: 25 },
  first_contentful_paint: { good: 1800, poor: 3000, weight: 10 },
  time_to_first_byte: { good: 800, poor: 1800, weight: 10 },
} as const;

export type GradedMetrics = { [K in keyof typeof gradeThresholds]: number | null };

/**
 * Each metric scores 1 at or under "good", falls linearly to 0.5 at "poor" and to 0 at twice "poor".
 * The weighted mean of the measured metrics gives A >= 0.9, B >= 0.75, C >= 0.5, D >= 0.25, else F.
 * Null when none of them could be measured.
 */
export function performanceGrade(metrics: GradedMetrics): PerformanceGrade | null {
  let weighted = 0;
  let weights = 0;
  for (const key of Object.keys(gradeThresholds) as Array<keyof typeof gradeThresholds>) {
    const value = metrics[key];
    if (value === null || !Number.isFinite(value)) continue;
    const { good, poor, weight } = gradeThresholds[key];
    weighted += metricScore(value, good, poor) * weight;
    weights += weight;
  }
  if (weights === 0) return null;
  const score = weighted / weights;
  if (score >= 0.9) return 'A';
  if (score >= 0.75) return 'B';
  if (score >= 0.5) return 'C';
  if (score >= 0.25) return 'D';
  return 'F';
}

function metricScore(value: number, good: number, poor: number): number {
  if (value <= good) return 1;
  if (value <= poor) return 1 - (0.5 * (value - good)) / (poor - good);
  return Math.max(0, 0.5 - (0.5 * (value - poor)) / poor);
}
