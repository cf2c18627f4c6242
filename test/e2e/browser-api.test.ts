import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startPageServer, type PageServer } from '../support/pages/page-server.ts';

// Browser monitoring through the API, in the real Chromium (CHROMIUM_PATH, default /usr/bin/chromium).

let app: TestApp;
let pages: PageServer;
let owner: { id: number; token: string };
let manager: { token: string };
let viewer: { token: string };
let projectId: number;

beforeAll(async () => {
  pages = await startPageServer();
  app = await startTestApp(process.env['CHROMIUM_PATH'] ? { CHROMIUM_PATH: process.env['CHROMIUM_PATH'] } : {});
  owner = await app.user('user', 'Owner');
  manager = await app.user('manager');
  viewer = await app.user('viewer');
  const r = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title: 'Pages', url: pages.url('/plain') } });
  projectId = r.body.id;
}, 120_000);

afterAll(async () => {
  await app?.close();
  await pages?.close();
});

const journey = (steps: unknown[]) => ({
  name: 'Sign up',
  steps,
  settings: { timeout: 5000, viewport_width: 1024, viewport_height: 768 },
});

describe('deep browser checks (spec 4.2)', () => {
  it('runs one now, stores it, and lists it', async () => {
    const r = await app.request('POST', `/api/v1/projects/${projectId}/browser-check`, { token: manager.token });
    expect(r.status, r.text).toBe(200);
    expect(r.body.is_success).toBe(true);
    for (const k of ['dom_content_loaded', 'page_load_time', 'first_contentful_paint', 'time_to_first_byte', 'resource_count', 'is_dom_ready', 'is_js_healthy']) {
      expect(r.body.metrics, k).toHaveProperty(k);
    }
    expect(r.body.metrics.is_dom_ready).toBe(true);
    const list = await app.request('GET', `/api/v1/projects/${projectId}/browser-checks`, { token: viewer.token });
    expect(list.body.total).toBe(1);
    expect(list.body.items[0].id).toBe(r.body.id);
    expect((await app.request('POST', `/api/v1/projects/${projectId}/browser-check`, { token: owner.token })).status).toBe(403);
  });
});

describe('screenshots (spec 3.4)', () => {
  it('serves a PNG and a smaller thumbnail, cached until force=true', async () => {
    const png = await fetch(`${app.url}/api/v1/projects/${projectId}/screenshot`, { headers: { authorization: `Bearer ${viewer.token}` } });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await png.arrayBuffer());
    expect([...bytes.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const takenAt = png.headers.get('x-screenshot-taken-at');

    const thumb = await fetch(`${app.url}/api/v1/projects/${projectId}/screenshot/thumbnail`, { headers: { authorization: `Bearer ${viewer.token}` } });
    expect(thumb.status).toBe(200);
    const thumbBytes = new Uint8Array(await thumb.arrayBuffer());
    expect(thumbBytes.length).toBeLessThan(bytes.length);
    expect(thumb.headers.get('x-screenshot-taken-at')).toBe(takenAt);

    const again = await fetch(`${app.url}/api/v1/projects/${projectId}/screenshot`, { headers: { authorization: `Bearer ${viewer.token}` } });
    expect(again.headers.get('x-screenshot-taken-at')).toBe(takenAt);
    expect((await app.request('GET', `/api/v1/projects/${projectId}/screenshot?force=true`, { token: viewer.token })).status).toBe(403);
    // A user who may not change the project may not spend browser time on it either (issue 16.10).
    const other = await app.user('user', 'Other');
    expect((await app.request('GET', `/api/v1/projects/${projectId}/screenshot?force=true`, { token: other.token })).status).toBe(403);
    expect((await app.request('GET', `/api/v1/projects/${projectId}/screenshot/thumbnail?force=true`, { token: other.token })).status).toBe(403);
    const forced = await fetch(`${app.url}/api/v1/projects/${projectId}/screenshot?force=true`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(forced.status).toBe(200);
    expect(forced.headers.get('x-screenshot-taken-at')).not.toBe(takenAt);
  });
});

describe('synthetic journeys (spec 4.11)', () => {
  it('CRUD with validation that names the step and field', async () => {
    const bad = await app.request('POST', `/api/v1/projects/${projectId}/synthetic-tests`, {
      token: owner.token,
      body: journey([{ action: 'navigate', value: pages.url('/form') }, { action: 'type', selector: '#name' }]),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toMatch(/^steps\.1/);
    const badRange = await app.request('POST', `/api/v1/projects/${projectId}/synthetic-tests`, {
      token: owner.token,
      body: { ...journey([{ action: 'wait', value: '10' }]), settings: { timeout: 1000 } },
    });
    expect(badRange.status).toBe(400);
    expect(badRange.body.errors[0].field).toBe('settings.timeout');
    expect((await app.request('POST', `/api/v1/projects/${projectId}/synthetic-tests`, { token: viewer.token, body: journey([{ action: 'wait', value: '10' }]) })).status).toBe(403);
  });

  it('runs a journey with every action and reports each step', async () => {
    const created = await app.request('POST', `/api/v1/projects/${projectId}/synthetic-tests`, {
      token: owner.token,
      body: journey([
        { action: 'navigate', value: pages.url('/form') },
        { action: 'assert_element', selector: '#signup' },
        { action: 'type', selector: '#name', value: 'Ada' },
        { action: 'select', selector: '#plan', value: 'pro' },
        { action: 'screenshot' },
        { action: 'click', selector: '#go' },
        { action: 'wait', value: '100' },
        { action: 'assert_url', value: '/welcome' },
        { action: 'assert_text', selector: '#msg', value: 'Welcome, Ada (pro)' },
      ]),
    });
    expect(created.status, created.text).toBe(201);
    const run = await app.request('POST', `/api/v1/projects/${projectId}/synthetic-tests/${created.body.id}/run`, { token: owner.token });
    expect(run.status, run.text).toBe(200);
    expect(run.body.is_success).toBe(true);
    expect(run.body.steps.map((s: any) => s.status)).toEqual(Array(9).fill('passed'));
    const shotStep = run.body.steps.find((s: any) => s.action === 'screenshot');
    expect(shotStep.screenshot_key).toBeTruthy();
    const img = await fetch(`${app.url}/api/v1/projects/${projectId}/synthetic-tests/${created.body.id}/runs/${run.body.id}/steps/${shotStep.index}/screenshot`, {
      headers: { authorization: `Bearer ${viewer.token}` },
    });
    expect(img.status).toBe(200);
    const detail = await app.request('GET', `/api/v1/projects/${projectId}/synthetic-tests/${created.body.id}`, { token: viewer.token });
    expect(detail.body.recent_runs).toHaveLength(1);
    expect(detail.body.last_status).toBe('passed');
  });

  it('a failing step stops the run, is reported precisely, and alerts once', async () => {
    const created = await app.request('POST', `/api/v1/projects/${projectId}/synthetic-tests`, {
      token: owner.token,
      body: journey([
        { action: 'navigate', value: pages.url('/form') },
        { action: 'assert_text', selector: 'h1', value: 'Log in' },
        { action: 'click', selector: '#go' },
      ]),
    });
    const runUrl = `/api/v1/projects/${projectId}/synthetic-tests/${created.body.id}/run`;
    const run = await app.request('POST', runUrl, { token: owner.token });
    expect(run.body.is_success).toBe(false);
    expect(run.body.failed_step).toBe(1);
    expect(run.body.steps.map((s: any) => s.status)).toEqual(['passed', 'failed', 'skipped']);
    const failed = run.body.steps[1];
    expect(failed.selector).toBe('h1');
    expect(failed.expected).toContain('Log in');
    expect(failed.found).toContain('Sign up');
    expect(failed.screenshot_key).toBeTruthy();
    await app.request('POST', runUrl, { token: owner.token });
    await app.system.ctx.queue.drain();
    const alerts = await app.request('GET', `/api/v1/projects/${projectId}/alerts`, { token: owner.token });
    const journeyAlerts = alerts.body.items.filter((a: any) => a.type === 'monitoring_error');
    expect(journeyAlerts).toHaveLength(1);
    expect(journeyAlerts[0].message).toContain('Sign up');
  });

  it('update and delete', async () => {
    const created = await app.request('POST', `/api/v1/projects/${projectId}/synthetic-tests`, { token: owner.token, body: journey([{ action: 'wait', value: '10' }]) });
    const put = await app.request('PUT', `/api/v1/projects/${projectId}/synthetic-tests/${created.body.id}`, {
      token: owner.token,
      body: { ...journey([{ action: 'wait', value: '20' }]), name: 'Renamed', is_active: false },
    });
    expect(put.body).toMatchObject({ name: 'Renamed', is_active: false });
    expect((await app.request('DELETE', `/api/v1/projects/${projectId}/synthetic-tests/${created.body.id}`, { token: owner.token })).status).toBe(204);
    expect((await app.request('GET', `/api/v1/projects/${projectId}/synthetic-tests/${created.body.id}`, { token: owner.token })).status).toBe(404);
  });
});
