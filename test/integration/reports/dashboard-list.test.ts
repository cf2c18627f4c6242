import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';

// The dashboard's lean project list (issue 17): each row's uptime over the last 24 hours comes from the
// shared read model on the server (time-based, issue 19), the same figure as the SLA report's.

let app: TestApp;
let owner: { id: number; token: string };
let viewer: { token: string };
let withHistory: number;
let empty: number;

const MIN = 60_000;
const H = 60 * MIN;

beforeAll(async () => {
  app = await startTestApp();
  owner = await app.user('user', 'Owner');
  viewer = await app.user('viewer', 'Viewer');
  const a = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title: 'Imported', url: 'https://example.com', tags: ['web'], status_interval: 300 } });
  const b = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title: 'Fresh', url: 'https://example.org' } });
  expect([a.status, b.status]).toEqual([201, 201]);
  withHistory = a.body.id;
  empty = b.body.id;
  // Every 5 minutes for 30 hours up to a minute ago; down for one hour (12 checks) ten hours ago.
  const now = Date.now();
  const start = now - 30 * H;
  const results = [];
  for (let t = start; t <= now - MIN; t += 5 * MIN) {
    const down = t >= now - 10 * H && t < now - 10 * H + 12 * 5 * MIN;
    results.push({ checked_at: new Date(t).toISOString(), is_available: !down, status_code: down ? 503 : 200, response_time: 120, error_message: down ? 'HTTP 503' : null });
  }
  const r = await app.request('POST', `/api/v1/projects/${withHistory}/results/import`, { token: owner.token, body: { results } });
  expect(r.status, r.text).toBe(200);
});
afterAll(async () => app?.close());

describe('GET /api/v1/dashboard/projects', () => {
  it('gives each project its 24 h uptime from the rollups, the same figure as the SLA report', async () => {
    const r = await app.request('GET', '/api/v1/dashboard/projects', { token: viewer.token });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ total: 2, page: 1, size: 100, pages: 1 });
    const row = r.body.items.find((p: { id: number }) => p.id === withHistory);
    // One hour down out of 24 covered hours.
    expect(row.uptime_24h).toBeCloseTo(100 * (1 - 1 / 24), 1);
    const sla = await app.request('GET', `/api/v1/projects/${withHistory}/reports/sla?period=24h`, { token: viewer.token });
    expect(sla.status, sla.text).toBe(200);
    expect(row.uptime_24h).toBeCloseTo(sla.body.availability, 2);
    expect(row).toMatchObject({ title: 'Imported', tags: ['web'], owner_id: owner.id, is_down: false, maintenance_mode: false });
    expect(row.last_result).toMatchObject({ is_available: true, status_code: 200, response_time: 120 });
    expect(r.body.items.find((p: { id: number }) => p.id === empty)).toMatchObject({ uptime_24h: null, last_result: null });
  });

  it('is leaner than the project list: the table\'s fields only', async () => {
    const lean = await app.request('GET', '/api/v1/dashboard/projects', { token: viewer.token });
    const full = await app.request('GET', '/api/v1/projects?size=100', { token: viewer.token });
    expect(Object.keys(lean.body.items[0]).sort()).toEqual([
      'category', 'consecutive_failures', 'id', 'is_down', 'is_running', 'last_result', 'maintenance_message', 'maintenance_mode', 'owner_id', 'tags', 'title', 'uptime_24h', 'url',
    ]);
    expect(lean.text.length).toBeLessThan(full.text.length * 0.6);
  });

  it('gives the dashboard chart without the per-project series when asked (per_project=false)', async () => {
    const full = await app.request('GET', '/api/v1/charts/dashboard?period=24h', { token: viewer.token });
    const lean = await app.request('GET', '/api/v1/charts/dashboard?period=24h&per_project=false', { token: viewer.token });
    expect(lean.status, lean.text).toBe(200);
    expect(full.body.projects.length).toBe(2);
    expect(lean.body.projects).toEqual([]);
    // The same overall series (its rolling buckets move with the clock between the two requests).
    expect(lean.body.buckets.length).toBe(full.body.buckets.length);
    const checks = (o: { checks: number[] }) => o.checks.reduce((a, n) => a + n, 0);
    expect(Math.abs(checks(lean.body.overall) - checks(full.body.overall))).toBeLessThanOrEqual(1);
    expect(checks(lean.body.overall)).toBeGreaterThan(250);
    expect((await app.request('GET', '/api/v1/charts/dashboard?per_project=no', { token: viewer.token })).status).toBe(400);
  });

  it('pages up to 500 rows, refuses more, and needs a session', async () => {
    const p2 = await app.request('GET', '/api/v1/dashboard/projects?page=2&size=1', { token: viewer.token });
    expect(p2.body).toMatchObject({ total: 2, page: 2, size: 1, pages: 2 });
    expect(p2.body.items.map((p: { id: number }) => p.id)).toEqual([empty]);
    const big = await app.request('GET', '/api/v1/dashboard/projects?size=501', { token: viewer.token });
    expect(big.status).toBe(400);
    expect(big.body.errors[0].field).toBe('size');
    expect((await app.request('GET', '/api/v1/dashboard/projects')).status).toBe(401);
  });
});

describe('GET /api/v1/dashboard/stats', () => {
  it('sums the 24 h figures of every project: time-based uptime and the average response time of the checks', async () => {
    const created = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title: 'Second', url: 'https://example.net', status_interval: 300 } });
    expect(created.status, created.text).toBe(201);
    // The same check times as "Imported", always up, answering in 200 ms.
    const first = (await app.system.ctx.sql<{ checked_at: Date }[]>`SELECT checked_at FROM check_results WHERE project_id = ${withHistory} ORDER BY checked_at`).map((r) => r.checked_at);
    const results = first.map((t) => ({ checked_at: t.toISOString(), is_available: true, status_code: 200, response_time: 200, error_message: null }));
    const r = await app.request('POST', `/api/v1/projects/${created.body.id}/results/import`, { token: owner.token, body: { results } });
    expect(r.status, r.text).toBe(200);

    await app.system.ctx.cache.del('dashboard:stats:v1');
    const stats = await app.request('GET', '/api/v1/dashboard/stats', { token: viewer.token });
    expect(stats.status, stats.text).toBe(200);
    expect(stats.body.totals.projects).toBe(3);
    // Two fully covered days of 24 h, one of them down for an hour ("Fresh" has no recorded time).
    expect(stats.body.uptime_24h).toBeCloseTo(100 * (1 - 1 / 48), 1);
    const list = (await app.request('GET', '/api/v1/dashboard/projects', { token: viewer.token })).body.items as { id: number; uptime_24h: number | null }[];
    const each = list.filter((p) => p.uptime_24h !== null).map((p) => p.uptime_24h!);
    expect(each).toHaveLength(2);
    expect(stats.body.uptime_24h).toBeCloseTo((each[0]! + each[1]!) / 2, 2);
    // The same number of checks at 120 ms (the failed ones too) and at 200 ms.
    expect(stats.body.avg_response_time_24h).toBe(160);
  });
});
