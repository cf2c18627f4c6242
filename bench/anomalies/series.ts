// Labelled synthetic series for the anomaly detector: per-check samples at 60 s, rolled up by hour,
// with incidents derived from runs of failures the way the recorder opens them.
import type { HourBucket, Interval } from '../../layers/services/anomalies/detector.ts';

export const HOUR_MS = 3_600_000;
const CHECK_MS = 60_000;
const ALERT_THRESHOLD = 3;

/** Per hour: 'normal', 'ignore' (neither a detection nor a false alarm), or the id of a labelled event. */
export type Label = 'normal' | 'ignore' | { event: string };

export interface Series {
  name: string;
  buckets: HourBucket[];
  incidents: Interval[];
  labels: Label[];
}

/** Deterministic random numbers (mulberry32), so every run prints the same figures. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, normal };
}

interface Shape {
  /** Mean response time (ms) of a successful check at hour h (hours from the start). */
  rt(h: number): number;
  /** Probability that a check at hour h fails. */
  failure(h: number): number;
  /** Forced outage: every check in these hours fails. */
  down?(h: number): boolean;
}

const START = Date.UTC(2026, 0, 5);
export const DAYS = 30;

function build(name: string, seed: number, shape: Shape, labels: Label[]): Series {
  const r = rng(seed);
  const hours = DAYS * 24;
  const buckets: HourBucket[] = [];
  const incidents: Interval[] = [];
  let run = 0;
  let runStart = 0;
  let open: Interval | undefined;
  for (let h = 0; h < hours; h++) {
    const b: HourBucket = { start: START + h * HOUR_MS, checks: 0, failures: 0, rtSum: 0, rtN: 0 };
    for (let t = 0; t < HOUR_MS; t += CHECK_MS) {
      const at = b.start + t;
      const failed = shape.down?.(h) === true || r.next() < shape.failure(h);
      // A failed check is a timeout (no response time) or an error page answered quickly.
      const rt = failed ? (r.next() < 0.5 ? null : 50) : shape.rt(h) * Math.exp(0.25 * r.normal() - 0.03125);
      b.checks++;
      if (rt !== null) {
        b.rtSum += rt;
        b.rtN++;
      }
      if (failed) {
        b.failures++;
        if (run === 0) runStart = at;
        run++;
        if (run === ALERT_THRESHOLD && !open) {
          open = { start: runStart, end: null };
          incidents.push(open);
        }
      } else {
        run = 0;
        if (open) {
          open.end = at;
          open = undefined;
        }
      }
    }
    buckets.push(b);
  }
  return { name, buckets, incidents, labels };
}

const labelled = (hours: number, events: [string, number, number][], ignore: [number, number][] = []): Label[] => {
  const labels: Label[] = Array.from({ length: hours }, () => 'normal');
  for (const [from, to] of ignore) for (let h = from; h < to; h++) labels[h] = 'ignore';
  for (const [id, from, to] of events) for (let h = from; h < to; h++) labels[h] = { event: id };
  return labels;
};

const inAny = (h: number, spans: [string, number, number][]) => spans.some(([, a, b]) => h >= a && h < b);
const HOURS = DAYS * 24;
const flat = () => 200;
const quiet = () => 0.002;

export function scenarios(): Series[] {
  const spikes: [string, number, number][] = [
    ['spike-1', 200, 201], ['spike-2', 260, 262], ['spike-3', 333, 334], ['spike-4', 410, 411],
    ['spike-5', 470, 472], ['spike-6', 545, 546], ['spike-7', 610, 611], ['spike-8', 690, 691],
  ];
  const spikeFactor = (h: number) => (inAny(h, spikes) ? 1.6 + (h % 7) / 5 : 1);

  const outages: [string, number, number][] = [['outage-1', 300, 304], ['outage-2', 500, 503]];
  const pastOutages: [number, number][] = [[30, 35], [100, 104], [140, 146]];
  const mildSpikes: [string, number, number][] = [['spike-1', 220, 221], ['spike-2', 380, 381], ['spike-3', 560, 562], ['spike-4', 650, 651]];

  const shiftAt = 18 * 24;
  const driftFrom = 12 * 24;
  const drift = (h: number) => (h < driftFrom ? 1 : 1 + (0.15 * (h - driftFrom)) / 24);
  const driftLabels: Label[] = Array.from({ length: HOURS }, (_, h) => (drift(h) < 1.15 ? 'normal' : drift(h) >= 1.5 ? { event: 'drift' } : 'ignore'));

  const daily = (h: number) => 150 + 250 * Math.max(0, Math.sin((2 * Math.PI * ((h % 24) - 6)) / 24));
  const nightSpikes: [string, number, number][] = [['night-1', 195, 196], ['night-2', 316, 317], ['night-3', 435, 436], ['night-4', 555, 556], ['night-5', 674, 675]];

  const bursts: [string, number, number][] = [['burst-1', 230, 232], ['burst-2', 370, 372], ['burst-3', 480, 482], ['burst-4', 600, 601], ['burst-5', 700, 702]];

  return [
    build('pure noise', 1, { rt: flat, failure: quiet }, labelled(HOURS, [])),
    build('spikes', 2, { rt: (h) => 200 * spikeFactor(h), failure: quiet }, labelled(HOURS, spikes)),
    build('spikes after past outages', 3, {
      rt: (h) => (inAny(h, mildSpikes) ? 380 : 200),
      failure: quiet,
      down: (h) => pastOutages.some(([a, b]) => h >= a && h < b) || inAny(h, outages),
    }, labelled(HOURS, [...mildSpikes, ...outages], outages.map(([, a, b]) => [b, b + 1] as [number, number]))),
    build('level shift', 4, { rt: (h) => (h >= shiftAt ? 360 : 200), failure: quiet }, labelled(HOURS, [['shift', shiftAt, shiftAt + 24]], [[shiftAt + 24, HOURS]])),
    build('gradual drift', 5, { rt: (h) => 200 * drift(h), failure: quiet }, driftLabels),
    build('daily pattern', 6, { rt: (h) => daily(h) * (inAny(h, nightSpikes) ? 2 : 1), failure: quiet }, labelled(HOURS, nightSpikes)),
    build('error bursts', 7, { rt: flat, failure: (h) => (inAny(h, bursts) ? 0.15 : 0.002) }, labelled(HOURS, bursts)),
    build('error bursts, flaky site', 8, { rt: flat, failure: (h) => (inAny(h, bursts) ? 0.2 : 0.03) }, labelled(HOURS, bursts)),
  ];
}
