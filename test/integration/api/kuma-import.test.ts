import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../layers/endpoints/routes/index.ts';
import { bodyLimitFor, type HttpEvent } from '../../../layers/endpoints/http.ts';
import { Router } from '../../../layers/endpoints/router.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { validateMonitorsDocument } from '../../../layers/endpoints/monitors-file.ts';
import { importKuma } from '../../../layers/services/kuma-import.ts';
import { KumaDb } from '../../support/kuma-db.ts';
import { buildKumaSample, type KumaSample } from '../../support/kuma-sample.ts';
import { expectErrorBody, expectInvalid } from './helpers.ts';

// Moving over from Uptime Kuma (issue 15): POST /api/v1/admin/import/kuma with a database written
// by Kuma's own schema (1.x and 2.x table definitions, test/support/kuma-db.ts).

let app: TestApp;
let admin: string;
let manager: string;

beforeAll(async () => {
  app = await startTestApp({ DNS_SERVERS: '127.0.0.1:9' });
  admin = (await app.user('admin')).token;
  manager = (await app.user('manager')).token;
}, 60_000);
afterAll(async () => app?.close());

async function upload(bytes: Uint8Array, opts: { token?: string; query?: string; type?: string } = {}) {
  const res = await fetch(`${app.url}/api/v1/admin/import/kuma${opts.query ? `?${opts.query}` : ''}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${opts.token ?? admin}`, 'content-type': opts.type ?? 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
}

const get = async (path: string) => {
  const res = await app.request('GET', path, { token: admin });
  expect(res.status, res.text).toBe(200);
  return res.body;
};

async function projectsByKey(): Promise<Map<string, any>> {
  const list = await get('/api/v1/projects?size=100');
  return new Map(list.items.map((p: any) => [p.key, p]));
}

const counts = async () => {
  const [row] = await app.system.ctx.sql<{ projects: number; channels: number; results: number }[]>`
    SELECT (SELECT count(*)::int FROM projects WHERE is_active) AS projects,
           (SELECT count(*)::int FROM notification_channels) AS channels,
           (SELECT count(*)::int FROM check_results) AS results`;
  return row!;
};

describe('Uptime Kuma 2.x import', () => {
  let sample: KumaSample;
  let bytes: Buffer;
  let first: any;
  /** A monitor's project key, as the first import reported it. */
  const keyOf = (name: string) => first.monitors.find((m: any) => m.kuma_id === sample.ids[name]).key as string;
  /** A notification's part of its channels' names: Kuma, the installation's tag (6 digits), its id. */
  const kn = (name: string) => `Kuma ${keyOf('shop').slice('kuma-'.length, 'kuma-'.length + 6)} #${sample.ids[name]}`;

  beforeAll(() => {
    sample = buildKumaSample('2.x', new Date());
    bytes = sample.db.serialize();
  });

  it('plans on a dry run and writes nothing', async () => {
    const before = await counts();
    const res = await upload(bytes, { query: 'dry_run=true' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.applied).toBe(false);
    expect(res.body.plan.summary).toEqual({ create: 6 + 9, update: 0, delete: 0 });
    expect(res.body.history.heartbeats).toBe(sample.shop.beats + 1000);
    expect(await counts()).toEqual(before);
  });

  it('creates projects for HTTP, keyword and JSON-query monitors, keyed kuma-<installation>-<id>, and lists what it cannot map', async () => {
    const res = await upload(bytes);
    expect(res.status, res.text).toBe(200);
    first = res.body;
    const { ids } = sample;
    expect(first.kuma_version).toBe('2.x');
    const status = Object.fromEntries(first.monitors.map((m: any) => [m.kuma_id, m.status]));
    for (const k of ['shop', 'stock', 'api', 'paused', 'maint', 'codes']) expect(status[ids[k]!], k).toBe('imported');
    for (const k of ['group', 'ssh', 'router', 'backup', 'upside', 'ftp']) expect(status[ids[k]!], k).toBe('skipped');
    expect(first.unmapped.monitor_types).toEqual([
      { type: 'group', monitors: [ids['group']] },
      { type: 'ping', monitors: [ids['router']] },
      { type: 'port', monitors: [ids['ssh']] },
      { type: 'push', monitors: [ids['backup']] },
    ]);
    const reason = (id: number) => first.monitors.find((m: any) => m.kuma_id === id).reason as string;
    expect(reason(ids['upside']!)).toMatch(/upside-down/);
    expect(reason(ids['ftp']!)).toMatch(/not an http\(s\) URL/);
    expect(reason(ids['ssh']!)).toMatch(/monitor type "port"/);

    const byKey = await projectsByKey();
    // One installation tag (from Kuma's own secret, hashed), the monitor's id after it.
    const tag = /^kuma-([0-9a-f]{10})-\d+$/.exec(keyOf('shop'))?.[1];
    expect(tag).toBeDefined();
    for (const k of ['shop', 'stock', 'api', 'paused', 'maint', 'codes']) expect(keyOf(k)).toBe(`kuma-${tag}-${ids[k]}`);
    expect(JSON.stringify(first)).not.toContain('sample.installation');
    expect([...byKey.keys()].filter((k) => k.startsWith('kuma-')).sort()).toEqual(['shop', 'stock', 'api', 'paused', 'maint', 'codes'].map(keyOf).sort());
    const shop = byKey.get(keyOf('shop'));
    expect(shop).toMatchObject({
      title: 'Shop',
      url: 'http://127.0.0.1:9/shop',
      description: 'The web shop',
      status_interval: 60,
      category: 'Production',
      tags: ['env:prod', 'critical'],
      custom_headers: { 'X-Env': 'prod', Authorization: `Basic ${Buffer.from('monitor:s3cret').toString('base64')}` },
      keyword_monitoring: false,
    });
    const stock = byKey.get(keyOf('stock'));
    expect(stock).toMatchObject({ keyword_monitoring: true, keywords: ['Sold out'], keyword_alert_on_found: true, status_interval: 60 });
    const warnings = (id: number) => first.monitors.find((m: any) => m.kuma_id === id).warnings.join('\n') as string;
    expect(warnings(ids['stock']!)).toMatch(/interval 30 s became 60 s/);
    expect(warnings(ids['api']!)).toMatch(/JSON query status == "ok" is not kept/);
    // What a project has no setting for is listed per monitor: method, body, a refused header, "no redirects".
    expect(warnings(ids['codes']!)).not.toMatch(/accepted status/);
    expect(warnings(ids['codes']!)).toMatch(/method POST is not kept/);
    expect(warnings(ids['codes']!)).toMatch(/the request body \(json\) is not kept/);
    expect(warnings(ids['codes']!), warnings(ids['codes']!)).toMatch(/header "Bad Header" is not kept: /);
    expect(warnings(ids['codes']!)).toMatch(/"no redirects" is not kept/);
    expect(warnings(ids['stock']!)).toMatch(/regardless of case/);
    expect(byKey.get(keyOf('codes')).custom_headers).toEqual({ 'Content-Type': 'application/json' });
    // Kuma's accepted status codes are the project's.
    const codes = await get(`/api/v1/projects/${byKey.get(keyOf('codes')).id}/monitoring-settings`);
    expect(codes.accepted_status_codes).toEqual(['200-299', '404']);
    expect(warnings(ids['maint']!)).toMatch(/recurring maintenance "Nightly backup"/);
    expect(warnings(ids['stock']!)).toMatch(/maintenance "Next week" scheduled for .* is not carried over/);
    // A single window going on now, written in Seoul wall time: maintenance until its end.
    expect(byKey.get(keyOf('codes'))).toMatchObject({ maintenance_mode: true, maintenance_message: 'Migration', maintenance_ends_at: sample.window.end.toISOString() });

    const settings = await get(`/api/v1/projects/${shop.id}/monitoring-settings`);
    expect(settings).toMatchObject({ check_interval: 60, timeout: 48, alert_threshold: 3, accepted_status_codes: ['200-299'] });
    const maint = byKey.get(keyOf('maint'));
    expect(maint).toMatchObject({ maintenance_mode: true, maintenance_message: 'Database upgrade', maintenance_ends_at: null });
    const running = await app.system.ctx.sql<{ key: string; is_running: boolean }[]>`
      SELECT p.key, s.is_running FROM projects p JOIN monitor_state s ON s.project_id = p.id WHERE p.key LIKE 'kuma-%'`;
    expect(running.filter((r) => !r.is_running).map((r) => r.key)).toEqual([keyOf('paused')]);
  });

  it('creates the channels of supported providers with their settings and links, and reports the rest', async () => {
    const { ids } = sample;
    const channels = (await get('/api/v1/notification-channels?size=100')).items as any[];
    const byName = new Map(channels.map((c) => [c.name, c]));
    expect(byName.get(`Ops Slack (${kn('n_slack')})`)).toMatchObject({ type: 'slack', is_enabled: true, settings: { webhook_url: 'https://hooks.slack.com/****' } });
    expect(byName.get(`Phone (${kn('n_telegram')})`)).toMatchObject({ type: 'telegram', settings: { chat_id: '-1001234567890' } });
    expect(byName.get(`Mail (${kn('n_mail')}, 1)`)).toMatchObject({ type: 'email', settings: { address: 'ops@example.com' } });
    expect(byName.get(`Mail (${kn('n_mail')}, 2)`)).toMatchObject({ type: 'email', settings: { address: 'boss@example.com' } });
    expect(byName.get(`Pager (${kn('n_pd')})`)).toMatchObject({ type: 'pagerduty', settings: { events_url: 'https://events.pagerduty.com/v2/enqueue' } });
    expect(byName.get(`Opsgenie EU (${kn('n_opsgenie')})`)).toMatchObject({ type: 'opsgenie', settings: { region: 'eu' } });
    expect(byName.get(`Hook (${kn('n_webhook')})`)).toMatchObject({ type: 'webhook' });
    expect(byName.get(`Discord (${kn('n_discord')})`)).toMatchObject({ type: 'discord', is_enabled: false });
    expect(byName.get(`Chat (${kn('n_chat')})`)).toMatchObject({ type: 'google_chat' });
    expect(channels.filter((c) => /\(Kuma [0-9a-f]{6} #/.test(c.name))).toHaveLength(9);
    // The stored secrets are Kuma's, unmasked inside.
    const [stored] = await app.system.ctx.sql<{ settings: Record<string, unknown> }[]>`SELECT settings FROM notification_channels WHERE name = ${`Pager (${kn('n_pd')})`}`;
    expect(stored!.settings['routing_key']).toBe('R0UT1NGKEY0123456789abcdefABCDEF');

    const n = (id: number) => first.notifications.find((x: any) => x.kuma_id === id);
    expect(n(ids['n_ntfy']!)).toMatchObject({ status: 'skipped', provider: 'ntfy' });
    expect(n(ids['n_ntfy']!).reason).toMatch(/user name and password/);
    expect(n(ids['n_badtg']!)).toMatchObject({ status: 'skipped', provider: 'telegram' });
    expect(n(ids['n_badtg']!).reason).toMatch(/settings\.bot_token/);
    expect(first.unmapped.providers).toEqual([{ provider: 'pushover', notifications: [ids['n_pushover']] }]);

    const byKey = await projectsByKey();
    const linked = async (key: string) => {
      const s = await get(`/api/v1/projects/${byKey.get(key).id}/monitoring-settings`);
      return (s.channel_ids as number[]).map((id) => channels.find((c) => c.id === id)!.name).sort();
    };
    expect(await linked(keyOf('shop'))).toEqual(
      [`Mail (${kn('n_mail')}, 1)`, `Mail (${kn('n_mail')}, 2)`, `Ops Slack (${kn('n_slack')})`, `Phone (${kn('n_telegram')})`].sort(),
    );
    expect(await linked(keyOf('api'))).toEqual([`Hook (${kn('n_webhook')})`, `Opsgenie EU (${kn('n_opsgenie')})`].sort());
    expect(await linked(keyOf('codes'))).toEqual([]);
  });

  it('imports the heartbeats as history: up available, down and pending failed, maintenance in maintenance', async () => {
    const { ids } = sample;
    const shop = first.monitors.find((m: any) => m.kuma_id === ids['shop']);
    expect(shop.history).toMatchObject({ heartbeats: sample.shop.beats, imported: sample.shop.beats, skipped: 0, incidents: 1, pending: 2, maintenance: 30 });
    expect(shop.history.kuma_uptime_percent).toBeCloseTo(sample.shop.kuma2x, 3);
    expect(sample.shop.kuma2x).toBeCloseTo((100 * (sample.shop.beats - sample.shop.down - sample.shop.pending)) / sample.shop.beats, 6);
    expect(first.history).toEqual({ heartbeats: sample.shop.beats + 1000, imported: sample.shop.beats + 1000, skipped: 0, incidents: 1 });
    const rows = await app.system.ctx.sql<{ is_available: boolean; status_code: number | null; n: number }[]>`
      SELECT r.is_available, r.status_code, count(*)::int AS n FROM check_results r JOIN projects p ON p.id = r.project_id
      WHERE p.key = ${keyOf('shop')} GROUP BY 1, 2 ORDER BY 1, 2`;
    expect(rows).toEqual([
      { is_available: false, status_code: 503, n: 10 },
      { is_available: false, status_code: null, n: 2 },
      { is_available: true, status_code: 200, n: sample.shop.beats - 30 - 12 },
      // The maintenance beats: no check ran, so no status.
      { is_available: true, status_code: null, n: 30 },
    ]);
    // No notification for history: nothing went to the outbox.
    const [outbox] = await app.system.ctx.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox`;
    expect(outbox!.n).toBe(0);
  });

  it("gives an SLA report for Kuma's period that matches Kuma's figure within the definitions' difference", async () => {
    const { ids, period } = sample;
    const id = (await projectsByKey()).get(keyOf('shop')).id;
    const sla = await get(`/api/v1/projects/${id}/reports/sla?from=${period.from.toISOString()}&to=${period.to.toISOString()}&target=99.9`);
    // The maintenance beats go to the history import with in_maintenance; where it records the flag
    // they are maintenance time, else (the history import before its in_maintenance field) up time.
    const [m] = await app.system.ctx.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM check_results WHERE project_id = ${id} AND in_maintenance`;
    expect([0, sample.shop.maintenance]).toContain(m!.n);
    // Ours counts time: exactly the definition's figure for these beats.
    expect(sla.availability).toBeCloseTo(m!.n > 0 ? sample.shop.expectedAvailability : sample.shop.availabilityMaintenanceUp, 2);
    expect(sla.incident_count).toBe(1);
    expect(sla.downtime_minutes).toBeCloseTo(11, 1);
    // Kuma counts beats, maintenance ones as up. The two differ by no more than the beats that weigh
    // differently: the 30 maintenance beats (up for Kuma, no data for us) and the 2 pending ones (a
    // beat each for Kuma, 20 and 40 s for us).
    const kumaFigure = sample.shop.kuma2x;
    const bound = (100 * (sample.shop.maintenance + sample.shop.pending)) / sample.shop.beats;
    expect(Math.abs(sla.availability - kumaFigure)).toBeLessThanOrEqual(bound);
    expect(Math.abs(sla.availability - kumaFigure)).toBeGreaterThan(0);
  });

  it('creates nothing twice when run again', async () => {
    const before = await counts();
    const res = await upload(bytes);
    expect(res.status, res.text).toBe(200);
    expect(res.body.plan.summary).toEqual({ create: 0, update: 0, delete: 0 });
    expect(res.body.history).toEqual({ heartbeats: sample.shop.beats + 1000, imported: 0, skipped: sample.shop.beats + 1000, incidents: 0 });
    expect(await counts()).toEqual(before);
  });

  it('picks up the heartbeats Kuma wrote since, and a changed monitor', async () => {
    const { ids } = sample;
    const last = sample.period.to;
    sample.db.heartbeats(ids['shop']!, [{ time: last, status: 1, ping: 90 }, { time: new Date(last.getTime() + 60_000), status: 1, ping: 91 }]);
    sample.db.db.prepare(`UPDATE monitor SET name = 'Shop (EU)' WHERE id = ?`).run(ids['shop']);
    const res = await upload(sample.db.serialize());
    expect(res.status, res.text).toBe(200);
    expect(res.body.plan.changes).toEqual([{ kind: 'project', action: 'update', name: keyOf('shop'), fields: [{ field: 'title', from: 'Shop', to: 'Shop (EU)' }] }]);
    expect(res.body.history.imported).toBe(2);
  });
});

describe('Uptime Kuma import: keys per installation', () => {
  /** A Kuma database of one HTTP monitor (id 1) with five beats from `at`; `secret`: its jwtSecret, null for none. */
  const small = (secret: string | null, url: string, at: number) => {
    const k = new KumaDb('2.x');
    if (secret !== null) k.jwtSecret(secret);
    const id = k.monitor({ name: 'Same id', type: 'http', url, maxretries: 0 });
    k.heartbeats(id, Array.from({ length: 5 }, (_, i) => ({ time: new Date(at + i * 60_000), status: 1, ping: 10 })));
    // A notification of id 1 in every installation, each to its own hook.
    const n = k.notification('Team hook', { type: 'webhook', webhookURL: `${url}/hook` });
    k.link(id, n);
    return { k, id, n };
  };

  it("gives two installations' monitors of the same id projects of their own; importing either again creates nothing", async () => {
    const a = small('$2a$10$installation.A.secret', 'http://127.0.0.1:9/install-a', Date.UTC(2026, 1, 1));
    const b = small('$2a$10$installation.B.secret', 'http://127.0.0.1:9/install-b', Date.UTC(2026, 1, 2));
    expect(a.id).toBe(b.id);
    const ra = await upload(a.k.serialize());
    const rb = await upload(b.k.serialize());
    expect(ra.status, ra.text).toBe(200);
    expect(rb.status, rb.text).toBe(200);
    const keyA = ra.body.monitors[0].key as string;
    const keyB = rb.body.monitors[0].key as string;
    expect(keyA).toMatch(new RegExp(`^kuma-[0-9a-f]{10}-${a.id}$`));
    expect(keyB).toMatch(new RegExp(`^kuma-[0-9a-f]{10}-${b.id}$`));
    expect(keyA).not.toBe(keyB);
    expect(rb.body.plan.summary).toEqual({ create: 2, update: 0, delete: 0 });
    const byKey = await projectsByKey();
    expect(byKey.get(keyA).url).toBe('http://127.0.0.1:9/install-a');
    expect(byKey.get(keyB).url).toBe('http://127.0.0.1:9/install-b');
    // Their notifications of one id are two channels, each linked to its own installation's project.
    const [chA] = ra.body.notifications[0].channels as string[];
    const [chB] = rb.body.notifications[0].channels as string[];
    expect(chA).toMatch(new RegExp(`^Team hook \\(Kuma [0-9a-f]{6} #${a.n}\\)$`));
    expect(chA).not.toBe(chB);
    const hooks = await app.system.ctx.sql<{ name: string; url: string; key: string }[]>`
      SELECT c.name, c.settings->>'url' AS url, p.key FROM notification_channels c
      JOIN project_channels pc ON pc.channel_id = c.id JOIN projects p ON p.id = pc.project_id
      WHERE c.name IN ${app.system.ctx.sql([chA!, chB!])} ORDER BY p.key = ${keyA} DESC`;
    expect(hooks).toEqual([
      { name: chA, url: 'http://127.0.0.1:9/install-a/hook', key: keyA },
      { name: chB, url: 'http://127.0.0.1:9/install-b/hook', key: keyB },
    ]);
    const before = await counts();
    const again = await upload(a.k.serialize());
    expect(again.body.monitors[0].key).toBe(keyA);
    expect(again.body.plan.summary).toEqual({ create: 0, update: 0, delete: 0 });
    expect(again.body.history).toMatchObject({ imported: 0, skipped: 5 });
    expect(await counts()).toEqual(before);
    a.k.close();
    b.k.close();
  });

  it("keeps the kuma-<id> key an earlier import gave this database's monitor, and leaves another installation's alone", async () => {
    // An import keyed kuma-<id> (a database without the secret names no installation, as every import did before).
    const old = small(null, 'http://127.0.0.1:9/legacy-same', Date.UTC(2026, 2, 1));
    const r1 = await upload(old.k.serialize());
    expect(r1.status, r1.text).toBe(200);
    expect(r1.body.monitors[0].key).toBe(`kuma-${old.id}`);
    expect(r1.body.notifications[0].channels).toEqual([`Team hook (Kuma #${old.n})`]);
    // The same database with its secret: its project is the one with the URL and the recorded first beat.
    old.k.jwtSecret('$2a$10$installation.legacy.secret');
    old.k.heartbeats(old.id, [{ time: new Date(Date.UTC(2026, 2, 1, 1)), status: 1, ping: 10 }]);
    const before = await counts();
    const r2 = await upload(old.k.serialize());
    expect(r2.status, r2.text).toBe(200);
    expect(r2.body.monitors[0].key).toBe(`kuma-${old.id}`);
    // Its channels keep the names of then too.
    expect(r2.body.notifications[0].channels).toEqual([`Team hook (Kuma #${old.n})`]);
    expect(r2.body.plan.summary).toEqual({ create: 0, update: 0, delete: 0 });
    expect(r2.body.history).toMatchObject({ imported: 1, skipped: 5 });
    expect(await counts()).toEqual({ ...before, results: before.results + 1 });
    // Another installation whose monitor has the same id and URL, but not those beats: a project of its own.
    const other = small('$2a$10$installation.other.secret', 'http://127.0.0.1:9/legacy-same', Date.UTC(2026, 3, 1));
    const r3 = await upload(other.k.serialize());
    expect(r3.status, r3.text).toBe(200);
    expect(r3.body.monitors[0].key).toMatch(new RegExp(`^kuma-[0-9a-f]{10}-${other.id}$`));
    expect(r3.body.plan.summary).toEqual({ create: 2, update: 0, delete: 0 });
    expect((await projectsByKey()).get(`kuma-${old.id}`).url).toBe('http://127.0.0.1:9/legacy-same');
    old.k.close();
    other.k.close();
  });
});

describe('Uptime Kuma import in pages', () => {
  it('reads every heartbeat across page boundaries, beats of the same instant included', async () => {
    const k = new KumaDb('2.x');
    k.jwtSecret('$2a$10$installation.paged.secret');
    const id = k.monitor({ name: 'Paged', type: 'http', url: 'http://127.0.0.1:9/paged', maxretries: 0 });
    const t0 = Date.UTC(2026, 0, 1);
    // 20 beats a minute apart, the 4th to 6th written at one instant (Kuma restarted mid-check).
    k.heartbeats(id, Array.from({ length: 20 }, (_, i) => ({ time: new Date(t0 + (i >= 3 && i <= 5 ? 3 : i) * 60_000), status: i === 10 ? 0 : 1, ping: 10 })));
    const [me] = await app.system.ctx.sql<{ id: number; email: string; name: string }[]>`SELECT id, email, name FROM users WHERE role = 'admin' ORDER BY id LIMIT 1`;
    const actor = { ...me!, role: 'admin' as const };
    const db = app.system.ctx.sqlite!.open(k.serialize());
    const report = await importKuma(app.system.ctx, actor, db, { validate: validateMonitorsDocument, batchSize: 3, concurrency: 2 });
    const paged = report.monitors.find((m) => m.kuma_id === id)!;
    // 20 beats read; the three at one instant are one result (idempotent on the check time).
    expect(paged.history).toMatchObject({ heartbeats: 20, imported: 18, skipped: 2 });
    const [n] = await app.system.ctx.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM check_results WHERE project_id = ${paged.project_id}`;
    expect(n!.n).toBe(18);
    db.close();
    k.close();
  });
});

describe('Uptime Kuma 1.x import', () => {
  it('reads a 1.x database (no timeout, group, inverted keyword or JSON query columns)', async () => {
    // An installation of its own: what it finds there is this database's alone.
    const main = app;
    app = await startTestApp({ DNS_SERVERS: '127.0.0.1:9' });
    const token = (await app.user('admin')).token;
    try {
      await importOneX(token);
    } finally {
      await app.close();
      app = main;
    }
  }, 60_000);
});

async function importOneX(token: string) {
  {
    const sample = buildKumaSample('1.x', new Date());
    const res = await upload(sample.db.serialize(), { token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.kuma_version).toBe('1.x');
    const { ids } = sample;
    const list = (await app.request('GET', '/api/v1/projects?size=100', { token })).body;
    const byKey = new Map<string, any>(list.items.map((p: any) => [p.key, p]));
    const keyOf = (name: string) => res.body.monitors.find((m: any) => m.kuma_id === ids[name]).key as string;
    expect(keyOf('shop')).toMatch(new RegExp(`^kuma-[0-9a-f]{10}-${ids['shop']}$`));
    const shop = byKey.get(keyOf('shop'));
    expect(shop).toMatchObject({ title: 'Shop', category: null, custom_headers: { 'X-Env': 'prod' } });
    const settings = (await app.request('GET', `/api/v1/projects/${shop.id}/monitoring-settings`, { token })).body;
    // Kuma 1.x before the timeout column: 80 % of the interval, as Kuma's own patch fills it in.
    expect(settings.timeout).toBe(48);
    expect(byKey.get(keyOf('stock'))).toMatchObject({ keyword_monitoring: true, keyword_alert_on_found: false });
    // No zone column in 1.x: the window is in the server's zone (its serverTimezone setting).
    expect(byKey.get(keyOf('codes'))).toMatchObject({ maintenance_mode: true, maintenance_ends_at: sample.window.end.toISOString() });
    const shopReport = res.body.monitors.find((m: any) => m.kuma_id === ids['shop']);
    expect(shopReport.history).toMatchObject({ heartbeats: sample.shop.beats, incidents: 1 });
    // Kuma 1.x's own figure weighs beats by duration, so it is the time-based one's near neighbour.
    expect(shopReport.history.kuma_uptime_percent).toBeCloseTo(sample.shop.kuma1x, 3);
  }
}

describe('Uptime Kuma import: bad uploads', () => {
  it('refuses what is not a Kuma database, the wrong content type, an empty body and non-admins', async () => {
    expectInvalid(await upload(Buffer.from('SQLite format 3\0 but not really a database at all, just text')), 'database');
    const other = new Database(':memory:');
    other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
    expectInvalid(await upload(other.serialize()), 'database');
    other.close();
    expectInvalid(await upload(Buffer.from('{}'), { type: 'application/json' }), 'body');
    expectInvalid(await upload(Buffer.alloc(0)), 'body');
    expectErrorBody(await upload(Buffer.from('x'), { token: manager }), 403);
    expectInvalid(await upload(buildKumaSample('2.x', new Date()).db.serialize(), { query: 'dry_run=maybe' }), 'dry_run');
  });

  it('answers 503 where no SQLite reader is bound (the API function on AWS)', async () => {
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/api/v1/admin/import/kuma',
      rawQueryString: '',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/octet-stream' },
      requestContext: { http: { method: 'POST', path: '/api/v1/admin/import/kuma', sourceIp: '127.0.0.1' }, requestId: 'aws' },
      body: Buffer.from('SQLite format 3').toString('base64'),
      isBase64Encoded: true,
    } as unknown as HttpEvent;
    const res = await new Router(apiRoutes()).handle({ ...app.system.ctx, sqlite: undefined }, event);
    expect(res.statusCode, res.body).toBe(503);
    expect(JSON.parse(res.body!).detail).toMatch(/py-monitor import-kuma/);
  });

  it('lets the upload route take up to 100 MiB and every other route 1 MiB', () => {
    expect(bodyLimitFor('/api/v1/admin/import/kuma')).toBe(100 * 1024 * 1024);
    expect(bodyLimitFor('/api/v1/projects')).toBe(1024 * 1024);
    expect(bodyLimitFor('/api/v1/admin/import/kuma/x')).toBe(1024 * 1024);
  });
});
