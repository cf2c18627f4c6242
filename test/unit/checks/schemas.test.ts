import { describe, expect, it } from 'vitest';
import {
  apiToolSchema,
  contentToolSchema,
  dnsToolSchema,
  domainToolSchema,
  httpToolSchema,
  securityHeadersToolSchema,
  sslToolSchema,
  tcpToolSchema,
  udpToolSchema,
} from '../../../layers/checks/schemas.ts';

describe('tool input schemas', () => {
  it('http: requires an http(s) URL and defaults the method and timeout (seconds)', () => {
    expect(httpToolSchema.parse({ url: 'https://example.com' })).toEqual({ url: 'https://example.com', method: 'GET', timeout: 10 });
    expect(httpToolSchema.safeParse({ url: 'ftp://example.com' }).success).toBe(false);
    expect(httpToolSchema.safeParse({ url: 'example.com' }).success).toBe(false);
    expect(httpToolSchema.safeParse({ url: 'https://example.com', method: 'TRACE' }).success).toBe(false);
    expect(httpToolSchema.safeParse({ url: 'https://example.com', timeout: 0 }).success).toBe(false);
    expect(httpToolSchema.safeParse({ url: 'https://example.com', headers: { 'x-a': 'b\r\nInjected: 1' } }).success).toBe(false);
    expect(httpToolSchema.safeParse({ url: 'https://example.com', headers: { 'bad header': 'x' } }).success).toBe(false);
  });

  it('tcp: port 1-65535 and timeout 1-20 seconds (a tool answers within the 29 s of API Gateway)', () => {
    expect(tcpToolSchema.parse({ host: 'example.com', port: 443 })).toEqual({ host: 'example.com', port: 443, timeout: 5 });
    for (const bad of [{ port: 0 }, { port: 65536 }, { port: 80.5 }, { port: 80, timeout: 0.5 }, { port: 80, timeout: 21 }]) {
      expect(tcpToolSchema.safeParse({ host: 'example.com', ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
    expect(tcpToolSchema.safeParse({ host: 'bad host', port: 80 }).success).toBe(false);
    expect(tcpToolSchema.safeParse({ port: 80 }).success).toBe(false);
  });

  it('udp: the same ranges plus an optional payload', () => {
    expect(udpToolSchema.parse({ host: '127.0.0.1', port: 53, payload: 'hi' })).toEqual({ host: '127.0.0.1', port: 53, timeout: 3, payload: 'hi' });
    expect(udpToolSchema.safeParse({ host: '127.0.0.1', port: 70000 }).success).toBe(false);
    expect(udpToolSchema.safeParse({ host: '127.0.0.1', port: 53, timeout: 60 }).success).toBe(false);
    expect(udpToolSchema.safeParse({ host: '127.0.0.1', port: 53, payload: 'x'.repeat(2000) }).success).toBe(false);
  });

  it('dns: the seven record types, case-insensitive', () => {
    for (const t of ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SOA']) {
      expect(dnsToolSchema.parse({ domain: 'Example.COM', record_type: t.toLowerCase() })).toEqual({ domain: 'example.com', record_type: t });
    }
    expect(dnsToolSchema.safeParse({ domain: 'example.com', record_type: 'PTR' }).success).toBe(false);
    expect(dnsToolSchema.safeParse({ domain: 'exa mple.com', record_type: 'A' }).success).toBe(false);
    expect(dnsToolSchema.safeParse({ domain: `${'a'.repeat(64)}.com`, record_type: 'A' }).success).toBe(false);
  });

  it('content: URL, expected content and timeout', () => {
    expect(contentToolSchema.parse({ url: 'http://example.com', expected_content: 'Welcome' }).timeout).toBe(10);
    expect(contentToolSchema.safeParse({ url: 'http://example.com', expected_content: '' }).success).toBe(false);
    expect(contentToolSchema.safeParse({ url: 'http://example.com' }).success).toBe(false);
  });

  it('security-headers: a URL', () => {
    expect(securityHeadersToolSchema.safeParse({ url: 'https://example.com' }).success).toBe(true);
    expect(securityHeadersToolSchema.safeParse({}).success).toBe(false);
  });

  it('ssl: a host (a pasted URL is reduced to its host) and port 443 by default', () => {
    expect(sslToolSchema.parse({ host: 'https://example.com/path' })).toEqual({ host: 'example.com', port: 443 });
    expect(sslToolSchema.safeParse({ host: 'example.com', port: 0 }).success).toBe(false);
  });

  it('domain: a non-empty domain', () => {
    expect(domainToolSchema.parse({ domain: ' example.com ' })).toEqual({ domain: 'example.com' });
    expect(domainToolSchema.safeParse({ domain: '' }).success).toBe(false);
  });

  it('api: method required, expected status 100-599, assertions with the six operators', () => {
    const ok = apiToolSchema.parse({
      url: 'https://api.example.com/health',
      method: 'POST',
      body: { ping: true },
      expected_status: 201,
      assertions: [{ path: '$.status', operator: 'equals', value: 'ok' }, { path: '$.id', operator: 'exists' }],
    });
    expect(ok.timeout).toBe(10);
    expect(apiToolSchema.safeParse({ url: 'https://api.example.com' }).success).toBe(false);
    expect(apiToolSchema.safeParse({ url: 'https://api.example.com', method: 'GET', expected_status: 99 }).success).toBe(false);
    expect(apiToolSchema.safeParse({ url: 'https://api.example.com', method: 'GET', expected_status: 600 }).success).toBe(false);
    expect(
      apiToolSchema.safeParse({ url: 'https://api.example.com', method: 'GET', assertions: [{ path: '$.a', operator: 'matches', value: 'x' }] }).success,
    ).toBe(false);
    expect(apiToolSchema.safeParse({ url: 'https://api.example.com', method: 'GET', assertions: [{ path: '', operator: 'exists' }] }).success).toBe(false);
  });
});
