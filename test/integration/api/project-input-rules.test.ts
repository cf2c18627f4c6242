import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { startHttpServer, type TestHttpServer } from '../../support/servers/http-server.ts';
import { expectInvalid } from './helpers.ts';

// Issue 16.11: a content selector the content check cannot run is refused when saved, a new selector
// starts a new baseline instead of raising "content changed", and a maintenance end in the past is refused.

let app: TestApp;
let site: TestHttpServer;
let aside = 'side one';
beforeAll(async () => {
  site = await startHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body><main>main text</main><aside>${aside}</aside></body></html>`);
  });
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
  await site?.close();
});

describe('content_selector', () => {
  it('is refused at save time, naming the field, when the content check could not parse it', async () => {
    const u = await app.user('user');
    for (const selector of ['main >>> [', 'div[', '::not-a-pseudo(']) {
      const r = await app.request('POST', '/api/v1/projects', { token: u.token, body: { title: 't', url: 'https://example.com', content_selector: selector } });
      expectInvalid(r, 'content_selector');
    }
    const ok = await app.request('POST', '/api/v1/projects', { token: u.token, body: { title: 't', url: 'https://example.com', content_selector: 'main > p.price, #total' } });
    expect(ok.status, ok.text).toBe(201);
    expectInvalid(await app.request('PATCH', `/api/v1/projects/${ok.body.id}`, { token: u.token, body: { content_selector: 'a[href' } }), 'content_selector');
  });

  it('starts a new baseline when it changes, and still alerts on a real change afterwards', async () => {
    const owner = await app.user('user');
    const manager = await app.user('manager');
    const create = await app.request('POST', '/api/v1/projects', {
      token: owner.token,
      body: { title: 'content', url: `${site.url}/`, content_change_detection: true, content_selector: 'main' },
    });
    expect(create.status, create.text).toBe(201);
    const id = create.body.id as number;
    const check = async () => {
      const r = await app.request('POST', `/api/v1/projects/${id}/check`, { token: manager.token });
      expect(r.status, r.text).toBe(200);
      await app.system.ctx.queue.drain();
    };
    const contentAlerts = async () => {
      const r = await app.request('GET', `/api/v1/projects/${id}/alerts?type=content_change`, { token: owner.token });
      expect(r.status, r.text).toBe(200);
      return r.body.items.length as number;
    };
    await check();
    await check();
    const changed = await app.request('PATCH', `/api/v1/projects/${id}`, { token: owner.token, body: { content_selector: 'aside' } });
    expect(changed.status, changed.text).toBe(200);
    await check();
    await check();
    expect(await contentAlerts()).toBe(0);
    aside = 'side two';
    await check();
    expect(await contentAlerts()).toBe(1);
  });
});

describe('journeys per project', () => {
  it('are at most 50, as in a monitors file: the 51st is a 409 and nothing is written', async () => {
    const u = await app.user('user');
    const p = await app.request('POST', '/api/v1/projects', { token: u.token, body: { title: 'j', url: 'https://example.com' } });
    const path = `/api/v1/projects/${p.body.id}/synthetic-tests`;
    const body = (i: number) => ({ name: `journey ${i}`, steps: [{ action: 'wait', value: 10 }] });
    const made = await Promise.all(Array.from({ length: 50 }, (_, i) => app.request('POST', path, { token: u.token, body: body(i) })));
    expect(made.map((r) => r.status)).toEqual(Array(50).fill(201));
    const refused = await app.request('POST', path, { token: u.token, body: body(51) });
    expect(refused.status, refused.text).toBe(409);
    expect((await app.request('GET', path, { token: u.token })).body.items).toHaveLength(50);
  });
});

describe('maintenance_ends_at', () => {
  it('is refused in the past, accepted in the future', async () => {
    const u = await app.user('user');
    const p = await app.request('POST', '/api/v1/projects', { token: u.token, body: { title: 'm', url: 'https://example.com' } });
    const path = `/api/v1/projects/${p.body.id}/maintenance`;
    const past = new Date(Date.now() - 3_600_000).toISOString();
    expectInvalid(await app.request('PUT', path, { token: u.token, body: { maintenance_mode: true, maintenance_ends_at: past } }), 'maintenance_ends_at');
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const ok = await app.request('PUT', path, { token: u.token, body: { maintenance_mode: true, maintenance_ends_at: future } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.maintenance_mode).toBe(true);
  });
});
