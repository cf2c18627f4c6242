import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeDns } from '../../../layers/checks/dns.ts';
import { probeTcp } from '../../../layers/checks/tcp.ts';
import { probeUdp } from '../../../layers/checks/udp.ts';
import { closedUdpPort, startUdpEchoServer, startUdpSilentServer, type TestUdpServer } from '../../support/servers/udp-server.ts';
import { startDnsServer, type TestDnsServer } from '../../support/servers/dns-server.ts';
import { closedTcpPort } from '../../support/servers/http-server.ts';

const allow = { allowPrivateTargets: true };
let tcp: net.Server;
let tcpPort: number;
let echo: TestUdpServer;
let silent: TestUdpServer;
let dns: TestDnsServer;

beforeAll(async () => {
  tcp = net.createServer((s) => s.resume().end());
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
  tcpPort = (tcp.address() as AddressInfo).port;
  echo = await startUdpEchoServer();
  silent = await startUdpSilentServer();
  dns = await startDnsServer();
});

afterAll(async () => {
  await new Promise<void>((r) => tcp.close(() => r()));
  await Promise.all([echo.close(), silent.close(), dns.close()]);
});

describe('TCP port check', () => {
  it('reports an open port with its response time', async () => {
    const r = await probeTcp('127.0.0.1', tcpPort, allow);
    expect(r).toMatchObject({ is_open: true, state: 'open', error_message: null, resolved_ip: '127.0.0.1' });
    expect(r.response_time).toBeGreaterThan(0);
  });

  it('reports a closed port', async () => {
    const port = await closedTcpPort();
    expect(await probeTcp('127.0.0.1', port, allow)).toMatchObject({ is_open: false, state: 'closed', error_kind: 'refused', error_message: `port ${port} is closed (connection refused)` });
  });

  it('resolves host names through the configured resolvers', async () => {
    const r = await probeTcp('app.example.test', tcpPort, { ...allow, dnsServers: [dns.server] });
    expect(r).toMatchObject({ is_open: true, resolved_ip: '127.0.0.1' });
    expect((await probeTcp('nope.example.test', tcpPort, { ...allow, dnsServers: [dns.server] })).error_kind).toBe('dns');
  });

  it('refuses private and metadata targets by policy', async () => {
    expect(await probeTcp('127.0.0.1', tcpPort, { allowPrivateTargets: false })).toMatchObject({ is_open: false, error_kind: 'blocked', error_message: 'target address not allowed: 127.0.0.1' });
    expect((await probeTcp('169.254.169.254', 80, allow)).error_kind).toBe('blocked');
  });

  it('rejects an out-of-range port', async () => {
    expect((await probeTcp('127.0.0.1', 70000, allow)).error_kind).toBe('invalid');
  });
});

describe('UDP port check', () => {
  it('reports open when the port answers', async () => {
    const r = await probeUdp('127.0.0.1', echo.port, { ...allow, payload: 'ping', timeoutMs: 1000 });
    expect(r).toMatchObject({ is_open: true, is_filtered: false, state: 'open', response_size: 4 });
    expect(echo.received).toContain('ping');
  });

  it('reports closed on ICMP port unreachable', async () => {
    const port = await closedUdpPort();
    expect(await probeUdp('127.0.0.1', port, { ...allow, timeoutMs: 1000 })).toMatchObject({ is_open: false, is_filtered: false, state: 'closed', error_kind: 'refused' });
  });

  it('reports open|filtered when nothing comes back', async () => {
    const r = await probeUdp('127.0.0.1', silent.port, { ...allow, timeoutMs: 150 });
    expect(r).toMatchObject({ is_open: false, is_filtered: true, state: 'open|filtered', error_kind: null });
    expect(r.response_time).toBeGreaterThanOrEqual(145);
  });

  it('refuses targets outside the policy', async () => {
    expect((await probeUdp('127.0.0.1', echo.port, { allowPrivateTargets: false })).error_kind).toBe('blocked');
    expect((await probeUdp('127.0.0.1', 0, allow)).error_kind).toBe('invalid');
  });
});

describe('DNS lookup', () => {
  const opts = () => ({ dnsServers: [dns.server] });

  it.each([
    ['A', 'example.test', ['127.0.0.1'], 300],
    ['AAAA', 'example.test', ['2001:db8::1'], 301],
    ['CNAME', 'www.example.test', ['example.test'], 60],
    ['MX', 'example.test', ['10 mail.example.test', '20 backup.example.test'], 3600],
    ['NS', 'example.test', ['ns1.example.test', 'ns2.example.test'], 86400],
    ['TXT', 'example.test', ['v=spf1 -all'], 120],
    ['SOA', 'example.test', ['ns1.example.test hostmaster.example.test 2026010101 7200 3600 1209600 300'], 900],
  ] as const)('resolves %s records with their TTLs', async (type, name, values, ttl) => {
    const r = await probeDns(name, type, opts());
    expect(r).toMatchObject({ resolved: true, record_type: type, rcode: 'NOERROR', ttl, error_kind: null, server: dns.server });
    expect(r.records.map((x) => x.value)).toEqual(values);
    expect(r.records.every((x) => x.ttl === ttl)).toBe(true);
    expect(r.response_time).toBeGreaterThan(0);
  });

  it('returns MX priority and exchange, and SOA fields, as structured values', async () => {
    expect((await probeDns('example.test', 'MX', opts())).records[0]).toMatchObject({ priority: 10, exchange: 'mail.example.test' });
    expect((await probeDns('example.test', 'SOA', opts())).records[0]?.soa).toMatchObject({ serial: 2026010101, minimum: 300 });
  });

  it('falls back to TCP when the UDP answer is truncated', async () => {
    const long = 'x'.repeat(240);
    dns.setRecords('big.example.test', [{ type: 'TXT', ttl: 42, data: [long, 'tail'] }]);
    dns.setBehaviour('big.example.test', 'truncate-udp');
    const r = await probeDns('big.example.test', 'TXT', opts());
    expect(r).toMatchObject({ resolved: true, ttl: 42 });
    expect(r.records[0]?.value).toBe(`${long}tail`);
  });

  it('reports a name that does not exist', async () => {
    expect(await probeDns('missing.example.test', 'A', opts())).toMatchObject({ resolved: false, rcode: 'NXDOMAIN', error_kind: 'dns', error_message: 'missing.example.test does not exist (NXDOMAIN)' });
  });

  it('reports a name without records of the asked type', async () => {
    expect(await probeDns('app.example.test', 'MX', opts())).toMatchObject({ resolved: false, error_kind: 'no_data', error_message: 'app.example.test has no MX records' });
  });

  it('reports SERVFAIL and REFUSED as the rcode when no resolver does better', async () => {
    dns.setBehaviour('flaky.example.test', 'servfail');
    const r = await probeDns('flaky.example.test', 'A', opts());
    expect(r).toMatchObject({ resolved: false, rcode: 'SERVFAIL', server: dns.server, error_kind: 'dns', error_message: `resolver ${dns.server} answered SERVFAIL` });
    dns.setBehaviour('closed.example.test', 'refused');
    expect(await probeDns('closed.example.test', 'A', opts())).toMatchObject({ resolved: false, rcode: 'REFUSED', server: dns.server, error_kind: 'dns' });
  });

  it('tries the next resolver after a REFUSED', async () => {
    const refusing = await startDnsServer(new Map());
    try {
      refusing.setBehaviour('example.test', 'refused');
      const r = await probeDns('example.test', 'A', { dnsServers: [refusing.server, dns.server] });
      expect(r).toMatchObject({ resolved: true, rcode: 'NOERROR', server: dns.server });
      expect(refusing.queries).toContain('example.test A');
    } finally {
      await refusing.close();
    }
  });

  it('returns the CNAME chain with the lowest TTL along it', async () => {
    dns.setRecords('chain.example.test', [{ type: 'CNAME', ttl: 600, domain: 'mid.example.test' }]);
    dns.setRecords('mid.example.test', [{ type: 'CNAME', ttl: 20, domain: 'app.example.test' }]);
    const r = await probeDns('chain.example.test', 'A', opts());
    expect(r).toMatchObject({ resolved: true, rcode: 'NOERROR', ttl: 20, dangling_cname: null });
    expect(r.records).toEqual([{ type: 'A', name: 'app.example.test', ttl: 30, value: '127.0.0.1' }]);
    expect(r.cname_chain).toEqual([
      { name: 'chain.example.test', target: 'mid.example.test', ttl: 600 },
      { name: 'mid.example.test', target: 'app.example.test', ttl: 20 },
    ]);
  });

  it('reports a CNAME to a name that does not exist as a dangling CNAME', async () => {
    dns.setRecords('old-shop.example.test', [{ type: 'CNAME', ttl: 300, domain: 'gone-store.example.test' }]);
    const r = await probeDns('old-shop.example.test', 'A', opts());
    expect(r).toMatchObject({ resolved: false, rcode: 'NXDOMAIN', error_kind: 'dns', dangling_cname: { name: 'old-shop.example.test', target: 'gone-store.example.test' } });
    expect(r.error_message).toContain('dangling CNAME: old-shop.example.test points to gone-store.example.test, which does not exist');
    expect(r.error_message).not.toContain('old-shop.example.test does not exist');
  });

  it('asks for the end of the chain itself when the server does not recurse', async () => {
    dns.setRecords('alias.example.test', [{ type: 'CNAME', ttl: 90, domain: 'app.example.test' }]);
    dns.setBehaviour('alias.example.test', 'authoritative-only');
    const r = await probeDns('alias.example.test', 'A', opts());
    expect(r).toMatchObject({ resolved: true, ttl: 30, cname_chain: [{ name: 'alias.example.test', target: 'app.example.test', ttl: 90 }] });
    expect(dns.queries.slice(-2)).toEqual(['alias.example.test A', 'app.example.test A']);
    dns.setRecords('stale.example.test', [{ type: 'CNAME', ttl: 90, domain: 'nothing-here.example.test' }]);
    dns.setBehaviour('stale.example.test', 'authoritative-only');
    expect(await probeDns('stale.example.test', 'A', opts())).toMatchObject({ rcode: 'NXDOMAIN', dangling_cname: { target: 'nothing-here.example.test' } });
  });

  it('says when an alias exists but its target has no records of the type', async () => {
    expect(await probeDns('www.example.test', 'MX', opts())).toMatchObject({ resolved: true, cname_chain: [{ target: 'example.test' }] });
    dns.setRecords('nomx.example.test', [{ type: 'CNAME', ttl: 60, domain: 'app.example.test' }]);
    expect(await probeDns('nomx.example.test', 'MX', opts())).toMatchObject({ resolved: false, error_kind: 'no_data', error_message: 'nomx.example.test is an alias (CNAME) of app.example.test, which has no MX records' });
  });

  it('joins TXT character-strings before decoding UTF-8, so a character split across two survives', async () => {
    const text = Buffer.from('v=verify 한국어 ✓', 'utf8');
    const split = text.indexOf(Buffer.from('국', 'utf8')) + 1; // in the middle of a three-byte character
    dns.setRecords('utf8.example.test', [{ type: 'TXT', ttl: 60, data: [text.subarray(0, split), text.subarray(split)] }]);
    const r = await probeDns('utf8.example.test', 'TXT', opts());
    expect(r.records[0]?.value).toBe('v=verify 한국어 ✓');
  });

  it('times out when no resolver answers', async () => {
    dns.setBehaviour('quiet.example.test', 'silent');
    const r = await probeDns('quiet.example.test', 'A', { ...opts(), timeoutMs: 200 });
    expect(r).toMatchObject({ resolved: false, error_kind: 'timeout' });
  });

  it('moves on from an unreachable resolver to a working one', async () => {
    const dead = await closedUdpPort();
    const r = await probeDns('example.test', 'A', { dnsServers: [`127.0.0.1:${dead}`, dns.server] });
    expect(r).toMatchObject({ resolved: true, server: dns.server });
  });

  it('rejects an invalid name without querying', async () => {
    const before = dns.queries.length;
    expect((await probeDns('bad..name', 'A', opts())).error_kind).toBe('invalid');
    expect(dns.queries.length).toBe(before);
  });
});
