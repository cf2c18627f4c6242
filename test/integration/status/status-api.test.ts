import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertExpiryCheck } from '../../../layers/repositories/monitoring.ts';
import { STATUS_LIST_KEY, statusDetailKey } from '../../../layers/services/status-keys.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { createProject, expectErrorBody, expectInvalid } from '../api/helpers.ts';
import { hourlyHistory, importHistory, utcDay } from './history.ts';

// Issue 12 on the real database with an imported history: the public status list and detail, what
// they may show, their cache headers, the badges and the mobile API.

let app: TestApp;
let owner: { id: number; email: string; token: string };
let admin: { token: string };
const ids = {} as Record<'healthy' | 'outage' | 'down' | 'slow' | 'waiting' | 'private' | 'deleted' | 'maintenance', number>;
const SECRET_URL = 'http://10.20.30.40:8443/internal-health?token=hunter2';
const SECRET_ERROR = 'connect ECONNREFUSED 10.20.30.40:8443 (secret-db.internal)';
const now = new Date();
const OUTAGE_DAY = utcDay(now, -10);

const publicProject = (title: string, extra: Record<string, unknown> = {}) =>
  createProject(app, owner.token, {
    title,
    url: SECRET_URL,
    host_name: 'secret-db.internal',
    ip_address: '10.20.30.40',
    custom_headers: { Authorization: 'Bearer top-secret' },
    is_public: true,
    category: 'Web',
    status_interval: 3600,
    ...extra,
  });

async function forgetStatus(...projectIds: number[]) {
  await app.system.ctx.cache.del(STATUS_LIST_KEY);
  for (const id of projectIds) await app.system.ctx.cache.del(statusDetailKey(id));
}

beforeAll(async () => {
  app = await startTestApp();
  // The app's clock stands still at `now`: the down project's 24-hour figure falls by 0.01% every ~9 s
  // of wall clock, so the status list and a badge read a moment apart could differ in the last digit.
  Object.assign(app.system.ctx, { clock: { now: () => new Date(now) } });
  admin = await app.user('admin');
  owner = await app.user('user', 'Owner');
  ids.healthy = await publicProject('Healthy site');
  ids.outage = await publicProject('Site with an outage');
  ids.down = await publicProject('Down site');
  ids.slow = await publicProject('Slow site', { time_limit: 500 });
  ids.waiting = await publicProject('New site');
  ids.private = await createProject(app, owner.token, { title: 'Private site', url: SECRET_URL, status_interval: 3600 });
  ids.deleted = await publicProject('Deleted site');
  ids.maintenance = await publicProject('Site in maintenance');
  // 60 days of hourly checks; the outage project fails 10:00-13:00 UTC on one day (4 of 24 hours).
  const start = new Date(now.getTime() - 60 * 86_400_000);
  await importHistory(app, owner.token, ids.healthy, hourlyHistory(start, now, () => true));
  await importHistory(app, owner.token, ids.private, hourlyHistory(start, now, () => true));
  await importHistory(app, owner.token, ids.deleted, hourlyHistory(start, now, () => true));
  await importHistory(app, owner.token, ids.maintenance, hourlyHistory(start, now, () => true));
  await importHistory(app, owner.token, ids.outage, hourlyHistory(start, now, (at) => !(at.toISOString().slice(0, 10) === OUTAGE_DAY && at.getUTCHours() >= 10 && at.getUTCHours() < 14), SECRET_ERROR));
  // Down for the last 5 hours (alert_threshold 3): an open incident.
  await importHistory(app, owner.token, ids.down, hourlyHistory(start, now, (at) => at.getTime() < now.getTime() - 5 * 3_600_000, SECRET_ERROR));
  await importHistory(app, owner.token, ids.slow, hourlyHistory(start, now, () => true, undefined, 900));
  expect((await app.request('DELETE', `/api/v1/projects/${ids.deleted}`, { token: admin.token })).status).toBe(204);
  expect((await app.request('PUT', `/api/v1/projects/${ids.maintenance}/maintenance`, { token: owner.token, body: { maintenance_mode: true, maintenance_message: 'secret maintenance note' } })).status).toBe(200);
}, 180_000);
afterAll(async () => app?.close());

const get = (path: string, headers: Record<string, string> = {}) => app.request('GET', path, { headers });

describe('GET /api/v1/status/', () => {
  it('lists the active public projects only, with the overall state and the figures of the read model', async () => {
    const r = await get('/api/v1/status/');
    expect(r.status, r.text).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['projects', 'status', 'updated_at']);
    const listed = r.body.projects.map((p: { id: number }) => p.id);
    expect(listed).toEqual([ids.healthy, ids.outage, ids.down, ids.slow, ids.waiting, ids.maintenance]);
    for (const p of r.body.projects) {
      expect(Object.keys(p).sort()).toEqual(['category', 'id', 'last_checked_at', 'response_time', 'status', 'title', 'uptime_24h', 'uptime_30d', 'uptime_7d']);
    }
    const byId = Object.fromEntries(r.body.projects.map((p: { id: number }) => [p.id, p]));
    expect(byId[ids.healthy]).toMatchObject({ status: 'up', uptime_24h: 100, uptime_7d: 100, uptime_30d: 100, category: 'Web' });
    expect(byId[ids.down]).toMatchObject({ status: 'down' });
    // Failed from the first whole hour after now-5h until now (the last result stands until now).
    const firstFailed = Math.ceil((now.getTime() - 5 * 3_600_000) / 3_600_000) * 3_600_000;
    expect(byId[ids.down].uptime_24h).toBeCloseTo(100 * (1 - (Date.now() - firstFailed) / 86_400_000), 1);
    expect(byId[ids.maintenance].status).toBe('maintenance');
    expect(byId[ids.waiting]).toMatchObject({ status: 'unknown', uptime_24h: null, response_time: null, last_checked_at: null });
    expect(byId[ids.outage].uptime_30d).toBeCloseTo(100 * (1 - 4 / (30 * 24)), 1);
    expect(byId[ids.slow].response_time).toBe(900);
    // One down of six: degraded (and the slow one alone would be too).
    expect(r.body.status).toBe('degraded');
  });

  it('follows the overall rules: more than half down is a major outage, none down or slow is operational', async () => {
    const sql = app.system.ctx.sql;
    await sql`UPDATE monitor_state SET is_down = true WHERE project_id IN ${sql([ids.healthy, ids.outage, ids.slow])}`;
    await forgetStatus();
    expect((await get('/api/v1/status')).body.status).toBe('major_outage');
    await sql`UPDATE monitor_state SET is_down = false WHERE project_id IN ${sql([ids.healthy, ids.outage, ids.slow, ids.down])}`;
    await forgetStatus();
    expect((await get('/api/v1/status')).body.status).toBe('degraded'); // the slow one
    await sql`UPDATE projects SET time_limit = 2000 WHERE id = ${ids.slow}`;
    await forgetStatus();
    expect((await get('/api/v1/status')).body.status).toBe('operational');
    await sql`UPDATE monitor_state SET is_down = true WHERE project_id = ${ids.down}`;
    await sql`UPDATE projects SET time_limit = 500 WHERE id = ${ids.slow}`;
    await forgetStatus();
    expect((await get('/api/v1/status')).body.status).toBe('degraded');
  });

  it('is cached on the server for 60 s and sent with Cache-Control, an ETag and 304 on If-None-Match', async () => {
    await forgetStatus();
    const first = await get('/api/v1/status');
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    await app.system.ctx.sql`UPDATE projects SET title = 'Renamed site' WHERE id = ${ids.healthy}`;
    const cached = await get('/api/v1/status');
    expect(cached.text).toBe(first.text);
    const again = await get('/api/v1/status', { 'if-none-match': etag! });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe('public, max-age=60');
    expect((await get('/api/v1/status', { 'if-none-match': '"something-else"' })).status).toBe(200);
    await forgetStatus();
    const fresh = await get('/api/v1/status', { 'if-none-match': etag! });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).not.toBe(etag);
    expect(fresh.body.projects[0].title).toBe('Renamed site');
    await app.system.ctx.sql`UPDATE projects SET title = 'Healthy site' WHERE id = ${ids.healthy}`;
    await forgetStatus();
  });
});

describe('GET /api/v1/status/{id}', () => {
  it('gives 90 days of history, oldest first, with the known outage day', async () => {
    const r = await get(`/api/v1/status/${ids.outage}`);
    expect(r.status, r.text).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['category', 'history', 'id', 'incidents', 'last_checked_at', 'response_time', 'status', 'title', 'uptime_24h', 'uptime_30d', 'uptime_7d']);
    // The page shows the figures the list shows for it.
    const { history: _h, incidents: _i, ...summary } = r.body;
    expect(summary).toEqual((await get('/api/v1/status')).body.projects.find((p: { id: number }) => p.id === ids.outage));
    const history = r.body.history as { date: string; availability: number | null; downtime_minutes: number; incident_count: number }[];
    expect(history).toHaveLength(90);
    expect(history[0]!.date).toBe(utcDay(now, -89));
    expect(history[89]!.date).toBe(utcDay(now, 0));
    for (const d of history) expect(Object.keys(d).sort()).toEqual(['availability', 'date', 'downtime_minutes', 'incident_count']);
    const outage = history.find((d) => d.date === OUTAGE_DAY)!;
    expect(outage.availability).toBeCloseTo((100 * 20) / 24, 1);
    expect(outage.downtime_minutes).toBeCloseTo(240, 0);
    expect(outage.incident_count).toBe(1);
    expect(history.find((d) => d.date === utcDay(now, -20))).toMatchObject({ availability: 100, downtime_minutes: 0, incident_count: 0 });
    // Before the imported history began: no data, not 100%.
    expect(history.find((d) => d.date === utcDay(now, -80))).toMatchObject({ availability: null, incident_count: 0 });
    expect(history.filter((d) => d.availability !== null && d.availability < 100).map((d) => d.date)).toEqual([OUTAGE_DAY]);
  });

  it('lists the incidents of the last 90 days with their public updates in order, and no error text', async () => {
    const list = await app.request('GET', `/api/v1/projects/${ids.outage}/incidents`, { token: owner.token });
    expect(list.body.total).toBe(1);
    const incidentId = list.body.items[0].id as number;
    expect(list.body.items[0].first_error).toBe(SECRET_ERROR); // private, for the signed-in
    await app.request('POST', `/api/v1/incidents/${incidentId}/updates`, { token: owner.token, body: { status: 'investigating', message: 'Checkout fails for some.' } });
    await app.request('POST', `/api/v1/incidents/${incidentId}/updates`, { token: owner.token, body: { status: 'resolved', message: 'Fixed.' } });
    await app.request('PATCH', `/api/v1/incidents/${incidentId}`, { token: owner.token, body: { title: 'Checkout errors', postmortem: 'A full disk.' } });
    const r = await get(`/api/v1/status/${ids.outage}`);
    expect(r.body.incidents).toHaveLength(1);
    const [incident] = r.body.incidents;
    expect(Object.keys(incident).sort()).toEqual(['duration_minutes', 'ended_at', 'id', 'postmortem', 'started_at', 'title', 'updates']);
    expect(incident).toMatchObject({ id: incidentId, title: 'Checkout errors', postmortem: 'A full disk.', started_at: `${OUTAGE_DAY}T10:00:00.000Z`, ended_at: `${OUTAGE_DAY}T14:00:00.000Z`, duration_minutes: 240 });
    expect(incident.updates.map((u: { status: string; message: string }) => [u.status, u.message])).toEqual([['investigating', 'Checkout fails for some.'], ['resolved', 'Fixed.']]);
    for (const u of incident.updates) expect(Object.keys(u).sort()).toEqual(['created_at', 'message', 'status']);
  });

  it('gives the same 404 for a private, a deleted, an unknown project; 400 for a malformed id', async () => {
    const answers = await Promise.all([ids.private, ids.deleted, 999_999].map((id) => get(`/api/v1/status/${id}`)));
    for (const a of answers) {
      expectErrorBody(a, 404);
      expect(a.headers.get('cache-control')).toBe('public, max-age=60');
    }
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    for (const bad of ['abc', '0', '-1', '2147483648', '1.5']) expect((await get(`/api/v1/status/${bad}`)).status).toBe(400);
  });

  it('is cached 120 s with an ETag, and answers 304', async () => {
    const first = await get(`/api/v1/status/${ids.healthy}`);
    expect(first.headers.get('cache-control')).toBe('public, max-age=120');
    const again = await get(`/api/v1/status/${ids.healthy}`, { 'if-none-match': `W/${first.headers.get('etag')}` });
    expect(again.status).toBe(304);
  });
});

describe('nothing private leaves the public answers', () => {
  it('holds no owner, URL, host, IP, header, alert address, webhook or error text', async () => {
    await forgetStatus(ids.outage, ids.down, ids.maintenance);
    const texts = [
      (await get('/api/v1/status')).text,
      ...(await Promise.all([ids.outage, ids.down, ids.maintenance, ids.healthy].map((id) => get(`/api/v1/status/${id}`)))).map((r) => r.text),
      ...(await Promise.all((['uptime', 'status', 'response-time', 'cert-exp'] as const).map((k) => get(`/api/v1/badge/${ids.down}/${k}?format=json`)))).map((r) => r.text),
    ];
    for (const text of texts) {
      for (const secret of ['10.20.30.40', 'secret-db', 'hunter2', 'top-secret', 'internal-health', owner.email, 'ECONNREFUSED', 'secret maintenance note', 'owner_id', 'url', 'webhook', 'alert_email', 'first_error']) {
        expect(text, secret).not.toContain(secret);
      }
    }
  });
});

describe('badges', () => {
  const svgOf = (text: string) => ({
    width: Number(/<svg[^>]* width="(\d+(?:\.\d+)?)"/.exec(text)?.[1]),
    label: /aria-label="([^"]*)"/.exec(text)?.[1],
  });

  it('draws uptime, status, response time and certificate badges with their texts and colours', async () => {
    const sql = app.system.ctx.sql;
    await insertExpiryCheck(sql, { project_id: ids.healthy, kind: 'ssl', is_valid: true, expires_at: new Date(now.getTime() + 23.5 * 86_400_000), days_remaining: 23, issuer: 'Test CA', error_message: null, details: {} });
    const uptime = await get(`/api/v1/badge/${ids.healthy}/uptime`);
    expect(uptime.status).toBe(200);
    expect(uptime.headers.get('content-type')).toBe('image/svg+xml');
    expect(uptime.headers.get('cache-control')).toBe('public, max-age=300');
    expect(uptime.headers.get('etag')).toMatch(/^"/);
    expect(svgOf(uptime.text).label).toBe('uptime: 100%');
    expect(svgOf((await get(`/api/v1/badge/${ids.down}/status`)).text).label).toBe('status: down');
    expect(svgOf((await get(`/api/v1/badge/${ids.healthy}/status`)).text).label).toBe('status: up');
    expect(svgOf((await get(`/api/v1/badge/${ids.maintenance}/status`)).text).label).toBe('status: maintenance');
    expect(svgOf((await get(`/api/v1/badge/${ids.slow}/response-time`)).text).label).toBe('response time: 900ms');
    expect(svgOf((await get(`/api/v1/badge/${ids.healthy}/cert-exp`)).text).label).toBe('certificate: 23 days');
    expect(svgOf((await get(`/api/v1/badge/${ids.outage}/cert-exp`)).text).label).toBe('certificate: unknown');
    // The badge shows the status page's figure (one read model), to two decimals rounded down.
    const list = (await get('/api/v1/status')).body.projects as { id: number; uptime_24h: number; uptime_30d: number }[];
    const figure = (id: number) => list.find((p) => p.id === id)!;
    const outage = await get(`/api/v1/badge/${ids.outage}/uptime?period=30d&format=json`);
    expect(Object.keys(outage.body).sort()).toEqual(['color', 'label', 'message', 'schemaVersion']);
    expect(outage.body).toEqual({ schemaVersion: 1, label: 'uptime', message: `${Math.floor(figure(ids.outage).uptime_30d * 100) / 100}%`, color: 'green' });
    expect(outage.body.message).toMatch(/^99\.4\d%$/);
    const down = await get(`/api/v1/badge/${ids.down}/uptime?period=24h&format=json`);
    expect(down.body).toMatchObject({ message: `${Math.floor(figure(ids.down).uptime_24h * 100) / 100}%`, color: 'red' });
    expect((await get(`/api/v1/badge/${ids.down}/status?format=json`)).body).toEqual({ schemaVersion: 1, label: 'status', message: 'down', color: 'red' });
    expect((await get(`/api/v1/badge/${ids.waiting}/uptime?format=json`)).body).toMatchObject({ message: 'no data', color: 'lightgrey' });
  });

  it('measures text widths as shields.io does: by glyph, so the badge grows with the label', async () => {
    const width = async (label: string, style = 'flat') => svgOf((await get(`/api/v1/badge/${ids.healthy}/uptime?label=${encodeURIComponent(label)}&style=${style}`)).text).width;
    const [narrow, wide, longer, korean, empty] = await Promise.all([width('iiii'), width('WWWW'), width('WWWWWWWW'), width('가용률'), width('')]);
    expect(wide).toBeGreaterThan(narrow + 20); // the same number of letters; Verdana's W is about three i wide
    // Widths add up glyph by glyph: four more W cost what the first four did, less the label's padding.
    expect(Math.abs(longer - wide - (wide - empty - 10))).toBeLessThanOrEqual(2);
    expect(korean).toBeGreaterThan(empty);
    expect(await width('uptime', 'for-the-badge')).toBeGreaterThan(await width('uptime'));
    const big = await get(`/api/v1/badge/${ids.healthy}/uptime?style=for-the-badge`);
    expect(big.text).toContain('UPTIME');
    expect((await get(`/api/v1/badge/${ids.healthy}/uptime?style=flat-square`)).text).not.toContain('rx="3"');
  });

  it('escapes the label and applies the colour parameter', async () => {
    const r = await get(`/api/v1/badge/${ids.healthy}/status?label=${encodeURIComponent('<script>alert("x")</script> & co')}&color=ff69b4`);
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('<script>');
    expect(r.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(r.text).toContain('#ff69b4');
    const json = await get(`/api/v1/badge/${ids.healthy}/status?label=${encodeURIComponent('<b>')}&color=blue&format=json`);
    expect(json.body).toEqual({ schemaVersion: 1, label: '<b>', message: 'up', color: 'blue' });
  });

  it('gives a grey "not found" badge with 404 for private, deleted and unknown projects', async () => {
    for (const id of [ids.private, ids.deleted, 999_999]) {
      for (const kind of ['uptime', 'status', 'response-time', 'cert-exp']) {
        const r = await get(`/api/v1/badge/${id}/${kind}`);
        expect(r.status).toBe(404);
        expect(r.headers.get('content-type')).toBe('image/svg+xml');
        expect(svgOf(r.text).label).toMatch(/: not found$/);
        expect(r.text).toContain('#939393');
      }
    }
    expect((await get(`/api/v1/badge/${ids.private}/status?format=json`)).body).toEqual({ schemaVersion: 1, label: 'status', message: 'not found', color: 'lightgrey' });
  });

  it('refuses an unknown period or style, a bad colour and a label over 100 characters with 400', async () => {
    expectInvalid(await get(`/api/v1/badge/${ids.healthy}/uptime?period=1y`), 'period');
    expectInvalid(await get(`/api/v1/badge/${ids.healthy}/uptime?style=plastic3d`), 'style');
    expectInvalid(await get(`/api/v1/badge/${ids.healthy}/uptime?color=url(javascript:1)`), 'color');
    expectInvalid(await get(`/api/v1/badge/${ids.healthy}/uptime?label=${'x'.repeat(101)}`), 'label');
    expect((await get(`/api/v1/badge/${ids.healthy}/uptime?label=${'x'.repeat(100)}`)).status).toBe(200);
    expectInvalid(await get(`/api/v1/badge/${ids.healthy}/uptime?label=a%01b`), 'label');
    for (const bad of ['abc', '0', '99999999999']) expect((await get(`/api/v1/badge/${bad}/uptime`)).status).toBe(400);
  });
});

describe('mobile API', () => {
  it('lists lean projects, under 30% of the bytes of /projects for the same page', async () => {
    const lean = await app.request('GET', '/api/v1/mobile/projects?page=1&size=20', { token: owner.token });
    const full = await app.request('GET', '/api/v1/projects?page=1&size=20', { token: owner.token });
    expect(lean.status, lean.text).toBe(200);
    expect(lean.body.total).toBe(full.body.total);
    expect(lean.body.items.map((p: { id: number }) => p.id)).toEqual(full.body.items.map((p: { id: number }) => p.id));
    for (const p of lean.body.items) expect(Object.keys(p).sort()).toEqual(['id', 'last_checked_at', 'response_time', 'status', 'title', 'uptime_24h']);
    const ratio = Buffer.byteLength(lean.text) / Buffer.byteLength(full.text);
    expect(ratio).toBeLessThan(0.3);
    const byId = Object.fromEntries(lean.body.items.map((p: { id: number }) => [p.id, p]));
    expect(byId[ids.healthy]).toMatchObject({ status: 'up', uptime_24h: 100 });
    expect(byId[ids.private]).toMatchObject({ status: 'up' }); // signed in: every active project
  });

  it('sums up the dashboard: totals, the worst projects now, unread alerts', async () => {
    const r = await app.request('GET', '/api/v1/mobile/dashboard', { token: owner.token });
    expect(r.status, r.text).toBe(200);
    expect(r.body.totals).toEqual({ projects: 7, up: 4, down: 1, maintenance: 1, unknown: 1 });
    expect(r.body.worst[0]).toMatchObject({ id: ids.down, status: 'down' });
    expect(r.body.worst.map((p: { id: number }) => p.id)).toContain(ids.slow);
    const alerts = await app.request('GET', '/api/v1/alerts/unread?size=1', { token: owner.token });
    expect(r.body.unread_alerts).toBe(alerts.body.total);
  });

  it('counts the same unread alerts in the alert list, the dashboard stats and the mobile dashboard, none of a deleted project', async () => {
    const sql = app.system.ctx.sql;
    await app.request('POST', '/api/v1/alerts', { token: owner.token, body: { project_id: ids.healthy, title: 'seen everywhere', message: 'note' } });
    await sql`INSERT INTO alerts (user_id, project_id, type, severity, title, message) VALUES (${owner.id}, ${ids.deleted}, 'manual', 'info', 'of a deleted project', 'note')`;
    const [raw] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM alerts WHERE user_id = ${owner.id} AND NOT is_read`;
    await app.system.ctx.cache.del(`dashboard:unread:${owner.id}`);
    const list = await app.request('GET', '/api/v1/alerts/unread?size=1', { token: owner.token });
    const stats = await app.request('GET', '/api/v1/dashboard/stats', { token: owner.token });
    const mobile = await app.request('GET', '/api/v1/mobile/dashboard', { token: owner.token });
    expect(list.body.total).toBe(raw!.n - 1);
    expect(stats.body.unread_alerts).toBe(list.body.total);
    expect(mobile.body.unread_alerts).toBe(list.body.total);
  });

  it('pages the unresolved alerts, newest first', async () => {
    for (const title of ['first', 'second', 'third']) {
      await app.request('POST', '/api/v1/alerts', { token: owner.token, body: { project_id: ids.healthy, title, message: 'note' } });
    }
    const sql = app.system.ctx.sql;
    const [resolvedOne] = await sql<{ id: number }[]>`SELECT id FROM alerts WHERE user_id = ${owner.id} AND title = 'second'`;
    await app.request('PATCH', `/api/v1/alerts/${resolvedOne!.id}`, { token: owner.token, body: { is_resolved: true } });
    const r = await app.request('GET', '/api/v1/mobile/alerts?page=1&size=2', { token: owner.token });
    expect(r.status, r.text).toBe(200);
    expect(r.body.items.map((a: { title: string }) => a.title)[0]).toBe('third');
    expect(r.body.items.map((a: { title: string }) => a.title)).not.toContain('second');
    for (const a of r.body.items) expect(Object.keys(a).sort()).toEqual(['created_at', 'id', 'is_read', 'project_id', 'severity', 'title', 'type']);
    expect(r.body.size).toBe(2);
    expect((await app.request('GET', '/api/v1/mobile/alerts?size=101', { token: owner.token })).status).toBe(400);
    expect((await app.request('GET', '/api/v1/mobile/alerts')).status).toBe(401);
  });
});
