import ko from '../../../frontend/locales/ko.json' with { type: 'json' };
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCache } from '../../../layers/platform/memory-cache.ts';
import { recordResults } from '../../../layers/services/recorder.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';

// Issue 19 over HTTP on the real database: a known history goes in through the import API (JSON and
// CSV), and every figure of the SLA report, the charts and the stats is checked against the
// definition worked out by hand.

let app: TestApp;
let owner: { id: number; token: string };
let viewer: { token: string };
let other: { token: string };
let id: number;

const H = 3_600_000;
const STEP = 300_000;
const DAY = 86_400_000;
// Midnight UTC two days ago. Day A = [T0, T0 + 24 h) is imported first (JSON), day B = the day before it, afterwards (CSV).
const T0 = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

interface Row { checked_at: string; is_available: boolean; status_code: number | null; response_time: number | null; error_message: string | null }

/** Day A: down 05:00-05:10 (three failures: an incident), a blip at 10:00, no results 12:00-12:55. */
function dayA(): Row[] {
  const rows: Row[] = [];
  for (let t = T0, i = 0; t < T0 + DAY; t += STEP, i++) {
    if (t >= T0 + 12 * H && t < T0 + 13 * H) continue;
    const down = (t >= T0 + 5 * H && t < T0 + 5 * H + 3 * STEP) || t === T0 + 10 * H;
    rows.push({ checked_at: iso(t), is_available: !down, status_code: down ? 503 : 200, response_time: 100 + (i % 40) * 5, error_message: down ? 'HTTP 503' : null });
  }
  return rows;
}

/** Day B: down 02:00-02:10 (an incident) with an error message that needs CSV quoting. */
function dayB(): Row[] {
  const rows: Row[] = [];
  for (let t = T0 - DAY, i = 0; t < T0; t += STEP, i++) {
    const down = t >= T0 - DAY + 2 * H && t < T0 - DAY + 2 * H + 3 * STEP;
    rows.push({ checked_at: iso(t), is_available: !down, status_code: down ? null : 200, response_time: down ? null : 150 + (i % 10) * 10, error_message: down ? 'connect failed, said "refused"\nretrying' : null });
  }
  return rows;
}

const csvField = (v: unknown) => {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const toCsv = (rows: Row[]) =>
  ['checked_at,is_available,status_code,response_time,error_message', ...rows.map((r) => [r.checked_at, r.is_available, r.status_code, r.response_time, r.error_message].map(csvField).join(','))].join('\r\n') + '\r\n';

const get = (path: string, token = owner.token) => app.request('GET', path, { token });
const importJson = (projectId: number, body: unknown, token = owner.token) => app.request('POST', `/api/v1/projects/${projectId}/results/import`, { token, body });
const importCsv = (projectId: number, csv: string, token = owner.token) =>
  app.request('POST', `/api/v1/projects/${projectId}/results/import`, { token, raw: csv, headers: { 'content-type': 'text/csv' } });
const rowCount = async (projectId: number) => (await app.system.ctx.sql`SELECT count(*)::int AS n FROM check_results WHERE project_id = ${projectId}`)[0]!['n'];

beforeAll(async () => {
  app = await startTestApp();
  owner = await app.user('user', 'Owner');
  viewer = await app.user('viewer', 'Viewer');
  other = await app.user('user', 'Other');
  const r = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title: 'Shop', url: 'https://example.com' } });
  expect(r.status, r.text).toBe(201);
  id = r.body.id;
});
afterAll(async () => app?.close());

describe('history import', () => {
  it('imports JSON, then older history as CSV, and counts the incidents by the alert threshold', async () => {
    const a = await importJson(id, { results: dayA() });
    expect(a.status, a.text).toBe(200);
    expect(a.body).toEqual({ imported: 276, skipped: 0, incidents: 1 });
    const b = await importCsv(id, toCsv(dayB()));
    expect(b.status, b.text).toBe(200);
    expect(b.body).toEqual({ imported: 288, skipped: 0, incidents: 1 });
    const [quoted] = await app.system.ctx.sql`SELECT error_message FROM check_results WHERE project_id = ${id} AND checked_at = ${new Date(T0 - DAY + 2 * H)}`;
    expect(quoted!['error_message']).toBe('connect failed, said "refused"\nretrying');
    // The newest imported result is the project's last one.
    const status = await get(`/api/v1/projects/${id}/status`);
    expect(new Date(status.body.last_result.checked_at).getTime()).toBe(T0 + DAY - STEP);
  });

  it('writes nothing again on a second import of the same rows, and notifies nobody', async () => {
    const again = await importCsv(id, toCsv([...dayA(), ...dayB()]));
    expect(again.status, again.text).toBe(200);
    expect(again.body).toEqual({ imported: 0, skipped: 564, incidents: 0 });
    expect(await rowCount(id)).toBe(564);
    const alerts = await get(`/api/v1/projects/${id}/alerts`);
    expect(alerts.body.items).toEqual([]);
    const [outbox] = await app.system.ctx.sql`SELECT count(*)::int AS n FROM outbox WHERE project_id = ${id}`;
    expect(outbox!['n']).toBe(0);
  });

  it('refuses a bad row with its number and field, and writes nothing', async () => {
    const fresh = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title: 'Fresh', url: 'https://example.org' } });
    const pid = fresh.body.id as number;
    const rows: unknown[] = dayA().slice(0, 5);
    rows[2] = { ...dayA()[2]!, is_available: 'yes' };
    const bad = await importJson(pid, { results: rows });
    expect(bad.status).toBe(400);
    // In the owner's language (Korean by default), the row and field named (issue 17).
    const koRow = (row: number, field: string, message: string) => ko['api.import.row'].replace('{row}', String(row)).replace('{field}', field).replace('{message}', message);
    expect(bad.body.detail).toBe(koRow(3, 'is_available', ko['api.import.true_false']));
    expect(bad.body.errors[0]).toEqual({ field: 'row 3: is_available', message: ko['api.import.true_false'] });
    const unknown = await importJson(pid, { results: [{ ...dayA()[0]!, colour: 'red' }] });
    expect(unknown.status).toBe(400);
    // In the owner's language setting (Korean by default), from the catalog (issue 17).
    expect(unknown.body.errors[0]).toEqual({ field: 'row 1: colour', message: ko['api.unknown_field'] });
    const future = await importJson(pid, { results: [{ ...dayA()[0]!, checked_at: iso(Date.now() + DAY) }] });
    expect(future.status).toBe(400);
    expect(future.body.errors[0]).toEqual({ field: 'row 1: checked_at', message: ko['api.import.future'] });
    const maintenance = await importJson(pid, { results: [dayA()[0], { ...dayA()[1]!, in_maintenance: 'no' }] });
    expect(maintenance.body.detail).toBe(koRow(2, 'in_maintenance', ko['api.import.true_false']));
    // And in English for a reader who chose it.
    expect((await app.request('PUT', '/api/v1/users/me/settings', { token: owner.token, body: { language: 'en' } })).status).toBe(200);
    const en = await importCsv(pid, toCsv(dayA().slice(0, 2)).replace(/\r\n([^\r\n]*)\r\n$/, '\r\n$1,x\r\n'));
    expect(en.status).toBe(400);
    expect(en.body.detail).toBe('row 2, row: has 6 columns, the header 5');
    const enRange = await importJson(pid, { results: [{ ...dayA()[0]!, response_time: -1 }] });
    expect(enRange.body.detail).toBe('row 1, response_time: must be at least 0');
    expect((await app.request('PUT', '/api/v1/users/me/settings', { token: owner.token, body: { language: 'ko' } })).status).toBe(200);
    const koColumns = await importCsv(pid, toCsv(dayA().slice(0, 2)).replace(/\r\n([^\r\n]*)\r\n$/, '\r\n$1,x\r\n'));
    expect(koColumns.body.detail).toBe(koRow(2, 'row', ko['api.import.columns'].replace('{count}', '6').replace('{header}', '5')));
    const csvBad = await importCsv(pid, toCsv(dayA().slice(0, 4)).replace(/\r\n([^\r\n]*)\r\n$/, '\r\nnot-a-date,true,200,12,\r\n'));
    expect(csvBad.status).toBe(400);
    expect(csvBad.body.errors[0].field).toBe('row 4: checked_at');
    const header = await importCsv(pid, 'checked_at,up\r\n2026-01-01T00:00:00Z,true\r\n');
    expect(header.status).toBe(400);
    expect(header.body.errors[0]).toEqual({ field: 'header', message: ko['api.import.header'].replace('{columns}', 'checked_at,is_available,status_code,response_time,error_message').replace('{optional}', 'in_maintenance') });
    const type = await app.request('POST', `/api/v1/projects/${pid}/results/import`, { token: owner.token, raw: 'x', headers: { 'content-type': 'text/plain' } });
    expect(type.status).toBe(400);
    expect(type.body.errors[0].field).toBe('content-type');
    expect(await rowCount(pid)).toBe(0);
  });

  it('answers 413 beyond 200,000 rows or 20 MB', async () => {
    const row = { checked_at: iso(T0), is_available: true };
    const many = await importJson(id, { results: Array.from({ length: 200_001 }, () => row) });
    expect(many.status).toBe(413);
    const big = await importCsv(id, 'checked_at,is_available,status_code,response_time,error_message\r\n' + `${iso(T0)},true,200,1,${'x'.repeat(21 * 1024 * 1024)}\r\n`);
    expect(big.status).toBe(413);
    expect(await rowCount(id)).toBe(564);
  });

  it('lets the owner import but not a viewer or another user; an unknown project is 404', async () => {
    expect((await importJson(id, { results: [] }, viewer.token)).status).toBe(403);
    expect((await importJson(id, { results: [] }, other.token)).status).toBe(403);
    expect((await importJson(999_999, { results: [] })).status).toBe(404);
  });
});

describe('the SLA report', () => {
  const range = `from=${encodeURIComponent(iso(T0 - DAY))}&to=${encodeURIComponent(iso(T0 + DAY))}`;
  // Covered: all of day B, day A less its hour without data. Down: 3 + 4 failed results of 300 s.
  const covered = DAY / 1000 + 23 * 3600;
  const down = 7 * 300;

  it('gives every figure by the time-based definition', async () => {
    const r = await get(`/api/v1/projects/${id}/reports/sla?${range}&target=99.9`);
    expect(r.status, r.text).toBe(200);
    const s = r.body;
    expect(s.period).toEqual({ from: iso(T0 - DAY), to: iso(T0 + DAY) });
    expect(s.time_zone).toBe('Asia/Seoul');
    expect(s.target_availability).toBe(99.9);
    expect(s.availability).toBeCloseTo(100 * (1 - down / covered), 4);
    expect(s.sla_met).toBe(false);
    expect(s.downtime_minutes).toBe(35);
    expect(s.covered_minutes).toBe(covered / 60);
    expect(s.allowed_downtime_minutes).toBeCloseTo((0.001 * covered) / 60, 2);
    expect(s.maintenance_minutes).toBe(0);
    expect(s.no_data_minutes).toBe(60);
    expect(s.incident_count).toBe(2);
    expect(s.incidents).toEqual([
      { id: expect.any(Number), started_at: iso(T0 - DAY + 2 * H), ended_at: iso(T0 - DAY + 2 * H + 3 * STEP), duration_minutes: 15, error_message: 'connect failed, said "refused"\nretrying' },
      { id: expect.any(Number), started_at: iso(T0 + 5 * H), ended_at: iso(T0 + 5 * H + 3 * STEP), duration_minutes: 15, error_message: 'HTTP 503' },
    ]);
    const values = [...dayA(), ...dayB()].map((x) => x.response_time).filter((x): x is number => x !== null).sort((a, b) => a - b);
    expect(s.response_time).toEqual({
      avg: Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100,
      min: 100,
      max: 295,
      p95: values[Math.ceil(0.95 * values.length) - 1],
      source: 'raw',
    });
    // Seoul (UTC+9) days: B 09:00-24:00, then B 00:00-09:00 with A 00:00-15:00, then A 15:00-24:00.
    const d = (ms: number) => iso(ms).slice(0, 10);
    expect(s.daily.map((x: { date: string }) => x.date)).toEqual([d(T0 - DAY), d(T0), d(T0 + DAY)]);
    expect(s.daily[0]).toMatchObject({ checks: 180, downtime_minutes: 15, no_data_minutes: 0, incident_count: 1 });
    expect(s.daily[0].availability).toBeCloseTo(100 * (1 - 900 / (15 * 3600)), 4);
    expect(s.daily[1]).toMatchObject({ checks: 276, downtime_minutes: 20, no_data_minutes: 60, incident_count: 1 });
    expect(s.daily[1].availability).toBeCloseTo(100 * (1 - 1200 / (23 * 3600)), 4);
    expect(s.daily[2]).toMatchObject({ checks: 108, downtime_minutes: 0, no_data_minutes: 0, incident_count: 0, availability: 100 });
  });

  it('is met against a lower target', async () => {
    const low = await get(`/api/v1/projects/${id}/reports/sla?${range}&target=98.5`);
    expect(low.body.sla_met).toBe(true);
    expect(low.body.allowed_downtime_minutes).toBeCloseTo((0.015 * covered) / 60, 2);
  });

  it('refuses bad periods and targets, naming the field', async () => {
    const field = async (q: string) => {
      const r = await get(`/api/v1/projects/${id}/reports/sla?${q}`);
      expect(r.status, q).toBe(400);
      return r.body.errors[0].field;
    };
    expect(await field('period=1y')).toBe('period');
    expect(await field('target=0')).toBe('target');
    expect(await field('target=100.5')).toBe('target');
    expect(await field('target=abc')).toBe('target');
    expect(await field(`from=${iso(T0)}&to=${iso(T0 - H)}`)).toBe('from');
    expect(await field(`from=${iso(T0 - 401 * DAY)}&to=${iso(T0)}`)).toBe('to');
    expect(await field(`from=yesterday`)).toBe('from');
    expect((await get('/api/v1/projects/999999/reports/sla')).status).toBe(404);
    expect((await get(`/api/v1/projects/${id}/reports/sla?period=90d`, viewer.token)).status).toBe(200);
  });
});

describe('charts and stats', () => {
  const range = `from=${encodeURIComponent(iso(T0 - DAY))}&to=${encodeURIComponent(iso(T0 + DAY))}`;

  it('gives availability in 15-minute buckets over two days, from the raw results', async () => {
    const r = await get(`/api/v1/projects/${id}/charts/availability?${range}`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.bucket_seconds).toBe(900);
    expect(r.body.source).toBe('raw');
    expect(r.body.points).toHaveLength(192);
    const at = (ms: number) => r.body.points.find((p: { t: string }) => p.t === iso(ms));
    expect(at(T0 + 5 * H)).toMatchObject({ availability: 0, downtime_minutes: 15, checks: 3 });
    expect(at(T0 + 12 * H)).toMatchObject({ availability: null, checks: 0 });
    expect(at(T0 + 10 * H).availability).toBeCloseTo(100 * (10 / 15), 4);
    const total = r.body.points.reduce((a: number, p: { downtime_minutes: number }) => a + p.downtime_minutes, 0);
    expect(total).toBeCloseTo(35, 6);
  });

  it('gives response times per hour over a week from the rollups, P95 within 2% of the raw value', async () => {
    const from = T0 - 5 * DAY;
    const r = await get(`/api/v1/projects/${id}/charts/response-time?from=${encodeURIComponent(iso(from))}&to=${encodeURIComponent(iso(T0 + DAY))}`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.bucket_seconds).toBe(3600);
    expect(r.body.source).toBe('rollup');
    expect(r.body.points).toHaveLength(144);
    expect(r.body.points.reduce((a: number, p: { checks: number }) => a + p.checks, 0)).toBe(564);
    const hour = r.body.points.find((p: { t: string }) => p.t === iso(T0 + 7 * H));
    const values = dayA().filter((x) => Date.parse(x.checked_at) >= T0 + 7 * H && Date.parse(x.checked_at) < T0 + 8 * H).map((x) => x.response_time!).sort((a, b) => a - b);
    const p95 = values[Math.ceil(0.95 * values.length) - 1]!;
    expect(Math.abs(hour.p95 - p95) / p95).toBeLessThanOrEqual(0.02);
    expect(hour).toMatchObject({ min: values[0], max: values[values.length - 1], checks: 12 });
    expect(hour.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 2);
  });

  it('gives the 30-day dashboard chart from the 4-hour rollups with the figures the hourly ones give', async () => {
    const r = await get('/api/v1/charts/dashboard?period=30d', viewer.token);
    expect(r.status, r.text).toBe(200);
    expect(r.body.bucket_seconds).toBe(4 * 3600);
    const mine = r.body.projects.find((p: { project_id: number }) => p.project_id === id);
    // 04:00-08:00 of day A (a whole bucket in the middle of the period): down 05:00-05:15.
    const i = r.body.buckets.indexOf(iso(T0 + 4 * H));
    expect(i).toBeGreaterThan(0);
    expect(mine.availability[i]).toBeCloseTo(100 * (1 - 900 / 14_400), 4);
    expect(r.body.overall.checks[i]).toBe(48);
    // The project's own charts read the hourly rollups over the same buckets: the same numbers everywhere.
    const availability = await get(`/api/v1/projects/${id}/charts/availability?period=30d`);
    const times = await get(`/api/v1/projects/${id}/charts/response-time?period=30d`);
    expect(availability.body.bucket_seconds).toBe(4 * 3600);
    const byT = new Map<string, { availability: number | null }>(availability.body.points.map((p: { t: string; availability: number | null }) => [p.t, p]));
    const avgByT = new Map<string, number | null>(times.body.points.map((p: { t: string; avg: number | null }) => [p.t, p.avg]));
    let compared = 0;
    r.body.buckets.forEach((t: string, k: number) => {
      if (!byT.has(t)) return;
      expect(mine.availability[k], t).toBe(byT.get(t)!.availability);
      expect(mine.avg_response_time[k], t).toBe(avgByT.get(t) ?? null);
      compared++;
    });
    expect(compared).toBeGreaterThanOrEqual(179);
    // Days B and A: twelve 4-hour buckets with history.
    expect(mine.availability.filter((a: number | null) => a !== null).length).toBe(12);
  });

  it('gives the dashboard chart over every project, and its stats', async () => {
    const r = await get('/api/v1/charts/dashboard?period=7d', viewer.token);
    expect(r.status, r.text).toBe(200);
    expect(r.body.bucket_seconds).toBe(3600);
    expect(r.body.buckets.length).toBeGreaterThanOrEqual(168);
    const i = r.body.buckets.indexOf(iso(T0 + 5 * H));
    expect(i).toBeGreaterThanOrEqual(0);
    const mine = r.body.projects.find((p: { project_id: number }) => p.project_id === id);
    expect(mine.title).toBe('Shop');
    expect(mine.availability).toHaveLength(r.body.buckets.length);
    expect(mine.availability[i]).toBe(75);
    expect(r.body.overall.availability[i]).toBe(75);
    expect(r.body.overall.checks[i]).toBe(12);
    expect(mine.avg_response_time[i]).toBeCloseTo(dayA().filter((x) => Date.parse(x.checked_at) >= T0 + 5 * H && Date.parse(x.checked_at) < T0 + 6 * H).reduce((a, x) => a + x.response_time!, 0) / 12, 2);
    expect((await get('/api/v1/charts/dashboard?period=90d')).status).toBe(400);

    const stats = await get('/api/v1/dashboard/stats', viewer.token);
    expect(stats.status, stats.text).toBe(200);
    expect(stats.body.totals).toEqual({ projects: 2, up: 2, down: 0, maintenance: 0, paused: 0 });
    expect(stats.body.open_incidents).toBe(0);
    expect(stats.body.unread_alerts).toBe(0);
  });

  it('refuses a bad chart period, and 404s an unknown project', async () => {
    const r = await get(`/api/v1/projects/${id}/charts/availability?period=2h`);
    expect(r.status).toBe(400);
    expect(r.body.errors[0].field).toBe('period');
    expect((await get('/api/v1/projects/999999/charts/response-time')).status).toBe(404);
  });

  it('keeps closed 4-hour buckets of the 30-day chart between reads, and drops them when history is imported', async () => {
    const created = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title: 'Late history', url: 'https://example.org' } });
    expect(created.status, created.text).toBe(201);
    const late: number = created.body.id;
    const at = T0 - 5 * DAY + 8 * H;
    const figure = async () => {
      const r = await get('/api/v1/charts/dashboard?period=30d', viewer.token);
      expect(r.status, r.text).toBe(200);
      const i = r.body.buckets.indexOf(iso(at));
      expect(i).toBeGreaterThan(0);
      return r.body.projects.find((p: { project_id: number }) => p.project_id === late).availability[i];
    };
    expect(await figure()).toBeNull();
    // The cached read holds the bucket as it was; an import of that bucket's history drops it.
    const rows = Array.from({ length: 48 }, (_, k) => ({ checked_at: iso(at + k * STEP), is_available: k !== 3, status_code: k === 3 ? 500 : 200, response_time: 120, error_message: null }));
    expect((await importJson(late, { results: rows })).status).toBe(200);
    expect(await figure()).toBeCloseTo(100 * (1 - 300 / 14_400), 4);

    // A live result recorded late, at the start of the next (closed) bucket: the span of the last
    // imported result (03:55-04:00, up) moves from the read-time open span into the rollups of the
    // cached bucket, which must not lose it; the new result's own open span is down.
    const next = at + 4 * H;
    const d = new Date(next);
    // Recorded by a function with a cache of its own (on AWS the results consumer has no Redis): the
    // API's cache must be dropped all the same.
    const consumer = { ...app.system.ctx, cache: new MemoryCache() };
    await recordResults(consumer, [{
      type: 'http_result', project_id: late, due_at: d, job_id: null, started_at: d, cycle: null,
      result: { is_available: false, status_code: 503, response_time: 80, error_kind: 'http_status', error_message: 'HTTP 503', checked_at: d, details: {} },
      content_hash: null, keywords: null,
    }], { notify: false });
    expect(await figure()).toBeCloseTo(100 * (1 - 300 / 14_400), 4);
    const r = await get('/api/v1/charts/dashboard?period=30d', viewer.token);
    expect(r.body.projects.find((p: { project_id: number }) => p.project_id === late).availability[r.body.buckets.indexOf(iso(next))]).toBe(0);
  });
});

describe('after the raw results are cleaned up', () => {
  it('gives the same report from the rollups, response times from the sketch', async () => {
    const range = `from=${encodeURIComponent(iso(T0 - DAY))}&to=${encodeURIComponent(iso(T0 + DAY))}`;
    const before = (await get(`/api/v1/projects/${id}/reports/sla?${range}`)).body;
    await app.system.ctx.sql`DELETE FROM check_results WHERE project_id = ${id}`;
    const after = (await get(`/api/v1/projects/${id}/reports/sla?${range}`)).body;
    const { response_time: rtBefore, ...restBefore } = before;
    const { response_time: rtAfter, ...restAfter } = after;
    expect(restAfter).toEqual(restBefore);
    expect(rtBefore.source).toBe('raw');
    expect(rtAfter.source).toBe('rollup');
    expect(rtAfter.min).toBe(rtBefore.min);
    expect(rtAfter.max).toBe(rtBefore.max);
    expect(rtAfter.avg).toBeCloseTo(rtBefore.avg, 2);
    expect(Math.abs(rtAfter.p95 - rtBefore.p95) / rtBefore.p95).toBeLessThanOrEqual(0.02);
    // Short buckets need raw results: the chart falls back to hours from the rollups.
    const chart = await get(`/api/v1/projects/${id}/charts/availability?${range}`);
    expect(chart.body).toMatchObject({ source: 'rollup', bucket_seconds: 3600 });
    expect(chart.body.points).toHaveLength(48);
  });
});

// Last: another project, which the charts and stats above do not count.
describe('history import with maintenance', () => {
  it('takes in_maintenance per row (JSON field or CSV column): that time counts as maintenance', async () => {
    const made = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title: 'Maintained', url: 'https://example.net' } });
    const pid = made.body.id as number;
    // Day A with 06:00-07:00 in maintenance: twelve results of five minutes.
    const inWindow = (r: Row) => Date.parse(r.checked_at) >= T0 + 6 * H && Date.parse(r.checked_at) < T0 + 7 * H;
    const rows = dayA().map((r) => ({ ...r, in_maintenance: inWindow(r) }));
    const half = rows.length / 2;
    // The first half as CSV with the column (values written three ways), the second as JSON.
    const csv = ['in_maintenance,checked_at,is_available,status_code,response_time,error_message',
      ...rows.slice(0, half).map((r, i) => [r.in_maintenance ? (i % 2 ? 'true' : ' TRUE') : (i % 3 ? 'false' : ''), r.checked_at, r.is_available, r.status_code, r.response_time, r.error_message].map(csvField).join(','))].join('\r\n');
    const a = await importCsv(pid, csv);
    expect(a.status, a.text).toBe(200);
    const b = await importJson(pid, { results: rows.slice(half) });
    expect(b.status, b.text).toBe(200);
    const [flags] = await app.system.ctx.sql`SELECT count(*) FILTER (WHERE in_maintenance)::int AS m, count(*)::int AS n FROM check_results WHERE project_id = ${pid}`;
    expect(flags).toEqual({ m: 12, n: rows.length });
    const from = iso(T0);
    const to = iso(T0 + DAY);
    const sla = await get(`/api/v1/projects/${pid}/reports/sla?from=${from}&to=${to}`);
    expect(sla.status, sla.text).toBe(200);
    expect(sla.body.maintenance_minutes).toBe(60);
    const plain = await get(`/api/v1/projects/${id}/reports/sla?from=${from}&to=${to}`);
    expect(plain.body.maintenance_minutes).toBe(0);
    // The hour left the covered time: the same downtime over 60 minutes less.
    expect(sla.body.downtime_minutes).toBe(plain.body.downtime_minutes);
    expect(sla.body.no_data_minutes).toBe(plain.body.no_data_minutes);
  });
});
