import { describe, expect, it } from 'vitest';
import {
  availabilityOf,
  chartBucketMs,
  exactQuantile,
  figuresOfResults,
  incidentRuns,
  localDate,
  localDays,
  resolvePeriod,
  rowShare,
  sketchAdd,
  sketchMerge,
  sketchQuantile,
  splitAtBuckets,
  type SpanStart,
} from '../../../layers/services/uptime.ts';
import { DomainError } from '../../../layers/errors.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 2, 1); // a Sunday, midnight UTC
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const up = (m: number, maintenance = false): SpanStart => ({ at: at(m), up: true, maintenance });
const down = (m: number, maintenance = false): SpanStart => ({ at: at(m), up: false, maintenance });

describe('availability in time', () => {
  it('lets each result cover the time to the next one', () => {
    const f = figuresOfResults([up(0), down(5), up(10)], 300, T0, T0 + 15 * 60_000, at(15));
    expect(f).toEqual({ covered_seconds: 900, down_seconds: 300, maintenance_seconds: 0, no_data_seconds: 0 });
    expect(availabilityOf(f)).toBeCloseTo(100 * (2 / 3), 10);
  });

  it('counts a gap longer than one interval as no data, not as the last result', () => {
    // Down at 0, then nothing until 60: only the first 5 minutes are downtime.
    const f = figuresOfResults([down(0), up(60)], 300, T0, T0 + 65 * 60_000, at(65));
    expect(f.down_seconds).toBe(300);
    expect(f.covered_seconds).toBe(600);
    expect(f.no_data_seconds).toBe(55 * 60);
    expect(availabilityOf(f)).toBe(50);
  });

  it('counts the time before the first result as no data', () => {
    const f = figuresOfResults([up(30)], 300, T0, T0 + 60 * 60_000, at(60));
    expect(f.covered_seconds).toBe(300);
    expect(f.no_data_seconds).toBe(55 * 60);
  });

  it('leaves maintenance windows out of covered time and reports them', () => {
    // Failures during maintenance are not downtime.
    const f = figuresOfResults([up(0), down(5, true), down(10, true), up(15)], 300, T0, T0 + 20 * 60_000, at(20));
    expect(f).toEqual({ covered_seconds: 600, down_seconds: 0, maintenance_seconds: 600, no_data_seconds: 0 });
    expect(availabilityOf(f)).toBe(100);
  });

  it('has no availability when nothing was covered', () => {
    expect(availabilityOf({ covered_seconds: 0, down_seconds: 0 })).toBeNull();
  });

  it('splits spans at hour boundaries', () => {
    expect(splitAtBuckets(T0 + 50 * 60_000, T0 + 70 * 60_000, H)).toEqual([
      { bucket: T0, ms: 10 * 60_000 },
      { bucket: T0 + H, ms: 10 * 60_000 },
    ]);
  });

  it('prorates an hourly row cut by the period over the part holding recorded time', () => {
    expect(rowShare(T0, T0 + 2 * H, T0 + 0.25 * H, T0 + 2 * H)).toBe(0.75);
    // The current hour holds time up to the last result only: a period ending now takes it whole.
    expect(rowShare(T0, T0 + 0.5 * H, T0, T0 + 0.6 * H)).toBe(1);
    expect(rowShare(T0, T0 + 0.5 * H, T0, T0 + 0.25 * H)).toBe(0.5);
  });
});

describe('incidents', () => {
  const seq = (pattern: string) => [...pattern].map((c, i) => ({ at: at(i * 5), up: c === '.', error: c === 'x' ? `e${i}` : null }));

  it('opens an incident on a run of alert_threshold failures, from the first failure to the first success', () => {
    expect(incidentRuns(seq('..xxx..'), 3)).toEqual([{ started_at: at(10), ended_at: at(25), first_error: 'e2', failures: 3 }]);
  });

  it('counts a blip below the threshold as downtime but not as an incident', () => {
    expect(incidentRuns(seq('.xx..x.'), 3)).toEqual([]);
    const f = figuresOfResults(seq('.xx..x.').map((r) => ({ at: r.at, up: r.up, maintenance: false })), 300, T0, T0 + 35 * 60_000, at(35));
    expect(f.down_seconds).toBe(900);
  });

  it('leaves a run still failing at the end open', () => {
    expect(incidentRuns(seq('.xxxx'), 2)).toEqual([{ started_at: at(5), ended_at: null, first_error: 'e1', failures: 4 }]);
  });
});

describe('periods and days', () => {
  const now = new Date(T0 + 100 * H);

  it('resolves rolling periods and from/to, and names the bad field', () => {
    expect(resolvePeriod({ period: '24h' }, now)).toEqual({ from: new Date(now.getTime() - 24 * H), to: now });
    expect(resolvePeriod({}, now).from).toEqual(new Date(now.getTime() - 30 * 24 * H));
    const fieldOf = (q: Parameters<typeof resolvePeriod>[0]) => {
      try {
        resolvePeriod(q, now);
      } catch (e) {
        return (e as DomainError).errors[0]?.field;
      }
      return undefined;
    };
    expect(fieldOf({ period: '1y' })).toBe('period');
    expect(fieldOf({ from: now, to: new Date(now.getTime() - H) })).toBe('from');
    expect(fieldOf({ from: new Date(now.getTime() - 401 * 24 * H), to: now })).toBe('to');
    expect(fieldOf({ to: now })).toBe('from');
  });

  it('splits calendar days at the reader\'s midnight, in two time zones', () => {
    const period = { from: new Date(T0), to: new Date(T0 + 24 * H) };
    expect(localDays(period, 'UTC')).toEqual([{ date: '2026-03-01', from: T0, to: T0 + 24 * H }]);
    // New York is UTC-5 in March before DST: 00:00 UTC is 19:00 of the day before.
    expect(localDays(period, 'America/New_York')).toEqual([
      { date: '2026-02-28', from: T0, to: T0 + 5 * H },
      { date: '2026-03-01', from: T0 + 5 * H, to: T0 + 24 * H },
    ]);
    expect(localDate(T0 + 5 * H - 1, 'America/New_York')).toBe('2026-02-28');
    expect(localDate(T0 + 5 * H, 'America/New_York')).toBe('2026-03-01');
  });

  it('has 23-hour and 25-hour days where daylight saving time changes', () => {
    const days = localDays({ from: new Date(Date.UTC(2026, 2, 8, 5)), to: new Date(Date.UTC(2026, 2, 10, 4)) }, 'America/New_York');
    expect(days.map((d) => [d.date, (d.to - d.from) / H])).toEqual([['2026-03-08', 23], ['2026-03-09', 24]]);
  });

  it('sizes chart buckets for 50-200 points', () => {
    for (const days of [1, 7, 30, 90, 400]) {
      const size = chartBucketMs({ from: new Date(0), to: new Date(days * 24 * H) });
      const points = (days * 24 * H) / size;
      expect(points).toBeGreaterThanOrEqual(50);
      expect(points).toBeLessThanOrEqual(200);
    }
  });
});

describe('the response-time sketch', () => {
  it('gives every quantile within 2% of the exact value, also after merging', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values = Array.from({ length: 5000 }, () => Math.exp(3 + 3 * rand()) + rand() * 5);
    const a = {};
    const b = {};
    values.forEach((v, i) => sketchAdd(i % 2 ? a : b, v));
    const merged = sketchMerge(sketchMerge({}, a), b);
    for (const q of [0.5, 0.9, 0.95, 0.99, 1]) {
      const exact = exactQuantile(values, q)!;
      expect(Math.abs(sketchQuantile(merged, q)! - exact) / exact).toBeLessThanOrEqual(0.02);
    }
    expect(Object.keys(merged).length).toBeLessThan(200);
    expect(sketchQuantile({}, 0.95)).toBeNull();
  });
});
