import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { expectErrorBody, expectInvalid } from '../api/helpers.ts';

const DAY = 86_400_000;
let app: TestApp;
let admin: Awaited<ReturnType<TestApp['user']>>;
let viewer: Awaited<ReturnType<TestApp['user']>>;
let manager: Awaited<ReturnType<TestApp['user']>>;
let a: number;
let b: number;

const utcDay = (ms: number) => new Date(Math.floor(ms / DAY) * DAY);
const partitionName = (d: Date) => `check_results_${d.toISOString().slice(0, 10).replaceAll('-', '')}`;

async function project(title: string): Promise<number> {
  const r = await app.request('POST', '/api/v1/projects', { token: admin.token, body: { title, url: 'http://127.0.0.1:9/' } });
  expect(r.status, r.text).toBe(201);
  return r.body.id as number;
}

async function results(projectId: number, at: number, count: number) {
  const sql = app.system.ctx.sql;
  for (let i = 0; i < count; i++) {
    await sql`INSERT INTO check_results (project_id, checked_at, is_available, status_code, response_time) VALUES (${projectId}, ${new Date(at + i * 60_000)}, true, 200, 100)`;
  }
}

async function alert(projectId: number, ageDays: number, resolved: boolean) {
  await app.system.ctx.sql`INSERT INTO alerts (user_id, project_id, type, severity, title, message, is_resolved, created_at)
    VALUES (${admin.id}, ${projectId}, 'manual', 'info', 't', 'm', ${resolved}, ${new Date(Date.now() - ageDays * DAY)})`;
}

const count = async (table: string, projectId: number) =>
  (await app.system.ctx.sql.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table} WHERE project_id = $1`, [projectId]))[0]!.n;

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.user('admin');
  viewer = await app.user('viewer');
  manager = await app.user('manager');
  a = await project('Alpha');
  b = await project('Beta');
  const sql = app.system.ctx.sql;
  // Whole old days in their own partitions, one old day left in the default partition, and today.
  for (const ago of [40, 35]) {
    const day = utcDay(Date.now() - ago * DAY);
    await sql.unsafe(`CREATE TABLE ${partitionName(day)} PARTITION OF check_results FOR VALUES FROM ('${day.toISOString()}') TO ('${new Date(day.getTime() + DAY).toISOString()}')`);
  }
  await results(a, utcDay(Date.now() - 40 * DAY).getTime() + 3_600_000, 10);
  await results(b, utcDay(Date.now() - 35 * DAY).getTime() + 3_600_000, 5);
  await results(a, utcDay(Date.now() - 31 * DAY).getTime() + 3_600_000, 2);
  await results(a, Date.now() - 3_600_000, 3);
  await sql`INSERT INTO rollups_daily (project_id, day, checks, up_checks) VALUES (${a}, ${utcDay(Date.now() - 40 * DAY)}, 10, 10)`;
  await sql`INSERT INTO incidents (project_id, started_at, ended_at) VALUES (${a}, ${new Date(Date.now() - 40 * DAY)}, ${new Date(Date.now() - 40 * DAY + 600_000)})`;
  await alert(a, 100, true);
  await alert(a, 100, false);
  await alert(b, 10, true);
});
afterAll(async () => app?.close());

describe('admin storage stats (13.3)', () => {
  it('lists raw results and alerts per project, totals, and the size of each table', async () => {
    const r = await app.request('GET', '/api/v1/admin/stats', { token: admin.token });
    expect(r.status, r.text).toBe(200);
    const pa = r.body.projects.find((p: { project_id: number }) => p.project_id === a);
    const pb = r.body.projects.find((p: { project_id: number }) => p.project_id === b);
    expect(pa).toEqual({ project_id: a, title: 'Alpha', log_count: 15, alert_count: 2, oldest_log_at: new Date(utcDay(Date.now() - 40 * DAY).getTime() + 3_600_000).toISOString() });
    expect(pb).toMatchObject({ log_count: 5, alert_count: 1 });
    expect(r.body.totals).toMatchObject({ projects: 2, log_count: 20, alert_count: 3 });
    expect(r.body.totals.database_bytes).toBeGreaterThan(0);
    const results = r.body.tables.find((t: { table: string }) => t.table === 'check_results');
    expect(results.bytes).toBeGreaterThan(0);
    expect(results.partitions).toBeGreaterThanOrEqual(3);
    expect(r.body.tables.some((t: { table: string }) => t.table.startsWith('check_results_'))).toBe(false);
    expect(r.body.totals.database_bytes).toBeGreaterThanOrEqual(r.body.tables.reduce((s: number, t: { bytes: number }) => s + t.bytes, 0));
  });

  it('is for admins only', async () => {
    expectErrorBody(await app.request('GET', '/api/v1/admin/stats', { token: viewer.token }), 403);
    expectErrorBody(await app.request('GET', '/api/v1/admin/stats', { token: manager.token }), 403);
    expectErrorBody(await app.request('GET', '/api/v1/admin/stats'), 401);
  });
});

describe('admin cleanup (13.2)', () => {
  it('refuses viewers and managers, and bad input naming the field, deleting nothing', async () => {
    for (const path of ['logs', 'alerts', 'all']) {
      expectErrorBody(await app.request('POST', `/api/v1/admin/cleanup/${path}`, { token: viewer.token, body: {} }), 403);
      expectErrorBody(await app.request('POST', `/api/v1/admin/cleanup/${path}`, { token: manager.token, body: {} }), 403);
    }
    expectInvalid(await app.request('POST', '/api/v1/admin/cleanup/logs', { token: admin.token, body: { retention_days: -1 } }), 'retention_days');
    expectInvalid(await app.request('POST', '/api/v1/admin/cleanup/logs', { token: admin.token, body: { retention_days: '30' } }), 'retention_days');
    expectInvalid(await app.request('POST', '/api/v1/admin/cleanup/logs', { token: admin.token, body: { retention_days: 1.5 } }), 'retention_days');
    expectInvalid(await app.request('POST', '/api/v1/admin/cleanup/logs', { token: admin.token, body: { days: 3 } }), 'days');
    expectInvalid(await app.request('POST', '/api/v1/admin/cleanup/alerts', { token: admin.token, body: { resolved_only: 'yes' } }), 'resolved_only');
    expectInvalid(await app.request('POST', '/api/v1/admin/cleanup/all', { token: admin.token, body: { retention_days: 1 } }), 'retention_days');
    expect(await count('check_results', a)).toBe(15);
  });

  it('deletes raw results older than the retention, whole partitions where it can, and keeps rollups and incidents', async () => {
    const r = await app.request('POST', '/api/v1/admin/cleanup/logs', { token: admin.token });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ retention_days: 30, log_rows_deleted: 17 });
    expect(r.body.partitions_dropped.sort()).toEqual([partitionName(utcDay(Date.now() - 40 * DAY)), partitionName(utcDay(Date.now() - 35 * DAY))].sort());
    expect(await count('check_results', a)).toBe(3);
    expect(await count('check_results', b)).toBe(0);
    expect(await count('rollups_daily', a)).toBe(1);
    expect(await count('incidents', a)).toBe(1);
    const again = await app.request('POST', '/api/v1/admin/cleanup/logs', { token: admin.token, body: { retention_days: 30 } });
    expect(again.body).toMatchObject({ log_rows_deleted: 0, partitions_dropped: [] });
  });

  it('deletes old resolved alerts by default, and all old ones when asked', async () => {
    const r = await app.request('POST', '/api/v1/admin/cleanup/alerts', { token: admin.token, body: {} });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ retention_days: 90, resolved_only: true, alerts_deleted: 1 });
    expect(await count('alerts', a)).toBe(1);
    const all = await app.request('POST', '/api/v1/admin/cleanup/alerts', { token: admin.token, body: { retention_days: 5, resolved_only: false } });
    expect(all.body).toMatchObject({ alerts_deleted: 2 });
    expect(await count('alerts', b)).toBe(0);
  });

  it('cleans both with the defaults and retention_days 0 empties the raw log', async () => {
    const all = await app.request('POST', '/api/v1/admin/cleanup/all', { token: admin.token });
    expect(all.status, all.text).toBe(200);
    expect(all.body).toMatchObject({ logs: { retention_days: 30, log_rows_deleted: 0 }, alerts: { retention_days: 90, resolved_only: true, alerts_deleted: 0 } });
    const zero = await app.request('POST', '/api/v1/admin/cleanup/logs', { token: admin.token, body: { retention_days: 0 } });
    expect(zero.body).toMatchObject({ log_rows_deleted: 3 });
    expect(await count('check_results', a)).toBe(0);
  });
});
