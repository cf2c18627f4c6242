import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../layers/config.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { startWebhookCapture, type WebhookCapture } from '../../support/receivers/index.ts';
import { defaultZone, startDnsServer, type TestDnsServer } from '../../support/servers/index.ts';
import { startFlakyTarget, type FlakyTarget } from '../../support/target.ts';

// DNS_SERVERS is parsed once (layers/config.ts) and every consumer resolves through it: the checker,
// the notifier's webhooks and the browser. The names below exist only on the test DNS server.

let dns: TestDnsServer;
let target: FlakyTarget;
let hook: WebhookCapture;
let app: TestApp;
let manager: { token: string };

beforeAll(async () => {
  const zone = defaultZone();
  zone.set('site.example.test', [{ type: 'A', ttl: 60, address: '127.0.0.1' }]);
  zone.set('hooks.example.test', [{ type: 'A', ttl: 60, address: '127.0.0.1' }]);
  dns = await startDnsServer(zone);
  target = await startFlakyTarget();
  hook = await startWebhookCapture();
  app = await startTestApp({ DNS_SERVERS: ` ${dns.server}, `, ...(process.env['CHROMIUM_PATH'] ? { CHROMIUM_PATH: process.env['CHROMIUM_PATH'] } : {}) });
  manager = await app.user('manager');
});

afterAll(async () => {
  await app?.close();
  await hook?.close();
  await target?.close();
  await dns?.close();
});

const siteUrl = () => `http://site.example.test:${new URL(target.url).port}/`;

async function createProject(): Promise<number> {
  const r = await app.request('POST', '/api/v1/projects', { token: manager.token, body: { title: 'By name', url: siteUrl() } });
  expect(r.status, r.text).toBe(201);
  return r.body.id as number;
}

describe('DNS_SERVERS', () => {
  it('is parsed once into a list', () => {
    expect(loadConfig({ DNS_SERVERS: ' 10.0.0.2:5353, ,10.0.0.3 ' }).DNS_SERVERS).toEqual(['10.0.0.2:5353', '10.0.0.3']);
    expect(loadConfig({ DNS_SERVERS: ' , ' }).DNS_SERVERS).toBeUndefined();
    expect(loadConfig({}).DNS_SERVERS).toBeUndefined();
  });

  it('resolves the checked target', async () => {
    const id = await createProject();
    const r = await app.request('POST', `/api/v1/projects/${id}/check`, { token: manager.token });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ is_available: true, status_code: 200 });
    expect(dns.queries).toContain('site.example.test A');
  });

  it('resolves webhook hosts for the notifier', async () => {
    const id = await createProject();
    const hookUrl = `http://hooks.example.test:${hook.port}/hook`;
    const s = await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token: manager.token, body: { alert_threshold: 1, retry_count: 1, webhook_url: hookUrl } });
    expect(s.status, s.text).toBe(200);
    target.setUp(false);
    try {
      await app.request('POST', `/api/v1/projects/${id}/check`, { token: manager.token });
      const [delivered] = await hook.waitFor(1);
      expect(delivered?.headers.host).toBe(`hooks.example.test:${hook.port}`);
      expect(dns.queries).toContain('hooks.example.test A');
    } finally {
      target.setUp(true);
    }
  });

  it('resolves the pages the browser checks', async () => {
    const id = await createProject();
    const r = await app.request('POST', `/api/v1/projects/${id}/browser-check`, { token: manager.token });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ is_success: true, error_kind: null });
  });
});
