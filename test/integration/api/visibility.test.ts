import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe('what each role may see', () => {
  it('shows the webhook signing key only to those who may change the project', async () => {
    const owner = await app.user('user', 'Owner');
    const other = await app.user('user', 'Other');
    const viewer = await app.user('viewer');
    const manager = await app.user('manager');
    const p = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title: 'x', url: 'https://example.com' } });
    const path = `/api/v1/projects/${p.body.id}/monitoring-settings`;
    expect((await app.request('GET', path, { token: owner.token })).body.webhook_secret).toMatch(/^[\w-]{32}$/);
    expect((await app.request('GET', path, { token: manager.token })).body.webhook_secret).toMatch(/^[\w-]{32}$/);
    for (const t of [viewer.token, other.token]) {
      const r = await app.request('GET', path, { token: t });
      expect(r.status).toBe(200);
      expect(r.body).not.toHaveProperty('webhook_secret');
      expect(r.body.check_interval).toBe(300);
    }
  });

  it('accepts only http(s) URLs or paths as a profile image', async () => {
    const u = await app.user('user');
    const bad = await app.request('PATCH', '/api/v1/users/me', { token: u.token, body: { profile_image: 'javascript:alert(1)' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('profile_image');
    const ok = await app.request('PATCH', '/api/v1/users/me', { token: u.token, body: { profile_image: 'https://cdn.example.com/me.png' } });
    expect(ok.status).toBe(200);
  });

  it('a malformed percent-encoding in a dashboard path is a 404, not a 500', async () => {
    const r = await fetch(`${app.url}/frontend/%E0%A4%A`);
    expect(r.status).toBe(404);
  });
});

describe('SSRF policy on the project form', () => {
  it('refuses cloud metadata always, and private addresses when they are not allowed', async () => {
    const u = await app.user('user');
    const meta = await app.request('POST', '/api/v1/projects', { token: u.token, body: { title: 'm', url: 'http://169.254.169.254/latest/meta-data/' } });
    expect(meta.status).toBe(400);
    expect(meta.body.errors[0].field).toBe('url');
    const local = await app.request('POST', '/api/v1/projects', { token: u.token, body: { title: 'l', url: 'http://127.0.0.1:8080/' } });
    expect(local.status).toBe(201);
    const strict = await startTestApp({ ALLOW_PRIVATE_TARGETS: 'false' });
    try {
      const s = await strict.user('user');
      for (const url of ['http://127.0.0.1:8080/', 'http://10.0.0.5/', 'http://localhost/', 'http://[::1]/']) {
        const r = await strict.request('POST', '/api/v1/projects', { token: s.token, body: { title: 'p', url } });
        expect(r.status, url).toBe(400);
        expect(r.body.errors[0].field).toBe('url');
      }
      const hook = await strict.request('POST', '/api/v1/projects', { token: s.token, body: { title: 'ok', url: 'https://example.com/' } });
      expect(hook.status).toBe(201);
      const bad = await strict.request('PUT', `/api/v1/projects/${hook.body.id}/monitoring-settings`, { token: s.token, body: { webhook_url: 'http://192.168.1.10/hook' } });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('webhook_url');
      const list = await strict.request('GET', '/api/v1/projects', { token: s.token });
      expect(list.body.total).toBe(1);
    } finally {
      await strict.close();
    }
  });
});
