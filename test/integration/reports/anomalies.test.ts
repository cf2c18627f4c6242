import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAnomalies } from '../../../layers/services/anomalies/service.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { expectErrorBody, expectInvalid } from '../api/helpers.ts';

const HOUR = 3_600_000;
let app: TestApp;
let admin: Awaited<ReturnType<TestApp['user']>>;
let viewer: Awaited<ReturnType<TestApp['user']>>;

// The app's clock stands still at the moment the file starts: the analysis windows ("the current
// hour") cannot move under a test that runs across an hour's end.
const NOW = Date.now();

beforeAll(async () => {
  app = await startTestApp();
  Object.assign(app.system.ctx, { clock: { now: () => new Date(NOW) } });
  admin = await app.user('admin');
  viewer = await app.user('viewer');
});
afterAll(async () => app?.close());

async function project(title: string): Promise<number> {
  const r = await app.request('POST', '/api/v1/projects', { token: admin.token, body: { title, url: 'http://127.0.0.1:9/' } });
  expect(r.status, r.text).toBe(201);
  return r.body.id as number;
}

/** Hourly rollups ending with the hour before `until`: 60 checks an hour, `rt(h)` ms and `fail(h)` failures (h = hours before until). */
async function rollups(projectId: number, until: number, hours: number, rt: (h: number) => number, fail: (h: number) => number = () => 0) {
  const sql = app.system.ctx.sql;
  for (let h = hours; h >= 1; h--) {
    const failures = fail(h);
    const n = 60 - failures;
    await sql`INSERT INTO rollups_hourly (project_id, bucket, checks, up_checks, response_time_sum, response_time_n, response_time_min, response_time_max)
      VALUES (${projectId}, ${new Date(until - h * HOUR)}, 60, ${n}, ${rt(h) * n}, ${n}, ${rt(h)}, ${rt(h)})`;
  }
}

const currentHour = () => Math.floor(NOW / HOUR) * HOUR;

describe('GET /projects/{id}/anomalies', () => {
  it('finds a response-time spike in the current hour, and nothing in a steady series', async () => {
    const spiky = await project('Spiky');
    const steady = await project('Steady');
    const next = currentHour() + HOUR;
    await rollups(spiky, next, 169, (h) => (h === 1 ? 800 : 200 + (h % 5)));
    await rollups(steady, next, 169, (h) => 200 + (h % 5));
    const r = await app.request('GET', `/api/v1/projects/${spiky}/anomalies`, { token: viewer.token });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ project_id: spiky, analysis_hours: 1, baseline_hours: 168, sensitivity: 2 });
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({ id: null, type: 'response_time_spike', severity: 'critical', value: 800, hour: new Date(currentHour()).toISOString() });
    expect(r.body.items[0].baseline).toBeCloseTo(202, 0);
    expect(Object.keys(r.body.items[0])).toEqual(expect.arrayContaining(['type', 'severity', 'message', 'value', 'baseline', 'deviation', 'detected_at']));
    const s = await app.request('GET', `/api/v1/projects/${steady}/anomalies?analysis_hours=24&baseline_hours=2160&sensitivity=0.5`, { token: viewer.token });
    expect(s.status, s.text).toBe(200);
    expect(s.body.items).toEqual([]);
  });

  it('refuses parameters out of range, naming them, and an unknown project', async () => {
    const id = await project('Ranges');
    for (const [q, field] of [
      ['analysis_hours=0', 'analysis_hours'], ['analysis_hours=169', 'analysis_hours'], ['baseline_hours=23', 'baseline_hours'],
      ['baseline_hours=2161', 'baseline_hours'], ['sensitivity=0.4', 'sensitivity'], ['sensitivity=10.5', 'sensitivity'],
      ['sensitivity=abc', 'sensitivity'], ['from=yesterday', 'from'],
    ] as const) {
      expectInvalid(await app.request('GET', `/api/v1/projects/${id}/anomalies?${q}`, { token: viewer.token }), field);
    }
    expectErrorBody(await app.request('GET', '/api/v1/projects/999999/anomalies', { token: viewer.token }), 404);
    expectErrorBody(await app.request('GET', `/api/v1/projects/${id}/anomalies`), 401);
  });
});

describe('anomalies of an imported history', () => {
  it('finds a spike in history recorded through the import, and nothing in the same history without it', async () => {
    const spiky = await project('Imported spiky');
    const steady = await project('Imported steady');
    const hour = currentHour();
    const rows = (spike: boolean) => {
      const out = [];
      // Eight days at 5 minutes, ending with the hour before the current one.
      for (let t = hour - 8 * 24 * HOUR, i = 0; t < hour; t += 300_000, i++) {
        const late = spike && t >= hour - HOUR;
        out.push({ checked_at: new Date(t).toISOString(), is_available: true, status_code: 200, response_time: late ? 1500 : 180 + (i % 7) * 4, error_message: null });
      }
      return out;
    };
    for (const [id, spike] of [[spiky, true], [steady, false]] as const) {
      const r = await app.request('POST', `/api/v1/projects/${id}/results/import`, { token: admin.token, body: { results: rows(spike) } });
      expect(r.status, r.text).toBe(200);
    }
    const found = await app.request('GET', `/api/v1/projects/${spiky}/anomalies?analysis_hours=2`, { token: viewer.token });
    expect(found.status, found.text).toBe(200);
    expect(found.body.items).toEqual([expect.objectContaining({ type: 'response_time_spike', severity: 'critical', value: 1500, hour: new Date(hour - HOUR).toISOString() })]);
    const none = await app.request('GET', `/api/v1/projects/${steady}/anomalies?analysis_hours=2`, { token: viewer.token });
    expect(none.body.items).toEqual([]);
    const job = await recordAnomalies(app.system.ctx, new Date(hour + 60_000));
    expect(job.anomalies_recorded).toBeGreaterThanOrEqual(1);
    const recorded = await app.system.ctx.sql<{ project_id: number; type: string }[]>`SELECT project_id, type FROM anomalies WHERE project_id IN (${spiky}, ${steady})`;
    expect(recorded).toEqual([{ project_id: spiky, type: 'response_time_spike' }]);
  });
});

describe('hourly anomaly job', () => {
  it('records each anomaly once, lists it with from=, and raises one in-app alert for a critical one', async () => {
    const id = await project('Job');
    const hour = currentHour();
    // The hour just ended failed 30 of 60 checks in an outage; the week before was clean.
    await rollups(id, hour, 169, () => 200, (h) => (h === 1 ? 30 : 0));
    await app.system.ctx.sql`INSERT INTO incidents (project_id, started_at, ended_at) VALUES (${id}, ${new Date(hour - 50 * 60_000)}, ${new Date(hour - 20 * 60_000)})`;
    const ctx = app.system.ctx;
    const first = await recordAnomalies(ctx, new Date(hour + 2 * 60_000));
    expect(first.anomalies_recorded).toBeGreaterThanOrEqual(1);
    const again = await recordAnomalies(ctx, new Date(hour + 3 * 60_000));
    expect(again).toMatchObject({ anomalies_recorded: 0, alerts_raised: 0 });
    const rows = await ctx.sql<{ type: string; severity: string }[]>`SELECT type, severity FROM anomalies WHERE project_id = ${id}`;
    expect(rows).toEqual([{ type: 'availability_drop', severity: 'critical' }]);

    const from = new Date(hour - 24 * HOUR).toISOString();
    const listed = await app.request('GET', `/api/v1/projects/${id}/anomalies?from=${encodeURIComponent(from)}`, { token: viewer.token });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ type: 'availability_drop', severity: 'critical', value: 50, baseline: 100, hour: new Date(hour - HOUR).toISOString(), id: expect.any(Number) })]);

    const alerts = await app.request('GET', `/api/v1/projects/${id}/alerts`, { token: viewer.token });
    expect(alerts.status, alerts.text).toBe(200);
    expect(alerts.body.items).toHaveLength(1);
    expect(alerts.body.items[0]).toMatchObject({ type: 'anomaly', severity: 'critical', project_id: id });
    expect(alerts.body.items[0].title).toMatch(/Job/);
  });
});
