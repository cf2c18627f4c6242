import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe('smoke', () => {
  it('registers, logs in and creates a project', async () => {
    const u = await app.user('user');
    const r = await app.request('POST', '/api/v1/projects', { token: u.token, body: { title: 'Example', url: 'https://example.com' } });
    expect(r.status, r.text).toBe(201);
    expect(r.body.status_interval).toBe(300);
    const g = await app.request('GET', `/api/v1/projects/${r.body.id}`, { token: u.token });
    expect(g.body.title).toBe('Example');
  });
});
