import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { recordResult } from '../../../layers/handlers/pipeline.ts';
import { resultMessageSchema } from '../../../layers/services/messages.ts';
import { cleanup } from '../../../layers/services/daily.ts';
import { ensurePartitions } from '../../../layers/repositories/partitions.ts';
import { expiryThresholds, expiryWarningDue } from '../../../layers/services/alert-rules.ts';

let app: TestApp;
let token: string;
let projectId: number;

beforeAll(async () => {
  app = await startTestApp();
  token = (await app.user('user')).token;
  projectId = (await app.request('POST', '/api/v1/projects', { token, body: { title: 'Expiring', url: 'https://expiring.example.com' } })).body.id;
});
afterAll(async () => app?.close());

const DAY = 86_400_000;
const expiry = (kind: 'ssl' | 'domain', days: number, valid = true) =>
  resultMessageSchema.parse({
    type: 'expiry_result',
    kind,
    project_id: projectId,
    result: {
      is_valid: valid,
      expires_at: new Date(Date.now() + days * DAY + 3_600_000).toISOString(),
      days_remaining: days,
      issuer: kind === 'ssl' ? 'Test CA' : null,
      error_message: valid ? null : 'certificate has expired',
      details: kind === 'domain' ? { domain: 'example.com', registrar: 'Test Registrar' } : {},
    },
  });

const alertsOf = async (type: string) =>
  (await app.request('GET', `/api/v1/projects/${projectId}/alerts?size=100`, { token })).body.items.filter((a: { type: string }) => a.type === type);

describe('expiry warnings (spec 4.3, 4.4, 7.1)', () => {
  it('thresholds: the configured days, then 14, 7, 3 and 1', () => {
    expect(expiryThresholds(30)).toEqual([30, 14, 7, 3, 1]);
    expect(expiryThresholds(10)).toEqual([10, 7, 3, 1]);
    expect(expiryWarningDue(25, 30, null)).toBe(30);
    expect(expiryWarningDue(25, 30, 30)).toBeNull();
    expect(expiryWarningDue(6, 30, 30)).toBe(7);
    expect(expiryWarningDue(45, 30, null)).toBeNull();
  });

  it('warns once per threshold crossing, not daily, and again after a renewal', async () => {
    for (const days of [40, 25, 24, 23]) await recordResult(app.system.ctx, expiry('ssl', days));
    expect(await alertsOf('ssl_expiry')).toHaveLength(1);
    await recordResult(app.system.ctx, expiry('ssl', 13));
    await recordResult(app.system.ctx, expiry('ssl', 12));
    expect(await alertsOf('ssl_expiry')).toHaveLength(2);
    await recordResult(app.system.ctx, expiry('ssl', 365)); // renewed
    await recordResult(app.system.ctx, expiry('ssl', 29));
    expect(await alertsOf('ssl_expiry')).toHaveLength(3);
  });

  it('domain expiry follows the same path with its own state', async () => {
    await recordResult(app.system.ctx, expiry('domain', 20));
    await recordResult(app.system.ctx, expiry('domain', 19));
    const a = await alertsOf('domain_expiry');
    expect(a).toHaveLength(1);
    expect(a[0].title).toContain('example.com');
    expect(a[0].data.registrar).toBe('Test Registrar');
  });

  it('an invalid certificate is reported once', async () => {
    await recordResult(app.system.ctx, expiry('ssl', 100, false));
    await recordResult(app.system.ctx, expiry('ssl', 100, false));
    expect(await alertsOf('ssl_error')).toHaveLength(1);
  });

  it('the daily sweep enqueues an SSL check for https projects and a domain check for every project', async () => {
    const sent: { kind: string }[] = [];
    const q = app.system.ctx.queue;
    const original = q.send.bind(q);
    q.send = async (name, messages) => {
      if (name === 'checks') sent.push(...messages.map((m) => m.body as { kind: string }));
    };
    try {
      const { enqueueExpirySweep } = await import('../../../layers/services/daily.ts');
      await enqueueExpirySweep(app.system.ctx);
    } finally {
      q.send = original;
    }
    expect(sent.map((m) => m.kind).sort()).toEqual(['domain', 'ssl']);
  });
});

describe('retention (spec 13.1)', () => {
  it('drops day partitions older than the retention window and keeps recent logs', async () => {
    const sql = app.system.ctx.sql;
    const now = new Date();
    const old = new Date(now.getTime() - 40 * DAY);
    await ensurePartitions(sql, old);
    await sql`INSERT INTO check_results (project_id, checked_at, is_available) VALUES (${projectId}, ${old}, true), (${projectId}, ${now}, true)`;
    const before = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM check_results WHERE project_id = ${projectId}`;
    expect(before[0]!.n).toBe(2);
    const out = await cleanup(app.system.ctx);
    expect(out.partitions_dropped.length).toBeGreaterThan(0);
    const after = await sql<{ checked_at: Date }[]>`SELECT checked_at FROM check_results WHERE project_id = ${projectId}`;
    expect(after).toHaveLength(1);
    expect(after[0]!.checked_at.getTime()).toBe(now.getTime());
  });

  it('leaves a day whose rows sit in the default partition there, and makes the days around it', async () => {
    const sql = app.system.ctx.sql;
    // Far ahead, so no other test's partitions are in the way: the base day and the next 7 days.
    const base = Math.floor(Date.now() / DAY) * DAY + 400 * DAY;
    const name = (t: number) => `check_results_${new Date(t).toISOString().slice(0, 10).replaceAll('-', '')}`;
    const at = new Date(base + 2 * DAY + 3_600_000);
    await sql`INSERT INTO check_results (project_id, checked_at, is_available) VALUES (${projectId}, ${at}, true)`;
    // A partition made for that day would have to take the row out of the default one: PostgreSQL refuses.
    const created = await ensurePartitions(sql, new Date(base));
    expect(created).not.toContain(name(base + 2 * DAY));
    expect(created).toEqual(expect.arrayContaining([name(base), name(base + DAY), name(base + 3 * DAY), name(base + 7 * DAY)]));
    const [row] = await sql<{ part: string }[]>`SELECT tableoid::regclass::text AS part FROM check_results WHERE project_id = ${projectId} AND checked_at = ${at}`;
    expect(row!.part).toBe('check_results_default');
    await sql`DELETE FROM check_results WHERE project_id = ${projectId} AND checked_at = ${at}`;
    for (let d = -1; d <= 7; d++) if (d !== 2) await sql.unsafe(`DROP TABLE IF EXISTS ${name(base + d * DAY)}`);
  });

  it('deletes resolved alerts older than 90 days, keeps unresolved ones', async () => {
    const sql = app.system.ctx.sql;
    const old = new Date(Date.now() - 100 * DAY);
    await sql`INSERT INTO alerts (user_id, project_id, type, severity, title, message, is_resolved, created_at)
      SELECT id, ${projectId}, 'manual', 'info', 'old resolved', 'x', true, ${old} FROM users LIMIT 1`;
    await sql`INSERT INTO alerts (user_id, project_id, type, severity, title, message, is_resolved, created_at)
      SELECT id, ${projectId}, 'manual', 'info', 'old open', 'x', false, ${old} FROM users LIMIT 1`;
    await cleanup(app.system.ctx);
    const left = await sql<{ title: string }[]>`SELECT title FROM alerts WHERE type = 'manual'`;
    expect(left.map((r) => r.title)).toEqual(['old open']);
  });
});

describe('browser retention (issue 16.10)', () => {
  it('deletes browser checks, journey runs and screenshots older than the log window, and their files, but keeps the latest screenshot', async () => {
    const ctx = app.system.ctx;
    const sql = ctx.sql;
    const projectId = (await app.request('POST', '/api/v1/projects', { token, body: { title: 'Browser retention', url: 'https://shots.example.com' } })).body.id as number;
    const old = new Date(Date.now() - 40 * DAY);
    const older = new Date(Date.now() - 41 * DAY);
    const recent = new Date();
    for (const key of ['screenshots/r/old.png', 'screenshots/r/old-thumb.jpg', 'screenshots/r/step.png', 'screenshots/r/new.png']) {
      await ctx.blobs.put(key, new Uint8Array([1, 2, 3]), 'image/png');
    }
    await sql`INSERT INTO browser_checks (project_id, checked_at, is_success) VALUES (${projectId}, ${old}, true), (${projectId}, ${recent}, true)`;
    await sql`INSERT INTO screenshots (project_id, taken_at, image_key, thumbnail_key, width, height)
      VALUES (${projectId}, ${older}, 'screenshots/r/old.png', 'screenshots/r/old-thumb.jpg', 10, 10),
             (${projectId}, ${old}, 'screenshots/r/new.png', null, 10, 10)`;
    const [t] = await sql<{ id: number }[]>`INSERT INTO synthetic_tests (project_id, name, steps) VALUES (${projectId}, 'r', '[]') RETURNING id`;
    const steps = [{ index: 0, action: 'screenshot', screenshot_key: 'screenshots/r/step.png' }, { index: 1, action: 'wait', screenshot_key: null }];
    await sql`INSERT INTO synthetic_runs (test_id, project_id, started_at, is_success, steps)
      VALUES (${t!.id}, ${projectId}, ${old}, true, ${sql.json(steps)}), (${t!.id}, ${projectId}, ${recent}, true, '[]')`;

    const out = await cleanup(ctx);
    expect(out).toMatchObject({ browser_checks_deleted: 1, journey_runs_deleted: 1, screenshots_deleted: 1 });
    const checks = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM browser_checks WHERE project_id = ${projectId}`;
    expect(checks[0]!.n).toBe(1);
    const runs = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM synthetic_runs WHERE test_id = ${t!.id}`;
    expect(runs[0]!.n).toBe(1);
    // The latest screenshot is what the API serves: it stays, however old.
    const shots = await sql<{ image_key: string }[]>`SELECT image_key FROM screenshots WHERE project_id = ${projectId}`;
    expect(shots.map((s) => s.image_key)).toEqual(['screenshots/r/new.png']);
    expect(await ctx.blobs.get('screenshots/r/old.png')).toBeUndefined();
    expect(await ctx.blobs.get('screenshots/r/old-thumb.jpg')).toBeUndefined();
    expect(await ctx.blobs.get('screenshots/r/step.png')).toBeUndefined();
    expect(await ctx.blobs.get('screenshots/r/new.png')).toBeDefined();
  });
});

describe('monitoring errors (spec 7.3)', () => {
  it('a crashed browser is reported as monitoring_error once an hour, not on every run', async () => {
    const crash = () =>
      resultMessageSchema.parse({
        type: 'browser_result',
        project_id: projectId,
        checked_at: new Date().toISOString(),
        is_success: false,
        metrics: {},
        error_kind: 'monitoring_error',
        error_message: 'browser crashed and was restarted',
      });
    await recordResult(app.system.ctx, crash());
    await recordResult(app.system.ctx, crash());
    const errors = await alertsOf('monitoring_error');
    expect(errors).toHaveLength(1);
    expect(errors[0].data.error_message).toBe('browser crashed and was restarted');
    const checks = await app.request('GET', `/api/v1/projects/${projectId}/browser-checks`, { token });
    expect(checks.body.total).toBe(2);
  });
});
