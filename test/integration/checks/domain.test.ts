import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearRdapBootstrapMemo, loadRdapBootstrap, probeDomain } from '../../../layers/checks/domain.ts';
import type { ProbeCache } from '../../../layers/checks/types.ts';
import { closedTcpPort } from '../../support/servers/http-server.ts';
import { startRdapServer, type TestRdapServer } from '../../support/servers/rdap-server.ts';
import { registryWhoisAnswer, startWhoisServer, type TestWhoisServer } from '../../support/servers/whois-server.ts';

const now = new Date('2026-03-01T00:00:00Z');
let rdap: TestRdapServer;
let registry: TestWhoisServer;
let iana: TestWhoisServer;
let deadBootstrap: string;
// WHOIS answers in registry layouts other than the thick-registry one, by query.
const localAnswers = new Map<string, string>([
  ['example.fi', 'domain.............: example.fi\nstatus.............: Registered\nexpires............: 3.8.2027 21:30:00\n\nRegistrar\nregistrar..........: Revontuli Oy\n'],
  ['example.pt', 'Domain: example.pt\nExpiration Date: 03/08/2027 23:59:00\n'],
  ['slashed.com', 'Domain Name: slashed.com\nRegistrar: Canyon Web Services\nExpiration Date: 03/08/2027\n'],
]);

beforeAll(async () => {
  rdap = await startRdapServer(['com', 'test'], {
    'example.com': { expires: '2027-03-01T00:00:00Z', registrar: 'RDAP Registrar LLC' },
    'soon.test': { expires: '2026-03-11T12:00:00Z' },
  });
  registry = await startWhoisServer((q) =>
    q === 'example.kr'
      ? registryWhoisAnswer({ domain: q, expires: '2026-04-15T00:00:00Z', registrar: 'WHOIS Registrar Co.' })
      : q === 'broken.com'
        ? registryWhoisAnswer({ domain: q, expires: '2028-01-01T00:00:00Z', registrar: 'Fallback Registrar' })
        : (localAnswers.get(q) ?? 'No match for domain.\r\n'),
  );
  // An IANA-style server that only refers to the registry's WHOIS server.
  iana = await startWhoisServer((q) => `% IANA WHOIS server\r\n\r\ndomain:       ${q.split('.').pop()?.toUpperCase()}\r\nrefer:        ${registry.address}\r\n`);
  deadBootstrap = `http://127.0.0.1:${await closedTcpPort()}/dns.json`;
});

afterAll(async () => {
  await Promise.all([rdap.close(), registry.close(), iana.close()]);
});

beforeEach(() => clearRdapBootstrapMemo());

const base = () => ({ allowPrivateTargets: true, rdapBootstrapUrl: rdap.bootstrapUrl, whoisServer: iana.address, now, timeoutMs: 2000 });

describe('domain expiry monitoring', () => {
  it('answers from RDAP first, reducing a host to its registered domain', async () => {
    const r = await probeDomain('https://www.status.example.com/x', base());
    expect(r).toMatchObject({
      domain: 'example.com',
      source: 'rdap',
      expires_at: '2027-03-01T00:00:00.000Z',
      days_remaining: 365,
      registrar: 'RDAP Registrar LLC',
      registered_at: '2001-02-03T04:05:06.000Z',
      warning: false,
      cached: false,
      error_kind: null,
    });
    expect(r.server).toBe(`${rdap.baseUrl}domain/example.com`);
    expect(iana.queries).not.toContain('example.com');
  });

  it('warns when the domain expires within the threshold', async () => {
    expect(await probeDomain('soon.test', base())).toMatchObject({ days_remaining: 10, warning: true, warning_days: 30 });
    expect((await probeDomain('soon.test', { ...base(), warningDays: 5 })).warning).toBe(false);
  });

  it('falls back to WHOIS, following the referral to the registry', async () => {
    const r = await probeDomain('www.example.kr', base());
    expect(r).toMatchObject({ domain: 'example.kr', source: 'whois', expires_at: '2026-04-15T00:00:00.000Z', days_remaining: 45, registrar: 'WHOIS Registrar Co.', server: `whois://${registry.address}` });
    expect(iana.queries).toContain('example.kr');
    expect(registry.queries).toContain('example.kr');
  });

  it('falls back to WHOIS when the RDAP service fails', async () => {
    rdap.setDomain('broken.com', 'error');
    const r = await probeDomain('broken.com', base());
    expect(r).toMatchObject({ source: 'whois', registrar: 'Fallback Registrar', expires_at: '2028-01-01T00:00:00.000Z' });
  });

  it('uses the shipped bootstrap when the bootstrap URL is unreachable', async () => {
    const loaded = await loadRdapBootstrap(deadBootstrap, { timeoutMs: 500 });
    expect(loaded.source).toBe('shipped');
    expect(loaded.bootstrap.services.some(([tlds]) => tlds.includes('com'))).toBe(true);
    const r = await probeDomain('example.kr', { ...base(), rdapBootstrapUrl: deadBootstrap });
    expect(r).toMatchObject({ source: 'whois', expires_at: '2026-04-15T00:00:00.000Z' });
  });

  it('caches answers for a day and recomputes the days remaining', async () => {
    const store = new Map<string, { value: unknown; ttl: number }>();
    const cache: ProbeCache = {
      get: async <T>(k: string) => store.get(k)?.value as T | undefined,
      set: async (k, value, ttl) => {
        store.set(k, { value, ttl });
      },
    };
    const first = await probeDomain('example.com', { ...base(), cache });
    expect(first.cached).toBe(false);
    const requests = rdap.requests.length;
    const later = await probeDomain('www.example.com', { ...base(), cache, now: new Date('2026-03-02T00:00:00Z') });
    expect(later).toMatchObject({ cached: true, source: 'rdap', days_remaining: 364 });
    expect(rdap.requests.length).toBe(requests);
    expect([...store.values()][0]?.ttl).toBeGreaterThanOrEqual(86400);
  });

  it('reports a domain that no registry knows', async () => {
    const r = await probeDomain('unknown-name.com', base());
    expect(r).toMatchObject({ source: null, expires_at: null, error_kind: 'no_data' });
    expect(r.error_message).toContain('not registered');
  });

  it('holds WHOIS referrals (registry data) to the SSRF policy, unlike the configured server', async () => {
    const r = await probeDomain('example.kr', { ...base(), allowPrivateTargets: false });
    expect(r).toMatchObject({ source: null, error_kind: 'blocked' });
    expect(r.error_message).toContain('target address not allowed: 127.0.0.1');
  });

  it('reports unreachable registries with their failure class', async () => {
    const dead = await closedTcpPort();
    const r = await probeDomain('example.kr', { ...base(), whoisServer: `127.0.0.1:${dead}` });
    expect(r).toMatchObject({ source: null, error_kind: 'refused' });
  });

  it('reads a day-first registry answer in UTC, keeping the time of day', async () => {
    expect(await probeDomain('example.fi', base())).toMatchObject({ source: 'whois', expires_at: '2027-08-03T21:30:00.000Z', registrar: 'Revontuli Oy' });
    expect(await probeDomain('example.pt', base())).toMatchObject({ source: 'whois', expires_at: '2027-08-03T23:59:00.000Z' });
  });

  it('gives no date, and says why, when a date could be read day-first or month-first', async () => {
    const r = await probeDomain('slashed.com', base());
    expect(r).toMatchObject({ expires_at: null, days_remaining: null, error_kind: 'no_data' });
    expect(r.error_message).toContain('ambiguous date "03/08/2027"');
  });

  it('follows RDAP redirects that stay within the policy', async () => {
    rdap.setRedirect('moved.com', `${rdap.baseUrl}domain/example.com`, 301);
    const r = await probeDomain('moved.com', base());
    expect(r).toMatchObject({ source: 'rdap', expires_at: '2027-03-01T00:00:00.000Z', server: `${rdap.baseUrl}domain/example.com` });
  });

  it('holds every RDAP redirect to the SSRF policy, even from a configured service', async () => {
    // The configured bootstrap's own service may be private; where it redirects to is not trusted.
    rdap.setRedirect('sneaky.com', `http://127.0.0.1:${rdap.port}/rdap/domain/example.com`);
    const r = await probeDomain('sneaky.com', { ...base(), allowPrivateTargets: false, whoisServer: `127.0.0.1:${await closedTcpPort()}` });
    expect(r.expires_at).toBeNull();
    expect(r.error_message).toContain('target address not allowed: 127.0.0.1');
    expect(r.error_message).toContain(`RDAP http://127.0.0.1:${rdap.port}/rdap/domain/example.com`);
  });

  it('always refuses RDAP redirects to cloud metadata', async () => {
    rdap.setRedirect('metadata.com', 'http://169.254.169.254/latest/meta-data/');
    const r = await probeDomain('metadata.com', { ...base(), whoisServer: `127.0.0.1:${await closedTcpPort()}` });
    expect(r.error_message).toContain('target address not allowed: 169.254.169.254');
  });

  it('reads an RDAP answer whose entities are an object, naming the registrar from the vCard org', async () => {
    rdap.setDocument('object.com', {
      objectClassName: 'domain',
      ldhName: 'object.com',
      events: [{ eventAction: 'expiration', eventDate: '2028-02-03T04:05:06+02:00' }],
      entities: { registrar: { roles: ['registrar'], vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['org', {}, 'text', 'Org Only Registrar']]] } },
    });
    expect(await probeDomain('object.com', base())).toMatchObject({ source: 'rdap', expires_at: '2028-02-03T02:05:06.000Z', registrar: 'Org Only Registrar' });
  });

  it('rejects input that is not a registrable domain', async () => {
    expect((await probeDomain('127.0.0.1', base())).error_kind).toBe('invalid');
    expect((await probeDomain('com', base())).error_kind).toBe('invalid');
  });
});
