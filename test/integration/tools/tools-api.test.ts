import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { startHttpServer, startHttpsServer, closedTcpPort, type TestHttpServer } from '../../support/servers/http-server.ts';
import { siteHandler } from '../../support/servers/site.ts';
import { startDnsServer, type TestDnsServer } from '../../support/servers/dns-server.ts';
import { startUdpEchoServer, closedUdpPort, type TestUdpServer } from '../../support/servers/udp-server.ts';
import { startRdapServer, type TestRdapServer } from '../../support/servers/rdap-server.ts';
import { testCertificates } from '../../support/servers/certs.ts';

let app: TestApp;
let site: TestHttpServer;
let tlsSite: TestHttpServer;
let dns: TestDnsServer;
let udp: TestUdpServer;
let rdap: TestRdapServer;
let token: string;

beforeAll(async () => {
  site = await startHttpServer(siteHandler);
  const certs = await testCertificates();
  tlsSite = await startHttpsServer(certs.selfSigned, siteHandler);
  dns = await startDnsServer();
  udp = await startUdpEchoServer();
  rdap = await startRdapServer(['test'], { 'example.test': { expires: new Date(Date.now() + 40 * 86_400_000).toISOString(), registrar: 'Test Registrar' } });
  app = await startTestApp({ DNS_SERVERS: dns.server, RDAP_BOOTSTRAP_URL: rdap.bootstrapUrl, TOOLS_RATE_LIMIT_PER_MINUTE: '40' });
  token = (await app.user('viewer')).token;
});

afterAll(async () => {
  await app?.close();
  await Promise.all([site?.close(), tlsSite?.close(), dns?.close(), udp?.close(), rdap?.close()]);
});

const tool = (name: string, body: unknown, t: string | undefined = token) => app.request('POST', `/api/v1/tools/${name}`, { token: t, body });

describe('tools API (tools.html)', () => {
  it('http: status, response time and phase timings', async () => {
    const r = await tool('http', { url: `${site.url}/redirect/2` });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ is_available: true, status_code: 200, redirect_count: 2, error_message: null });
    expect(r.body.response_time).toBeGreaterThan(0);
    expect(r.body.timings.total).toBeGreaterThan(0);
  });

  it('tcp: an open and a closed port', async () => {
    expect((await tool('tcp', { host: '127.0.0.1', port: site.port, timeout: 2 })).body.is_open).toBe(true);
    const closed = await tool('tcp', { host: '127.0.0.1', port: await closedTcpPort(), timeout: 2 });
    expect(closed.body.is_open).toBe(false);
    expect(closed.body.error_message).toBeTruthy();
  });

  it('udp: a reply means open, ICMP unreachable means closed', async () => {
    expect((await tool('udp', { host: '127.0.0.1', port: udp.port, timeout: 2, payload: 'hi' })).body.state).toBe('open');
    expect((await tool('udp', { host: '127.0.0.1', port: await closedUdpPort(), timeout: 2 })).body.state).toBe('closed');
  });

  it('dns: records with TTLs from the configured resolver', async () => {
    const r = await tool('dns', { domain: 'example.test', record_type: 'MX' });
    expect(r.status, r.text).toBe(200);
    expect(r.body.resolved).toBe(true);
    expect(r.body.records.length).toBeGreaterThan(0);
    expect(r.body.records[0].ttl).toBeTypeOf('number');
  });

  it('content, security headers and API assertions', async () => {
    const c = await tool('content', { url: `${site.url}/html`, expected_content: 'Welcome to the test site' });
    expect(c.body).toMatchObject({ content_found: true, status_code: 200 });
    const s = await tool('security-headers', { url: `${site.url}/headers/none` });
    expect(s.body.score).toBeLessThan(50);
    const a = await tool('api', {
      url: `${site.url}/json`,
      method: 'GET',
      expected_status: 200,
      assertions: [
        { path: '$.status', operator: 'equals', value: 'ok' },
        { path: '$.checks[1].healthy', operator: 'equals', value: true },
      ],
    });
    expect(a.body.is_valid).toBe(false);
    expect(a.body.assertions.map((x: { passed: boolean }) => x.passed)).toEqual([true, false]);
    expect(a.body.response_body.length).toBeLessThanOrEqual(1000);
  });

  it('ssl: a self-signed certificate is invalid, with its reason and its dates', async () => {
    const r = await tool('ssl', { host: '127.0.0.1', port: tlsSite.port });
    expect(r.status, r.text).toBe(200);
    expect(r.body.is_valid).toBe(false);
    expect(r.body.expires_at).toBeTruthy();
    expect(r.body.days_remaining).toBeGreaterThan(0);
  });

  it('domain: expiry from RDAP', async () => {
    const r = await tool('domain', { domain: 'www.example.test' });
    expect(r.status, r.text).toBe(200);
    expect(r.body.source).toBe('rdap');
    expect(r.body.days_remaining).toBeGreaterThanOrEqual(39);
  });

  it('rejects bad input with 400 naming the field, and anonymous callers with 401', async () => {
    const bad = await tool('tcp', { host: '127.0.0.1', port: 70000 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('port');
    const badTimeout = await tool('udp', { host: '127.0.0.1', port: 53, timeout: 31 });
    expect(badTimeout.body.errors[0].field).toBe('timeout');
    const badType = await tool('dns', { domain: 'example.test', record_type: 'PTR' });
    expect(badType.status).toBe(400);
    expect((await tool('http', { url: site.url }, '')).status).toBe(401);
  });

  it('rate-limits each user (429 with Retry-After)', async () => {
    const u = await app.user('user', 'Hammer');
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 45; i++) {
      const r = await tool('tcp', { host: '127.0.0.1', port: site.port, timeout: 1 }, u.token);
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(40);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
