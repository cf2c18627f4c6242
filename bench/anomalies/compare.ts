// The anomaly detector against a plain mean/stddev z-score on labelled synthetic series.
// Each hour of the last 22 days is analysed (analysis_hours=1) against the 168 hours before it.
// Prints, per series and method: events detected / labelled, and false alarms / normal hours.
//   npx tsx bench/anomalies/compare.ts [sensitivity]
import os from 'node:os';
import { detectAnomalies, type HourBucket, type Interval } from '../../layers/services/anomalies/detector.ts';
import { HOUR_MS, scenarios, type Series } from './series.ts';

const BASELINE_HOURS = 168;
const FIRST_ANALYSED = 8 * 24;

type Method = (analysis: HourBucket, baseline: HourBucket[], incidents: Interval[], sensitivity: number) => boolean;

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const sd = (v: number[]) => {
  const m = mean(v);
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(v.length - 1, 1));
};
const zAbove = (value: number, sample: number[], k: number) => {
  const m = mean(sample);
  const s = sd(sample);
  return s === 0 ? value > m : (value - m) / s >= k;
};

/** The reference: each hour's mean response time and failure rate against the baseline's mean and stddev. */
const zScore: Method = (a, baseline, _incidents, k) =>
  zAbove(a.rtSum / a.rtN, baseline.map((b) => b.rtSum / b.rtN), k) || zAbove(a.failures / a.checks, baseline.map((b) => b.failures / b.checks), k);

const robust: Method = (a, baseline, incidents, k) => {
  const end = a.start + HOUR_MS;
  // What the job would know at the end of the hour: incidents started by then, open ones still open.
  const known = incidents.filter((i) => i.start < end).map((i) => ({ start: i.start, end: i.end !== null && i.end <= end ? i.end : null }));
  return detectAnomalies({ analysis: [a], baseline, incidents: known, sensitivity: k, now: end }).length > 0;
};

interface Score {
  detected: number;
  events: number;
  falseAlarms: number;
  normalHours: number;
}

function score(series: Series, method: Method, k: number): Score {
  const hit = new Map<string, boolean>();
  let falseAlarms = 0;
  let normalHours = 0;
  for (let h = FIRST_ANALYSED; h < series.buckets.length; h++) {
    const label = series.labels[h]!;
    if (typeof label === 'object' && !hit.has(label.event)) hit.set(label.event, false);
    if (label === 'ignore') continue;
    const flagged = method(series.buckets[h]!, series.buckets.slice(h - BASELINE_HOURS, h), series.incidents, k);
    if (label === 'normal') {
      normalHours++;
      if (flagged) falseAlarms++;
    } else if (flagged) hit.set(label.event, true);
  }
  return { detected: [...hit.values()].filter(Boolean).length, events: hit.size, falseAlarms, normalHours };
}

export function compare(k: number) {
  const rows = scenarios().map((s) => ({ name: s.name, z: score(s, zScore, k), robust: score(s, robust, k) }));
  const total = (pick: (r: (typeof rows)[number]) => Score): Score =>
    rows.map(pick).reduce((t, s) => ({ detected: t.detected + s.detected, events: t.events + s.events, falseAlarms: t.falseAlarms + s.falseAlarms, normalHours: t.normalHours + s.normalHours }));
  return { rows, z: total((r) => r.z), robust: total((r) => r.robust) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const k = Number(process.argv[2] ?? 2);
  const t0 = performance.now();
  const { rows, z, robust: rb } = compare(k);
  const cell = (s: Score) => `${s.detected}/${s.events} detected, ${s.falseAlarms}/${s.normalHours} false alarms`.padEnd(38);
  console.log(`sensitivity ${k}; ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0]!.toFixed(2)}`);
  console.log(`${'series'.padEnd(28)}${'mean/stddev z-score'.padEnd(38)}robust (median/MAD, incidents out, hour of day)`);
  for (const r of rows) console.log(`${r.name.padEnd(28)}${cell(r.z)}${cell(r.robust)}`);
  console.log(`${'total'.padEnd(28)}${cell(z)}${cell(rb)}`);
  console.log(`(${(performance.now() - t0).toFixed(0)} ms)`);
}
