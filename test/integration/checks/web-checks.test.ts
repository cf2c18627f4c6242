import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeApi } from '../../../layers/checks/api-check.ts';
import { probeContent } from '../../../layers/checks/content.ts';
import { detectContentChange } from '../../../layers/checks/content-change.ts';
import { probeHttp } from '../../../layers/checks/http.ts';
import { checkKeywords } from '../../../layers/checks/keywords.ts';
import { probeSecurityHeaders } from '../../../layers/checks/security-headers.ts';
import { testCertificates } from '../../support/servers/certs.ts';
import { closedTcpPort, startHttpServer, startHttpsServer, type TestHttpServer } from '../../support/servers/http-server.ts';
import { siteHandler } from '../../support/servers/site.ts';

let site: TestHttpServer;
let secureSite: TestHttpServer;
let ca: string;
const allow = { allowPrivateTargets: true };

beforeAll(async () => {
  const certs = await testCertificates();
  ca = certs.ca.cert;
  site = await startHttpServer(siteHandler);
  secureSite = await startHttpsServer(certs.valid, siteHandler);
});
afterAll(async () => {
  await Promise.all([site.close(), secureSite.close()]);
});

describe('content verification', () => {
  it('finds the expected content, with status and response time', async () => {
    const r = await probeContent(`${site.url}/html`, 'Welcome to the test site', allow);
    expect(r).toMatchObject({ content_found: true, is_available: true, status_code: 200, error_kind: null });
    expect(r.response_time).toBeGreaterThan(0);
  });

  it('looks inside compressed bodies', async () => {
    expect((await probeContent(`${site.url}/br`, 'Welcome', allow)).content_found).toBe(true);
  });

  it('reports missing content as content_missing', async () => {
    const r = await probeContent(`${site.url}/html`, 'Out of stock', allow);
    expect(r).toMatchObject({ content_found: false, is_available: true, error_kind: 'content_missing', error_message: 'expected content not found: "Out of stock"' });
  });

  it('is case-sensitive unless told otherwise', async () => {
    expect((await probeContent(`${site.url}/html`, 'welcome', allow)).content_found).toBe(false);
    expect((await probeContent(`${site.url}/html`, 'welcome', { ...allow, caseSensitive: false })).content_found).toBe(true);
  });

  it('passes on the fetch failure class', async () => {
    const port = await closedTcpPort();
    expect(await probeContent(`http://127.0.0.1:${port}/`, 'x', allow)).toMatchObject({ content_found: false, error_kind: 'refused' });
    expect((await probeContent(`${site.url}/html`, 'x', { allowPrivateTargets: false })).error_kind).toBe('blocked');
  });
});

describe('content change and keywords from the same response', () => {
  it('hashes and scans the body the HTTP check captured', async () => {
    const r = await probeHttp(`${site.url}/html`, { ...allow, captureBody: true });
    const change = detectContentChange(r.body ?? '', null, '.price');
    expect(change).toMatchObject({ changed: false, matched: 1 });
    const again = await probeHttp(`${site.url}/gzip`, { ...allow, captureBody: true });
    expect(detectContentChange(again.body ?? '', change.hash, '.price').changed).toBe(false);
    expect(checkKeywords(again.body ?? '', ['welcome', 'sold out'], false)).toMatchObject({ found: ['welcome'], missing: ['sold out'], should_alert: true });
  });
});

describe('security header check', () => {
  it('scores a well-configured HTTPS site 100', async () => {
    const r = await probeSecurityHeaders(`${secureSite.url}/headers/strong`, { ...allow, ca: [ca] });
    expect(r).toMatchObject({ score: 100, grade: 'A', status_code: 200, error_kind: null });
    expect(r.headers['content-security-policy'].present).toBe(true);
  });

  it('does not count HSTS sent over plain HTTP, or over HTTPS with a certificate browsers refuse', async () => {
    const plain = await probeSecurityHeaders(`${site.url}/headers/strong`, allow);
    expect(plain).toMatchObject({ score: 80, grade: 'B' });
    expect(plain.headers['strict-transport-security']).toMatchObject({ present: true, score: 0 });
    expect(plain.headers['strict-transport-security'].findings[0]?.message).toContain('plain HTTP');
    const untrusted = await probeSecurityHeaders(`${secureSite.url}/headers/strong`, allow);
    expect(untrusted.headers['strict-transport-security'].score).toBe(0);
  });

  it('scores a site without headers 0 with findings', async () => {
    const r = await probeSecurityHeaders(`${site.url}/headers/none`, allow);
    expect(r).toMatchObject({ score: 0, grade: 'F' });
    expect(r.findings.length).toBeGreaterThanOrEqual(7);
  });

  it('scores the final response after redirects, whatever its status', async () => {
    const r = await probeSecurityHeaders(`${secureSite.url}/redirect-to?url=${encodeURIComponent('/headers/strong')}`, { ...allow, ca: [ca] });
    expect(r).toMatchObject({ score: 100, final_url: `${secureSite.url}/headers/strong` });
    expect((await probeSecurityHeaders(`${site.url}/status/404`, allow)).status_code).toBe(404);
  });

  it('reports a failed fetch with its class and a zero score', async () => {
    const port = await closedTcpPort();
    expect(await probeSecurityHeaders(`http://127.0.0.1:${port}/`, allow)).toMatchObject({ score: 0, error_kind: 'refused', status_code: null });
  });
});

describe('API endpoint check', () => {
  it('checks status, body excerpt and JSON assertions', async () => {
    const r = await probeApi(`${site.url}/json`, {
      ...allow,
      method: 'GET',
      expectedStatus: 200,
      assertions: [
        { path: '$.status', operator: 'equals', value: 'ok' },
        { path: '$.checks[0].healthy', operator: 'equals', value: true },
        { path: '$.checks[1].latency_ms', operator: 'greater_than', value: 100 },
        { path: '$.uptime', operator: 'less_than', value: 99999 },
        { path: '$.version', operator: 'contains', value: '1.2' },
        { path: '$.checks', operator: 'exists' },
        { path: '$.status', operator: 'not_equals', value: 'down' },
      ],
    });
    expect(r).toMatchObject({ is_valid: true, status_code: 200, status_ok: true, error_kind: null, content_type: 'application/json' });
    expect(r.assertions).toHaveLength(7);
    expect(r.assertions.every((a) => a.passed)).toBe(true);
    expect(JSON.parse(r.response_body ?? '')).toMatchObject({ status: 'ok' });
  });

  it('reports each failed assertion with expected and actual values', async () => {
    const r = await probeApi(`${site.url}/json`, {
      ...allow,
      method: 'GET',
      assertions: [
        { path: '$.checks[1].healthy', operator: 'equals', value: true },
        { path: '$.status', operator: 'equals', value: 'ok' },
      ],
    });
    expect(r).toMatchObject({ is_valid: false, error_kind: 'assertion' });
    expect(r.assertions[0]).toMatchObject({ path: '$.checks[1].healthy', operator: 'equals', expected: true, actual: false, passed: false });
    expect(r.error_message).toBe('1 of 2 assertion(s) failed: $.checks[1].healthy is false, expected true');
  });

  it('sends the method, headers and body', async () => {
    const r = await probeApi(`${site.url}/echo`, {
      ...allow,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
      body: '{"ping":true}',
      assertions: [
        { path: '$.method', operator: 'equals', value: 'POST' },
        { path: "$.headers['x-api-key']", operator: 'equals', value: 'k' },
        { path: '$.body', operator: 'equals', value: '{"ping":true}' },
      ],
    });
    expect(r.is_valid).toBe(true);
  });

  it('fails on an unexpected status', async () => {
    const r = await probeApi(`${site.url}/json`, { ...allow, method: 'GET', expectedStatus: 201 });
    expect(r).toMatchObject({ is_valid: false, status_ok: false, expected_status: 201, error_kind: 'http_status' });
  });

  it('fails assertions on a body that is not JSON', async () => {
    const r = await probeApi(`${site.url}/html`, { ...allow, method: 'GET', assertions: [{ path: '$.a', operator: 'exists' }] });
    expect(r).toMatchObject({ is_valid: false, error_kind: 'assertion' });
    expect(r.assertions[0]?.message).toBe('the response is not valid JSON');
  });

  it('truncates the response body to 1000 characters', async () => {
    const r = await probeApi(`${site.url}/echo`, { ...allow, method: 'POST', body: 'y'.repeat(3000) });
    expect(r.response_body).toHaveLength(1000);
    expect(r.response_truncated).toBe(true);
  });

  it('reports a timeout as a failed check', async () => {
    const r = await probeApi(`${site.url}/slow-headers?ms=2000`, { ...allow, method: 'GET', timeoutMs: 150 });
    expect(r).toMatchObject({ is_valid: false, error_kind: 'timeout', status_code: null, response_body: null });
  });
});
