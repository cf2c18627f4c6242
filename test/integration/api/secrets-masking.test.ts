import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { startHttpServer } from '../../support/servers/http-server.ts';
import { startWebhookCapture } from '../../support/receivers/index.ts';
import { expectInvalid } from './helpers.ts';

// Issue 16.5: header values, the webhook URL, the alert address and a password in the project URL
// are credentials. Those who may change the project see them; everyone else sees them masked, on
// every route that shows a project or its settings. A mask sent back keeps the stored value.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const URL_WITH_PASSWORD = 'https://monitor:s3cret-pass@example.com/health';
const HOOK = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXsecret';

async function seed() {
  const owner = await app.user('user', 'Owner');
  const other = await app.user('user', 'Other');
  const viewer = await app.user('viewer');
  const manager = await app.user('manager');
  const p = await app.request('POST', '/api/v1/projects', {
    token: owner.token,
    body: { title: 'secret site', url: URL_WITH_PASSWORD, custom_headers: { Authorization: 'Bearer tok-123', 'X-Env': 'prod' } },
  });
  expect(p.status, p.text).toBe(201);
  const id = p.body.id as number;
  const s = await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, {
    token: owner.token,
    body: { alert_email: 'oncall@example.com', webhook_url: HOOK },
  });
  expect(s.status, s.text).toBe(200);
  return { owner, other, viewer, manager, id };
}

describe('credentials in project settings', () => {
  it('masks header values, the URL password, the webhook URL and the alert address for viewers and non-owners', async () => {
    const { owner, other, viewer, manager, id } = await seed();
    for (const who of [viewer, other]) {
      const one = await app.request('GET', `/api/v1/projects/${id}`, { token: who.token });
      expect(one.body.custom_headers).toEqual({ Authorization: '****', 'X-Env': '****' });
      expect(one.body.url).toBe('https://monitor:****@example.com/health');
      const list = await app.request('GET', '/api/v1/projects?size=100', { token: who.token });
      const listed = list.body.items.find((x: { id: number }) => x.id === id);
      expect(listed.custom_headers.Authorization).toBe('****');
      expect(listed.url).not.toContain('s3cret');
      const settings = await app.request('GET', `/api/v1/projects/${id}/monitoring-settings`, { token: who.token });
      expect(settings.body.webhook_url).toBe('https://hooks.slack.com/...****');
      expect(settings.body.alert_email).toBe('o****@example.com');
      expect(JSON.stringify(settings.body)).not.toContain('secret');
    }
    for (const who of [owner, manager]) {
      const one = await app.request('GET', `/api/v1/projects/${id}`, { token: who.token });
      expect(one.body.custom_headers.Authorization).toBe('Bearer tok-123');
      expect(one.body.url).toBe(URL_WITH_PASSWORD);
      const settings = await app.request('GET', `/api/v1/projects/${id}/monitoring-settings`, { token: who.token });
      expect(settings.body.webhook_url).toBe(HOOK);
      expect(settings.body.alert_email).toBe('oncall@example.com');
    }
  });

  it('never shows the URL password in scheduler and status views, to anyone', async () => {
    const { owner, viewer, id } = await seed();
    for (const who of [owner, viewer]) {
      const all = await app.request('GET', '/api/v1/scheduler/status', { token: who.token });
      expect(JSON.stringify(all.body)).not.toContain('s3cret-pass');
      const one = await app.request('GET', `/api/v1/projects/${id}/status`, { token: who.token });
      expect(one.body.url).toBe('https://monitor:****@example.com/health');
    }
  });

  it('keeps the URL password out of the check logs every reader sees', async () => {
    const site = await startHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
    try {
      const owner = await app.user('user');
      const manager = await app.user('manager');
      const viewer = await app.user('viewer');
      const url = site.url.replace('http://', 'http://monitor:s3cret-pass@') + '/';
      const p = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title: 'logged', url } });
      expect(p.status, p.text).toBe(201);
      expect((await app.request('POST', `/api/v1/projects/${p.body.id}/check`, { token: manager.token })).status).toBe(200);
      await app.system.ctx.queue.drain();
      const logs = await app.request('GET', `/api/v1/projects/${p.body.id}/logs`, { token: viewer.token });
      expect(logs.body.items.length).toBeGreaterThan(0);
      expect(logs.text).not.toContain('s3cret-pass');
      expect(logs.text).toContain('monitor:****@');
    } finally {
      await site.close();
    }
  });

  it('shows none of them on any GET route of the OpenAPI document to a viewer, a non-owner or anyone', async () => {
    // A failing public project with every kind of credential, checked so that logs, status, alerts and
    // metrics have something to show; every route a reader may call is then read as each of them.
    const site = await startHttpServer((_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('down'));
    const hook = await startWebhookCapture();
    try {
      const owner = await app.user('user', 'Owner');
      const other = await app.user('user', 'Other');
      const viewer = await app.user('viewer');
      const manager = await app.user('manager');
      const url = site.url.replace('http://', 'http://monitor:s3cret-pass@') + '/health';
      const p = await app.request('POST', '/api/v1/projects', {
        token: owner.token,
        body: { title: 'walked', url, is_public: true, custom_headers: { Authorization: 'Bearer tok-123' } },
      });
      expect(p.status, p.text).toBe(201);
      const id = p.body.id as number;
      const s = await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, {
        token: owner.token,
        body: { alert_threshold: 1, retry_count: 1, alert_email: 'oncall@example.com', webhook_url: `${hook.url}/XXXXXXXXsecret` },
      });
      expect(s.status, s.text).toBe(200);
      const journey = await app.request('POST', `/api/v1/projects/${id}/synthetic-tests`, {
        token: owner.token,
        body: { name: 'sign in', steps: [{ action: 'navigate', value: site.url }, { action: 'type', selector: '#password', value: 'journey-pw-77' }] },
      });
      expect(journey.status, journey.text).toBe(201);
      expect((await app.request('POST', `/api/v1/projects/${id}/check`, { token: manager.token })).status).toBe(200);
      await app.system.ctx.queue.drain();
      const alerts = await app.request('GET', `/api/v1/projects/${id}/alerts`, { token: owner.token });
      expect(alerts.body.items.length, alerts.text).toBeGreaterThan(0);
      const alertId = String(alerts.body.items[0].id);

      const doc = (await app.request('GET', '/api/v1/openapi.json')).body as { paths: Record<string, { get?: unknown }> };
      // Screenshots and the PDF start a browser; they show pixels, not settings.
      const gets = Object.keys(doc.paths).filter((path) => doc.paths[path]!.get && !/screenshot|\.pdf$/.test(path));
      expect(gets.length).toBeGreaterThan(30);
      const leaks: string[] = [];
      for (const template of gets) {
        const path = template
          .replace('{id}', template.startsWith('/api/v1/alerts/') ? alertId : String(id))
          .replace('{test_id}', String(journey.body.id))
          .replace(/\{\w+\}/g, '1');
        for (const [who, token] of [['viewer', viewer.token], ['other', other.token], ['anyone', undefined]] as const) {
          const r = await app.request('GET', path, token ? { token } : {});
          for (const secret of ['s3cret-pass', 'tok-123', 'XXXXXXXXsecret', 'oncall', 'journey-pw-77']) {
            if (r.text.includes(secret)) leaks.push(`${who} GET ${path} (${r.status}) shows ${secret}`);
          }
        }
      }
      expect(leaks).toEqual([]);
    } finally {
      await site.close();
      await hook.close();
    }
  });

  it("shows what a journey's type steps enter only to those who may change the project", async () => {
    const owner = await app.user('user', 'Journey owner');
    const viewer = await app.user('viewer');
    const p = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title: 'journeys', url: 'https://example.com/' } });
    expect(p.status, p.text).toBe(201);
    const steps = [
      { action: 'navigate', value: 'https://example.com/login' },
      { action: 'type', selector: '#user', value: 'me@example.com' },
      { action: 'type', selector: '#password', value: 'pw-in-a-journey' },
      { action: 'assert_text', selector: 'h1', value: 'Welcome' },
    ];
    const created = await app.request('POST', `/api/v1/projects/${p.body.id}/synthetic-tests`, { token: owner.token, body: { name: 'sign in', steps } });
    expect(created.status, created.text).toBe(201);
    const one = `/api/v1/projects/${p.body.id}/synthetic-tests/${created.body.id}`;
    const list = `/api/v1/projects/${p.body.id}/synthetic-tests`;
    const values = (body: { steps: { value?: unknown }[] }) => body.steps.map((x) => x.value);
    expect(values((await app.request('GET', one, { token: owner.token })).body)).toEqual(steps.map((x) => x.value));
    expect(values((await app.request('GET', one, { token: viewer.token })).body)).toEqual(['https://example.com/login', '****', '****', 'Welcome']);
    const listed = await app.request('GET', list, { token: viewer.token });
    expect(values(listed.body.items[0])).toEqual(['https://example.com/login', '****', '****', 'Welcome']);
    expect(values((await app.request('GET', list, { token: owner.token })).body.items[0])).toEqual(steps.map((x) => x.value));
  });

  it('keeps the stored secrets when an editor sends the masks back', async () => {
    const { owner, manager, id } = await seed();
    const put = await app.request('PUT', `/api/v1/projects/${id}`, {
      token: manager.token,
      body: { title: 'renamed', url: 'https://monitor:****@example.com/health', custom_headers: { authorization: '****', 'X-Env': '****', 'X-New': 'v' } },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.url).toBe(URL_WITH_PASSWORD);
    expect(put.body.custom_headers).toEqual({ authorization: 'Bearer tok-123', 'X-Env': 'prod', 'X-New': 'v' });
    const settings = await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, {
      token: owner.token,
      body: { alert_email: 'o****@example.com', webhook_url: 'https://hooks.slack.com/...****', timeout: 20 },
    });
    expect(settings.status, settings.text).toBe(200);
    expect(settings.body.webhook_url).toBe(HOOK);
    expect(settings.body.alert_email).toBe('oncall@example.com');
    expect(settings.body.timeout).toBe(20);
    // A new path with the masked password keeps the password too.
    const moved = await app.request('PATCH', `/api/v1/projects/${id}`, { token: owner.token, body: { url: 'https://monitor:****@example.com/v2/health' } });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.url).toBe('https://monitor:s3cret-pass@example.com/v2/health');
  });

  it('refuses a mask that matches no stored value instead of saving the stars', async () => {
    const { owner, id } = await seed();
    expectInvalid(await app.request('PATCH', `/api/v1/projects/${id}`, { token: owner.token, body: { custom_headers: { Cookie: '****' } } }), 'custom_headers.Cookie');
    expectInvalid(await app.request('PATCH', `/api/v1/projects/${id}`, { token: owner.token, body: { url: 'https://monitor:****@other.example.com/' } }), 'url');
    expectInvalid(
      await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token, body: { webhook_url: 'https://discord.com/...****' } }),
      'webhook_url',
    );
    expectInvalid(
      await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token, body: { alert_email: 'x****@example.com' } }),
      'alert_email',
    );
    const after = await app.request('GET', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token });
    expect(after.body.webhook_url).toBe(HOOK);
  });
});
