import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, startTestApp, type TestApp } from '../../support/app.ts';
import { httpResultMessage } from '../../support/results.ts';
import { recordResults, type HttpResultMessage } from '../../../layers/services/recorder.ts';
import { availabilityByProject, dailyFigures, incidentsIn, responseTimeFigures, rollupResponseTimeFigures } from '../../../layers/services/read-model.ts';

// The shared read model over a known history recorded through the recorder: every figure is worked
// out by hand from the definition (README "One definition of uptime").

let app: TestApp;
let owner: { id: number; token: string };

const H = 3_600_000;
const STEP = 300_000;
// Midnight UTC two days ago: the history fills the first of those days.
const T0 = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000;

const message = httpResultMessage;

/**
 * 24 hours at 300 s from T0: down at 05:00, 05:05, 05:10 (an incident with threshold 3), a blip at
 * 10:00 (downtime, no incident), nothing from 12:00 to 12:55 (one hour without data).
 */
function knownHistory(projectId: number): HttpResultMessage[] {
  const out: HttpResultMessage[] = [];
  for (let t = T0, i = 0; t < T0 + 24 * H; t += STEP, i++) {
    if (t >= T0 + 12 * H && t < T0 + 13 * H) continue;
    const down = (t >= T0 + 5 * H && t < T0 + 5 * H + 3 * STEP) || t === T0 + 10 * H;
    out.push(message(projectId, t, !down, 100 + (i % 40) * 5));
  }
  return out;
}

const newProject = (title: string) => createProject(app, owner.token, title);

beforeAll(async () => {
  app = await startTestApp();
  owner = await app.user('user', 'Owner');
});
afterAll(async () => app?.close());

describe('the read model over a known history', () => {
  let id: number;
  const period = { from: new Date(T0), to: new Date(T0 + 24 * H) };

  beforeAll(async () => {
    id = await newProject('Known');
    const history = knownHistory(id);
    expect(history).toHaveLength(276);
    const first = await recordResults(app.system.ctx, history, { notify: false });
    expect(first).toEqual({ recorded: 276, ignored: 0, incidents_opened: 1 });
  });

  it('measures availability in time: downtime over covered time, the gap as no data', async () => {
    const m = await availabilityByProject(app.system.ctx, [id], period);
    const a = m.get(id)!;
    // Covered: 24 h less the hour without data; down: four failed results of 300 s each.
    expect(a.covered_seconds).toBeCloseTo(23 * 3600, 3);
    expect(a.down_seconds).toBeCloseTo(1200, 3);
    expect(a.maintenance_seconds).toBe(0);
    expect(a.no_data_seconds).toBeCloseTo(3600, 3);
    expect(a.availability).toBeCloseTo(100 * (1 - 1200 / 82800), 4);
  });

  it('gives the same figures for a period cut inside hours (edges prorated) as for whole days', async () => {
    // 04:30 to 05:30: the first half hour is up, then 05:00-05:15 down, 05:15-05:30 up.
    const m = await availabilityByProject(app.system.ctx, [id], { from: new Date(T0 + 4.5 * H), to: new Date(T0 + 5.5 * H) });
    const a = m.get(id)!;
    expect(a.covered_seconds).toBeCloseTo(3600, 3);
    // Prorated edge hours spread the 05:00 hour's 900 s of downtime over it: half of it falls inside.
    expect(a.down_seconds).toBeCloseTo(450, 3);
  });

  it('splits the days at midnight of the reader: one UTC day, two days in Seoul', async () => {
    const utc = await dailyFigures(app.system.ctx, id, period, 'UTC');
    expect(utc).toHaveLength(1);
    expect(utc[0]).toMatchObject({ date: new Date(T0).toISOString().slice(0, 10), checks: 276, downtime_minutes: 20, maintenance_minutes: 0, no_data_minutes: 60, incident_count: 1 });
    expect(utc[0]!.availability).toBeCloseTo(100 * (1 - 1200 / 82800), 4);

    const seoul = await dailyFigures(app.system.ctx, id, period, 'Asia/Seoul');
    expect(seoul.map((d) => d.date)).toEqual([new Date(T0).toISOString().slice(0, 10), new Date(T0 + 86_400_000).toISOString().slice(0, 10)]);
    // Seoul is UTC+9: its first day holds 00:00-15:00 UTC of the history, the second 15:00-24:00.
    expect(seoul[0]).toMatchObject({ checks: 168, downtime_minutes: 20, no_data_minutes: 60, incident_count: 1 });
    expect(seoul[0]!.availability).toBeCloseTo(100 * (1 - 1200 / (14 * 3600)), 4);
    expect(seoul[1]).toMatchObject({ checks: 108, downtime_minutes: 0, no_data_minutes: 0, incident_count: 0, availability: 100 });
  });

  it('sums whole days in the database over a longer period with the figures their hours give, and zones off the hour from the hours', async () => {
    const DAY = 86_400_000;
    const wide = { from: new Date(T0 - 2 * DAY + 7 * H), to: new Date(T0 + 2 * DAY) };
    const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    // Seoul (UTC+9): the history's two local days are whole days inside the period, summed in the database.
    const seoul = Object.fromEntries((await dailyFigures(app.system.ctx, id, wide, 'Asia/Seoul')).map((d) => [d.date, d]));
    expect(seoul[date(T0)]).toMatchObject({ checks: 168, downtime_minutes: 20, no_data_minutes: 9 * 60 + 60, incident_count: 1 });
    expect(seoul[date(T0)]!.availability).toBeCloseTo(100 * (1 - 1200 / (14 * 3600)), 4);
    expect(seoul[date(T0 + DAY)]).toMatchObject({ checks: 108, downtime_minutes: 0, incident_count: 0, availability: 100 });
    expect(seoul[date(T0 - DAY)]).toMatchObject({ checks: 0, availability: null, no_data_minutes: 24 * 60 });
    // Kolkata (UTC+5:30): its midnights fall inside UTC hours, so each day comes from its hours.
    const kolkata = await dailyFigures(app.system.ctx, id, wide, 'Asia/Kolkata');
    expect(kolkata.reduce((a, d) => a + d.checks, 0)).toBe(276);
    expect(kolkata.reduce((a, d) => a + d.downtime_minutes, 0)).toBeCloseTo(20, 6);
    const k = Object.fromEntries(kolkata.map((d) => [d.date, d]));
    // Its first day of history holds 00:00-18:30 UTC: 18.5 h less the hour without data.
    expect(k[date(T0)]!.availability).toBeCloseTo(100 * (1 - 1200 / (17.5 * 3600)), 4);
  });

  it('lists the one incident: the run of three failures, not the blip', async () => {
    const incidents = await incidentsIn(app.system.ctx, id, period);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ started_at: new Date(T0 + 5 * H), ended_at: new Date(T0 + 5 * H + 3 * STEP), duration_minutes: 15, error_message: 'HTTP 503' });
  });

  it('answers response times from raw results, and from the rollup sketch within 2% for P95', async () => {
    const raw = await responseTimeFigures(app.system.ctx, id, period);
    expect(raw.source).toBe('raw');
    expect(raw.min).toBe(100);
    expect(raw.max).toBe(295);
    const values = knownHistory(id).map((m) => m.result.response_time!).sort((a, b) => a - b);
    expect(raw.p95).toBe(values[Math.ceil(0.95 * values.length) - 1]);
    expect(raw.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 2);
    const rollup = await rollupResponseTimeFigures(app.system.ctx, id, period);
    expect(rollup.source).toBe('rollup');
    // More checks than raw results are read for: the rollups answer, though every result is stored.
    expect(await responseTimeFigures(app.system.ctx, id, period, 275)).toEqual(rollup);
    expect((await responseTimeFigures(app.system.ctx, id, period, 276)).source).toBe('raw');
    expect(rollup.avg).toBeCloseTo(raw.avg!, 2);
    expect(rollup.min).toBe(raw.min);
    expect(rollup.max).toBe(raw.max);
    expect(Math.abs(rollup.p95! - raw.p95!) / raw.p95!).toBeLessThanOrEqual(0.02);
  });

  it('answers from the rollups once raw results are cleaned up, with the same availability', async () => {
    const before = (await availabilityByProject(app.system.ctx, [id], period)).get(id);
    await app.system.ctx.sql`DELETE FROM check_results WHERE project_id = ${id} AND checked_at < ${new Date(T0 + 12 * H)}`;
    const rt = await responseTimeFigures(app.system.ctx, id, period);
    expect(rt.source).toBe('rollup');
    expect((await availabilityByProject(app.system.ctx, [id], period)).get(id)).toEqual(before);
  });

  it('writes nothing twice when the same results are delivered again', async () => {
    const other = await newProject('Redelivered');
    const history = knownHistory(other).slice(0, 50);
    await recordResults(app.system.ctx, history, { notify: false });
    const snapshot = async () => ({
      rows: (await app.system.ctx.sql`SELECT count(*)::int AS n FROM check_results WHERE project_id = ${other}`)[0]!['n'],
      hourly: await app.system.ctx.sql`SELECT * FROM rollups_hourly WHERE project_id = ${other} ORDER BY bucket`,
      daily: await app.system.ctx.sql`SELECT * FROM rollups_daily WHERE project_id = ${other} ORDER BY day`,
      incidents: await app.system.ctx.sql`SELECT * FROM incidents WHERE project_id = ${other} ORDER BY id`,
    });
    const before = await snapshot();
    const again = await recordResults(app.system.ctx, [...history.slice(10, 30), ...history.slice(10, 12)], { notify: false });
    expect(again).toEqual({ recorded: 0, ignored: 22, incidents_opened: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('takes in many projects in one call, with no data for a project without results', async () => {
    const empty = await newProject('Empty');
    const m = await availabilityByProject(app.system.ctx, [id, empty], period);
    expect(m.get(empty)).toEqual({ availability: null, covered_seconds: 0, down_seconds: 0, maintenance_seconds: 0, no_data_seconds: 86400 });
    expect(m.get(id)!.covered_seconds).toBeCloseTo(23 * 3600, 3);
  });

  it('counts the time of results recorded in maintenance as maintenance, not downtime', async () => {
    const pid = await newProject('Maintained');
    const base = T0 + 2 * 86_400_000 - 6 * H;
    const at = (i: number) => base + i * STEP;
    await recordResults(app.system.ctx, [message(pid, at(0), true, 50), message(pid, at(1), true, 50)], { notify: true });
    const on = await app.request('PUT', `/api/v1/projects/${pid}/maintenance`, { token: owner.token, body: { maintenance_mode: true } });
    expect(on.status, on.text).toBe(200);
    await recordResults(app.system.ctx, [message(pid, at(2), false, 50), message(pid, at(3), false, 50)], { notify: true });
    const off = await app.request('PUT', `/api/v1/projects/${pid}/maintenance`, { token: owner.token, body: { maintenance_mode: false } });
    expect(off.status, off.text).toBe(200);
    await recordResults(app.system.ctx, [message(pid, at(4), true, 50), message(pid, at(5), true, 50)], { notify: true });
    const a = (await availabilityByProject(app.system.ctx, [pid], { from: new Date(at(0)), to: new Date(at(6)) })).get(pid)!;
    expect(a).toEqual({ availability: 100, covered_seconds: 1200, down_seconds: 0, maintenance_seconds: 600, no_data_seconds: 0 });
    const [row] = await app.system.ctx.sql`SELECT count(*)::int AS n FROM check_results WHERE project_id = ${pid} AND in_maintenance`;
    expect(row!['n']).toBe(2);
    // Two failures stay below the threshold (3): no incident.
    expect(await incidentsIn(app.system.ctx, pid, { from: new Date(at(0)), to: new Date(at(6)) })).toEqual([]);
  });
});
