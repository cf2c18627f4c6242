import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeHttp } from '../../../layers/checks/http.ts';
import { probeSsl } from '../../../layers/checks/ssl.ts';
import { testChains, type TestChains } from '../../support/servers/cert-chains.ts';
import { testCertificates, type TestCertificates } from '../../support/servers/certs.ts';
import { startDnsServer, type TestDnsServer } from '../../support/servers/dns-server.ts';
import { closedTcpPort, startHttpsServer, startSilentTcpServer, type TestHttpServer } from '../../support/servers/http-server.ts';
import { siteHandler } from '../../support/servers/site.ts';

let certs: TestCertificates;
let servers: Record<'valid' | 'expiringSoon' | 'expired' | 'selfSigned' | 'wrongHost', TestHttpServer>;
let dns: TestDnsServer;
let ca: string[];
const allow = { allowPrivateTargets: true };

beforeAll(async () => {
  certs = await testCertificates();
  ca = [certs.ca.cert];
  const [valid, expiringSoon, expired, selfSigned, wrongHost] = await Promise.all([
    startHttpsServer(certs.valid, siteHandler),
    startHttpsServer(certs.expiringSoon, siteHandler),
    startHttpsServer(certs.expired, siteHandler),
    startHttpsServer(certs.selfSigned, siteHandler),
    startHttpsServer(certs.wrongHost, siteHandler),
  ]);
  servers = { valid, expiringSoon, expired, selfSigned, wrongHost };
  dns = await startDnsServer();
  dns.setRecords('secure.example.test', [{ type: 'A', ttl: 60, address: '127.0.0.1' }]);
});

afterAll(async () => {
  await Promise.all([...Object.values(servers).map((s) => s.close()), dns.close()]);
});

describe('SSL certificate monitoring', () => {
  it('reports a valid certificate with issuer, subject, SANs, dates and days remaining', async () => {
    const r = await probeSsl('127.0.0.1', { ...allow, port: servers.valid.port, ca });
    expect(r).toMatchObject({
      is_valid: true,
      authorized: true,
      authorization_error: null,
      invalid_reason: null,
      issuer: 'Py_Monitor Test CA',
      subject: 'localhost',
      warning: false,
      error_kind: null,
    });
    expect(r.san).toEqual(['DNS:localhost', 'DNS:secure.example.test', 'IP Address:127.0.0.1']);
    expect(r.days_remaining).toBeGreaterThanOrEqual(198);
    expect(r.days_remaining).toBeLessThanOrEqual(200);
    expect(new Date(r.valid_from!).getTime()).toBeLessThan(Date.now());
    expect(new Date(r.expires_at!).getTime()).toBeGreaterThan(Date.now());
    expect(r.tls_version).toMatch(/^TLSv1\.[23]$/);
  });

  it('verifies the host name sent by SNI when given a name', async () => {
    const r = await probeSsl('secure.example.test', { ...allow, port: servers.valid.port, ca, dnsServers: [dns.server] });
    expect(r).toMatchObject({ is_valid: true, host: 'secure.example.test', resolved_ip: '127.0.0.1' });
  });

  it('warns when the certificate expires within the warning threshold', async () => {
    const r = await probeSsl('127.0.0.1', { ...allow, port: servers.expiringSoon.port, ca });
    expect(r).toMatchObject({ is_valid: true, warning: true, days_remaining: 10, warning_days: 30 });
    expect(r.warning_message).toBe('certificate expires in 10 day(s) (warning at 30)');
    const relaxed = await probeSsl('127.0.0.1', { ...allow, port: servers.expiringSoon.port, ca, warningDays: 7 });
    expect(relaxed.warning).toBe(false);
  });

  it('reports an expired certificate as invalid, with its dates', async () => {
    const r = await probeSsl('127.0.0.1', { ...allow, port: servers.expired.port, ca });
    expect(r).toMatchObject({ is_valid: false, authorized: false, authorization_error: 'CERT_HAS_EXPIRED', invalid_reason: 'certificate has expired', warning: true, error_kind: 'tls' });
    expect(r.days_remaining).toBeLessThan(-29);
    expect(r.expires_at).not.toBeNull();
    expect(r.warning_message).toMatch(/^certificate expired \d+ day\(s\) ago$/);
  });

  it('reports a self-signed certificate as invalid, with its dates', async () => {
    const r = await probeSsl('127.0.0.1', { ...allow, port: servers.selfSigned.port, ca });
    expect(r).toMatchObject({ is_valid: false, invalid_reason: 'self-signed certificate', issuer: 'localhost', error_kind: 'tls' });
    expect(r.days_remaining).toBeGreaterThan(190);
  });

  it('reports a certificate for another host as invalid', async () => {
    const r = await probeSsl('127.0.0.1', { ...allow, port: servers.wrongHost.port, ca });
    expect(r).toMatchObject({ is_valid: false, authorization_error: 'ERR_TLS_CERT_ALTNAME_INVALID', invalid_reason: 'certificate does not match the host name', subject: 'other.example' });
  });

  it('reports an untrusted issuer when the test CA is not trusted', async () => {
    const r = await probeSsl('127.0.0.1', { ...allow, port: servers.valid.port });
    expect(r).toMatchObject({ is_valid: false, invalid_reason: 'certificate issuer "Py_Monitor Test CA" is not trusted', chain_problem: 'untrusted_issuer' });
  });

  it('fails with refused, timeout and blocked classes when there is no certificate to judge', async () => {
    const closed = await probeSsl('127.0.0.1', { ...allow, port: await closedTcpPort() });
    expect(closed).toMatchObject({ is_valid: false, error_kind: 'refused', expires_at: null });
    const silent = await startSilentTcpServer();
    try {
      const stalled = await probeSsl('127.0.0.1', { ...allow, port: silent.port, timeoutMs: 200 });
      expect(stalled).toMatchObject({ is_valid: false, error_kind: 'tls', error_message: 'TLS handshake not complete within 200 ms' });
    } finally {
      await silent.close();
    }
    const blocked = await probeSsl('127.0.0.1', { allowPrivateTargets: false, port: servers.valid.port });
    expect(blocked).toMatchObject({ error_kind: 'blocked', error_message: 'target address not allowed: 127.0.0.1' });
  });

  it('rejects an out-of-range port as invalid', async () => {
    expect((await probeSsl('127.0.0.1', { ...allow, port: 0 })).error_kind).toBe('invalid');
  });
});

describe('SSL certificate chain', () => {
  let chains: TestChains;
  const running: TestHttpServer[] = [];
  const serve = async (material: { key: string; cert: string }) => {
    const s = await startHttpsServer(material, siteHandler);
    running.push(s);
    return s.port;
  };
  beforeAll(async () => {
    chains = await testChains();
  });
  afterAll(async () => {
    await Promise.all(running.map((s) => s.close()));
  });

  it('takes expiry from an intermediate that expires before the leaf, and names it', async () => {
    const port = await serve(chains.shortIntermediate);
    const r = await probeSsl('127.0.0.1', { ...allow, port, ca: [chains.root] });
    expect(r).toMatchObject({
      is_valid: true,
      days_remaining: 19,
      leaf_days_remaining: 299,
      expiring_certificate: { position: 'intermediate', subject: chains.names.shortIntermediate, depth: 1 },
      warning: true,
      warning_message: `intermediate certificate "${chains.names.shortIntermediate}" expires in 19 day(s) (warning at 30)`,
      chain_problem: null,
    });
    expect(r.expires_at).toBe(r.chain[1]?.expires_at);
    expect(r.chain.map((c) => [c.position, c.sent, c.trust_anchor])).toEqual([
      ['leaf', true, false],
      ['intermediate', true, false],
      ['root', false, true],
    ]);
  });

  it('reports an expired intermediate as the reason, with negative days remaining', async () => {
    const port = await serve(chains.expiredIntermediate);
    const r = await probeSsl('127.0.0.1', { ...allow, port, ca: [chains.root] });
    expect(r).toMatchObject({ is_valid: false, authorization_error: 'CERT_HAS_EXPIRED', chain_problem: 'expired_intermediate', leaf_days_remaining: 99, error_kind: 'tls' });
    expect(r.invalid_reason).toMatch(new RegExp(`^intermediate certificate "${chains.names.expiredIntermediate}" expired on \\d{4}-\\d{2}-\\d{2}$`));
    expect(r.days_remaining).toBeLessThanOrEqual(-5);
    expect(r.expiring_certificate).toMatchObject({ position: 'intermediate' });
    expect(r.warning_message).toMatch(/^intermediate certificate ".+" expired \d+ day\(s\) ago$/);
  });

  it('tells a server that did not send its intermediate apart from an untrusted issuer', async () => {
    const missing = await probeSsl('127.0.0.1', { ...allow, port: await serve(chains.leafWithoutIntermediate), ca: [chains.root] });
    expect(missing).toMatchObject({ is_valid: false, chain_problem: 'missing_intermediate' });
    expect(missing.invalid_reason).toBe(`the server did not send its intermediate certificate (issuer "${chains.names.intermediate}"): browsers may fetch it, most other clients fail`);
    const untrusted = await probeSsl('127.0.0.1', { ...allow, port: await serve(chains.untrustedRoot), ca: [chains.root] });
    expect(untrusted).toMatchObject({ is_valid: false, chain_problem: 'untrusted_issuer', invalid_reason: 'certificate issuer "Untrusted Private Root" is not trusted' });
  });

  it('ignores a sent certificate that is not on the verified path, such as an expired cross-sign', async () => {
    const r = await probeSsl('127.0.0.1', { ...allow, port: await serve(chains.expiredCrossSign), ca: [chains.root] });
    expect(r).toMatchObject({ is_valid: true, chain_problem: null, expiring_certificate: { position: 'leaf' } });
    expect(r.days_remaining).toBe(r.leaf_days_remaining);
    expect(r.chain.map((c) => c.subject)).toEqual(['localhost', chains.names.intermediate, 'Py_Monitor Chain Root']);
    expect(r.chain[2]).toMatchObject({ trust_anchor: true, sent: false });
  });

  it('judges every certificate of the chain against an injected clock', async () => {
    const port = await serve(chains.shortIntermediate);
    const later = new Date(Date.now() + 40 * 86_400_000);
    const r = await probeSsl('127.0.0.1', { ...allow, port, ca: [chains.root], now: later });
    expect(r).toMatchObject({ is_valid: false, chain_problem: 'expired_intermediate', expiring_certificate: { position: 'intermediate' } });
  });
});

describe('HTTPS checks', () => {
  it('reports TLS version, timings and the leaf certificate of a trusted server', async () => {
    const r = await probeHttp(`${servers.valid.url}/ok`, { ...allow, ca });
    expect(r.is_available).toBe(true);
    expect(r.tls).toMatchObject({ authorized: true, authorization_error: null });
    expect(r.tls?.version).toMatch(/^TLSv1\.[23]$/);
    expect(r.tls?.certificate).toMatchObject({ self_signed: false });
    expect(r.tls?.certificate?.subject).toContain('CN=localhost');
    expect(r.timings.tls).toBeGreaterThan(0);
  });

  it('does not reuse TLS sessions or connections between checks', async () => {
    const before = servers.valid.connections();
    const a = await probeHttp(`${servers.valid.url}/ok`, { ...allow, ca });
    const b = await probeHttp(`${servers.valid.url}/ok`, { ...allow, ca });
    expect(servers.valid.connections() - before).toBe(2);
    expect(a.timings.tls).toBeGreaterThan(0);
    expect(b.timings.tls).toBeGreaterThan(0);
  });

  it.each([
    ['expired', 'certificate has expired'],
    ['selfSigned', 'self-signed certificate'],
    ['wrongHost', 'certificate does not match the host name'],
  ] as const)('fails with error_kind tls for a %s certificate, still summarising it', async (name, reason) => {
    const r = await probeHttp(`${servers[name].url}/ok`, { ...allow, ca });
    expect(r).toMatchObject({ is_available: false, error_kind: 'tls', error_message: `TLS certificate rejected: ${reason}` });
    expect(r.tls?.certificate?.expires_at).toBeTruthy();
  });

  it('classifies a stalled TLS handshake as a connect timeout', async () => {
    const silent = await startSilentTcpServer();
    try {
      const r = await probeHttp(`https://127.0.0.1:${silent.port}/`, { ...allow, timeoutMs: 200 });
      expect(r).toMatchObject({ error_kind: 'connect_timeout' });
    } finally {
      await silent.close();
    }
  });
});
