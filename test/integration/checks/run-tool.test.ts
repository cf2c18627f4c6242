import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool, ToolInputError } from '../../../layers/checks/index.ts';
import { testCertificates } from '../../support/servers/certs.ts';
import { startDnsServer, type TestDnsServer } from '../../support/servers/dns-server.ts';
import { startHttpServer, startHttpsServer, type TestHttpServer } from '../../support/servers/http-server.ts';
import { startRdapServer, type TestRdapServer } from '../../support/servers/rdap-server.ts';
import { siteHandler } from '../../support/servers/site.ts';
import { startUdpEchoServer, type TestUdpServer } from '../../support/servers/udp-server.ts';

let site: TestHttpServer;
let secure: TestHttpServer;
let dns: TestDnsServer;
let rdap: TestRdapServer;
let echo: TestUdpServer;
let ca: string;

beforeAll(async () => {
  const certs = await testCertificates();
  ca = certs.ca.cert;
  site = await startHttpServer(siteHandler);
  secure = await startHttpsServer(certs.valid, siteHandler);
  dns = await startDnsServer();
  rdap = await startRdapServer(['com'], { 'example.com': { expires: '2030-01-01T00:00:00Z' } });
  echo = await startUdpEchoServer();
});
afterAll(async () => {
  await Promise.all([site.close(), secure.close(), dns.close(), rdap.close(), echo.close()]);
});

const env = () => ({ allowPrivateTargets: true, dnsServers: [dns.server], rdapBootstrapUrl: rdap.bootstrapUrl, extraCa: [ca] });

describe('tools API dispatcher', () => {
  it('runs every tool from its API body, timeouts given in seconds', async () => {
    expect(await runTool('http', { url: `${site.url}/ok`, timeout: 5 }, env())).toMatchObject({ is_available: true, status_code: 200 });
    expect(await runTool('tcp', { host: '127.0.0.1', port: site.port, timeout: 1 }, env())).toMatchObject({ is_open: true });
    expect(await runTool('udp', { host: '127.0.0.1', port: echo.port, timeout: 1, payload: 'x' }, env())).toMatchObject({ state: 'open' });
    expect(await runTool('dns', { domain: 'example.test', record_type: 'mx' }, env())).toMatchObject({ resolved: true, ttl: 3600 });
    expect(await runTool('content', { url: `${site.url}/html`, expected_content: 'Welcome' }, env())).toMatchObject({ content_found: true });
    expect(await runTool('security-headers', { url: `${secure.url}/headers/strong` }, env())).toMatchObject({ score: 100 });
    expect(
      await runTool('api', { url: `${site.url}/echo`, method: 'POST', body: { a: 1 }, expected_status: 200, assertions: [{ path: '$.headers["content-type"]', operator: 'equals', value: 'application/json' }] }, env()),
    ).toMatchObject({ is_valid: true });
    expect(await runTool('ssl', { host: '127.0.0.1', port: secure.port }, env())).toMatchObject({ is_valid: true });
    expect(await runTool('domain', { domain: 'www.example.com' }, env())).toMatchObject({ source: 'rdap', expires_at: '2030-01-01T00:00:00.000Z' });
  });

  it('applies the operator policy from env', async () => {
    const strict = { allowPrivateTargets: false };
    expect(await runTool('http', { url: `${site.url}/ok` }, strict)).toMatchObject({ error_kind: 'blocked' });
    expect(await runTool('tcp', { host: '127.0.0.1', port: site.port }, strict)).toMatchObject({ error_kind: 'blocked' });
  });

  it('throws ToolInputError naming the field for a bad body', async () => {
    await expect(runTool('tcp', { host: '127.0.0.1', port: 0 }, env())).rejects.toBeInstanceOf(ToolInputError);
    const err = await runTool('udp', { host: '127.0.0.1', port: 53, timeout: 99 }, env()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolInputError);
    expect((err as ToolInputError).errors).toEqual([expect.objectContaining({ field: 'timeout' })]);
    await expect(runTool('nope', {}, env())).rejects.toThrow('unknown tool: nope');
  });
});
