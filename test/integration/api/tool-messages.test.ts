import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../../frontend/locales/en.json' with { type: 'json' };
import ko from '../../../frontend/locales/ko.json' with { type: 'json' };
import { startTestApp, type TestApp } from '../../support/app.ts';
import { testCertificates } from '../../support/servers/certs.ts';
import { startDnsServer, type TestDnsServer } from '../../support/servers/dns-server.ts';
import { closedTcpPort, startHttpServer, startHttpsServer, type TestHttpServer } from '../../support/servers/http-server.ts';
import { siteHandler } from '../../support/servers/site.ts';

// The tools' findings and errors in the reader's language (issue 17): each finding carries a code and
// params, the API writes its message from the catalog (`api.finding.*`, `api.check.*`) in the user's
// language setting; English readers get the probes' own text, unchanged.

const hangul = /[가-힣]/;
const K = ko as Record<string, string>;
const E = en as Record<string, string>;
const fill = (text: string, params: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (m, n: string) => String(params[n] ?? m));

/** Answers with the security headers named in the query (?h=name:value, repeated). */
function headersFromQuery(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://x');
  const headers: Record<string, string> = { 'content-type': 'text/html' };
  for (const h of url.searchParams.getAll('h')) {
    const i = h.indexOf(':');
    headers[h.slice(0, i)] = h.slice(i + 1);
  }
  res.writeHead(200, headers).end('<html></html>');
}

let app: TestApp;
let site: TestHttpServer;
let headerSite: TestHttpServer;
let tlsSite: TestHttpServer;
let dns: TestDnsServer;
let korean: string;
let english: string;

beforeAll(async () => {
  site = await startHttpServer(siteHandler);
  headerSite = await startHttpServer(headersFromQuery);
  tlsSite = await startHttpsServer((await testCertificates()).selfSigned, siteHandler);
  dns = await startDnsServer();
  app = await startTestApp({ DNS_SERVERS: dns.server, TOOLS_RATE_LIMIT_PER_MINUTE: '100' });
  const setLanguage = async (token: string, language: 'ko' | 'en') => {
    const r = await app.request('PUT', '/api/v1/users/me/settings', { token, body: { theme: 'light', language, timezone: 'Asia/Seoul', email_notifications: true } });
    expect(r.status, r.text).toBe(200);
  };
  korean = (await app.user('viewer', 'Korean reader')).token;
  english = (await app.user('viewer', 'English reader')).token;
  await setLanguage(korean, 'ko');
  await setLanguage(english, 'en');
});

afterAll(async () => {
  await app?.close();
  await Promise.all([site?.close(), headerSite?.close(), tlsSite?.close(), dns?.close()]);
});

/** Both readers ask with `Accept-Language: ko`: the language setting of a signed-in user decides. */
const tool = (token: string, name: string, body: unknown) =>
  app.request('POST', `/api/v1/tools/${name}`, { token, body, headers: { 'accept-language': 'ko-KR,ko;q=0.9' } });

type Finding = { header: string; severity: string; code: string; params: Record<string, string | number>; message: string };

describe('security-headers findings', () => {
  const weak = () => {
    const q = new URLSearchParams();
    q.append('h', "content-security-policy:default-src 'self'; default-src 'none'");
    q.append('h', 'strict-transport-security:max-age=600');
    q.append('h', 'x-frame-options:ALLOWALL');
    q.append('h', 'permissions-policy:camera=*');
    return `${headerSite.url}/?${q}`;
  };

  it('come in Korean for a Korean reader, each written from its code, a nested reason included', async () => {
    const r = await tool(korean, 'security-headers', { url: weak() });
    expect(r.status, r.text).toBe(200);
    const findings = r.body.findings as Finding[];
    expect(findings.length).toBeGreaterThan(5);
    for (const f of findings) {
      expect(f.message, f.code).toMatch(hangul);
      expect(K[`api.finding.${f.code}`], f.code).toBeDefined();
    }
    const csp = findings.find((f) => f.code === 'csp_invalid')!;
    expect(csp.message).toBe(fill(K['api.finding.csp_invalid']!, { reason: fill(K['api.finding.csp_directive_twice']!, { directive: 'default-src' }) }));
    expect(findings.find((f) => f.code === 'hsts_plain')!.message).toBe(K['api.finding.hsts_plain']);
    expect(findings.find((f) => f.code === 'xfo_invalid')!.message).toBe(fill(K['api.finding.xfo_invalid']!, { value: '"ALLOWALL"' }));
    expect(findings.find((f) => f.code === 'permissions_open')!.message).toBe(fill(K['api.finding.permissions_open']!, { features: 'camera' }));
    // the per-header lists say the same, and the site's values stay as sent
    expect(r.body.headers['x-frame-options'].findings[0].message).toBe(fill(K['api.finding.xfo_invalid']!, { value: '"ALLOWALL"' }));
    expect(r.body.headers['x-frame-options'].value).toBe('ALLOWALL');
  });

  it('stay in the probe\'s English for an English reader, whatever Accept-Language says', async () => {
    const r = await tool(english, 'security-headers', { url: weak() });
    expect(r.status, r.text).toBe(200);
    const findings = r.body.findings as Finding[];
    for (const f of findings) expect(f.message, f.code).not.toMatch(hangul);
    expect(findings.find((f) => f.code === 'csp_invalid')!.message).toBe('invalid policy, so it earns nothing: directive default-src appears twice');
    expect(findings.find((f) => f.code === 'hsts_plain')!.message).toBe(E['api.finding.hsts_plain']);
    expect(findings.find((f) => f.code === 'xfo_invalid')).toMatchObject({ params: { value: '"ALLOWALL"' }, message: 'invalid value "ALLOWALL": use DENY or SAMEORIGIN' });
  });
});

describe('failing checks of the other tools', () => {
  it('tcp: a refused connection', async () => {
    const port = await closedTcpPort();
    const k = await tool(korean, 'tcp', { host: '127.0.0.1', port, timeout: 2 });
    expect(k.status, k.text).toBe(200);
    expect(k.body).toMatchObject({ is_open: false, error_kind: 'refused', error_message: fill(K['api.check.tcp_closed']!, { port }) });
    const e = await tool(english, 'tcp', { host: '127.0.0.1', port, timeout: 2 });
    expect(e.body.error_message).toBe(`port ${port} is closed (connection refused)`);
  });

  it('dns: a name that does not exist (NXDOMAIN from the loopback resolver)', async () => {
    const k = await tool(korean, 'dns', { domain: 'nope.example.test', record_type: 'A' });
    expect(k.status, k.text).toBe(200);
    expect(k.body).toMatchObject({ resolved: false, rcode: 'NXDOMAIN', error_message: fill(K['api.check.dns_nxdomain']!, { name: 'nope.example.test' }) });
    const e = await tool(english, 'dns', { domain: 'nope.example.test', record_type: 'A' });
    expect(e.body.error_message).toBe('nope.example.test does not exist (NXDOMAIN)');
  });

  it('api: a failed assertion, in the summary and in the assertion itself', async () => {
    const body = { url: `${site.url}/json`, method: 'GET', assertions: [{ path: '$.status', operator: 'equals', value: 'down' }] };
    const k = await tool(korean, 'api', body);
    expect(k.status, k.text).toBe(200);
    const failed = fill(K['api.check.api_is_expected']!, { path: '$.status', actual: '"ok"', value: '"down"' });
    expect(k.body.assertions[0].message).toBe(failed);
    expect(k.body.error_message).toBe(fill(K['api.check.api_failed']!, { failed: 1, total: 1, first: failed }));
    const e = await tool(english, 'api', body);
    expect(e.body.error_message).toBe('1 of 1 assertion(s) failed: $.status is "ok", expected "down"');
  });

  it('ssl: a self-signed certificate', async () => {
    const k = await tool(korean, 'ssl', { host: '127.0.0.1', port: tlsSite.port });
    expect(k.status, k.text).toBe(200);
    expect(k.body.is_valid).toBe(false);
    expect(k.body.invalid_reason).toBe(K['api.check.cert_self_signed']);
    expect(k.body.error_message).toBe(fill(K['api.check.cert_invalid']!, { reason: K['api.check.cert_self_signed']! }));
    const e = await tool(english, 'ssl', { host: '127.0.0.1', port: tlsSite.port });
    expect(e.body.error_message).toBe('certificate is not valid: self-signed certificate');
  });
});
