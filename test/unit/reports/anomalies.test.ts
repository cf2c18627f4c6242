import { describe, expect, it } from 'vitest';
import { binomialTail, detectAnomalies, normalTail, type HourBucket, type Interval } from '../../../layers/services/anomalies/detector.ts';
import { compare } from '../../../bench/anomalies/compare.ts';
import { rng } from '../../../bench/anomalies/series.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 1);

/** Hourly buckets of 60 checks each; `rt(h)` the hour's mean response time, `fail(h)` its failures. */
function hours(count: number, rt: (h: number) => number, fail: (h: number) => number = () => 0, from = 0): HourBucket[] {
  return Array.from({ length: count }, (_, i) => {
    const h = from + i;
    const failures = fail(h);
    return { start: T0 + h * HOUR, checks: 60, failures, rtSum: rt(h) * (60 - failures), rtN: 60 - failures };
  });
}

const detect = (baseline: HourBucket[], analysis: HourBucket[], incidents: Interval[] = [], sensitivity = 2) =>
  detectAnomalies({ baseline, analysis, incidents, sensitivity, now: analysis[analysis.length - 1]!.start + HOUR });

describe('anomaly detection', () => {
  it('finds nothing at all in a steady series', () => {
    const steady = hours(169, () => 200);
    expect(detect(steady.slice(0, 168), steady.slice(168))).toEqual([]);
    // Nor with noise, at any sensitivity in range, over any analysis window.
    const r = rng(7);
    const noisy = hours(24 * 14, () => 200 + 6 * r.normal());
    for (const k of [0.5, 1, 2, 10]) {
      for (let end = 24 * 8; end <= noisy.length; end += 7) {
        expect(detect(noisy.slice(end - 24 * 8, end - 24), noisy.slice(end - 24, end), [], k)).toEqual([]);
      }
    }
  });

  it('finds a response-time spike and grades it', () => {
    const base = hours(168, () => 200);
    const [spike] = detect(base, hours(1, () => 500, undefined, 168));
    expect(spike).toMatchObject({ type: 'response_time_spike', severity: 'warning', value: 500, baseline: 200 });
    expect(spike!.deviation).toBeGreaterThan(2);
    expect(detect(base, hours(1, () => 900, undefined, 168))[0]?.severity).toBe('critical');
    expect(detect(base, hours(1, () => 260, undefined, 168))[0]?.severity).toBe('info');
    // Below the practical floor (20 % and 10 ms) there is no anomaly, however steady the baseline.
    expect(detect(base, hours(1, () => 230, undefined, 168))).toEqual([]);
  });

  it('compares an hour with the same hour of past days when the baseline holds them', () => {
    const daily = (h: number) => (h % 24 >= 9 && h % 24 < 18 ? 500 : 150);
    const base = hours(168, daily);
    // 500 ms at noon is normal; 320 ms at 3 am is not.
    expect(detect(base, hours(1, daily, undefined, 168 + 12))).toEqual([]);
    expect(detect(base, hours(1, () => 320, undefined, 168 + 3))[0]).toMatchObject({ type: 'response_time_spike', baseline: 150 });
  });

  it('keeps past outages out of the baseline', () => {
    const outage = (h: number) => (h >= 40 && h < 46 ? 60 : 0);
    const base = hours(168, (h) => (outage(h) ? 0 : 200), outage);
    const incidents = [{ start: T0 + 40 * HOUR, end: T0 + 46 * HOUR }];
    // The outage's failures do not make later failures look normal.
    const [drop] = detect(base, hours(1, () => 200, () => 20, 168), [{ start: T0 + 168 * HOUR + 60_000, end: null }]);
    expect(drop).toMatchObject({ type: 'availability_drop', severity: 'critical' });
    const withOutage = detect(base, hours(1, () => 200, () => 20, 168), [...incidents, { start: T0 + 168 * HOUR, end: null }]);
    expect(withOutage[0]).toMatchObject({ type: 'availability_drop', baseline: 100 });
  });

  it('reports availability by time when the rollups carry it', () => {
    const base = hours(168, () => 200).map((b) => ({ ...b, coveredSeconds: 3600, downSeconds: 0 }));
    const analysis = hours(1, () => 200, () => 20, 168).map((b) => ({ ...b, coveredSeconds: 3000, downSeconds: 1500 }));
    const [drop] = detect(base, analysis, [{ start: T0 + 168 * HOUR, end: null }]);
    expect(drop).toMatchObject({ type: 'availability_drop', value: 50, baseline: 100 });
  });

  it('tells scattered errors from an outage', () => {
    const base = hours(168, () => 200, (h) => (h % 50 === 0 ? 1 : 0));
    const [errors] = detect(base, hours(1, () => 200, () => 8, 168));
    expect(errors).toMatchObject({ type: 'error_rate_increase', severity: 'warning' });
    expect(detect(base, hours(1, () => 200, () => 1, 168))).toEqual([]);
  });

  it('calls a sustained shift a pattern change', () => {
    const series = hours(180, (h) => (h >= 170 ? 420 : 200));
    const [change] = detect(series.slice(0, 179), series.slice(179));
    expect(change).toMatchObject({ type: 'pattern_change', value: 420, baseline: 200 });
  });

  it('gives no verdict on too short a baseline', () => {
    expect(detect(hours(6, () => 200), hours(1, () => 900, () => 30, 6))).toEqual([]);
  });

  it('computes binomial and normal tails', () => {
    expect(normalTail(2)).toBeCloseTo(0.02275, 4);
    expect(normalTail(-1)).toBeCloseTo(0.84134, 4);
    expect(binomialTail(10, 0.5, 8)).toBeCloseTo(56 / 1024, 10);
    expect(binomialTail(60, 0.03, 0)).toBe(1);
    expect(binomialTail(100_000, 0.001, 200)).toBeLessThan(1e-15);
  });

  it('beats a mean/stddev z-score on labelled series, on detections and on false alarms', () => {
    const { rows, z, robust } = compare(2);
    expect(robust.detected).toBeGreaterThan(z.detected);
    expect(robust.falseAlarms).toBeLessThan(z.falseAlarms / 10);
    for (const r of rows) {
      expect(r.robust.detected, r.name).toBeGreaterThanOrEqual(r.z.detected);
      expect(r.robust.falseAlarms, r.name).toBeLessThan(r.z.falseAlarms);
    }
    expect(rows.find((r) => r.name === 'pure noise')?.robust.falseAlarms).toBe(0);
  });
});
