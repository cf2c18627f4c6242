import { describe, expect, it } from 'vitest';
import shipped from '../../../layers/checks/data/rdap-dns.json' with { type: 'json' };
import { parseWhoisDate, rdapBaseFor, registeredDomain, whoisFields } from '../../../layers/checks/domain.ts';

describe('domain expiry parsing', () => {
  it('reduces a host or URL to its registered domain', () => {
    expect(registeredDomain('www.shop.example.co.uk')).toBe('example.co.uk');
    expect(registeredDomain('https://status.example.com:8443/x')).toBe('example.com');
    expect(registeredDomain('example.com.')).toBe('example.com');
    expect(registeredDomain('127.0.0.1')).toBeUndefined();
    expect(registeredDomain('com')).toBeUndefined();
  });

  it('finds the RDAP service for a TLD in the IANA bootstrap format', () => {
    const bootstrap = { services: [[['com', 'net'], ['http://rdap.example/a/', 'https://rdap.example/a/']], [['co.uk'], ['https://uk.example/rdap']]] as [string[], string[]][] };
    expect(rdapBaseFor('example.com', bootstrap)).toBe('https://rdap.example/a/');
    expect(rdapBaseFor('example.co.uk', bootstrap)).toBe('https://uk.example/rdap/');
    expect(rdapBaseFor('example.kr', bootstrap)).toBeUndefined();
  });

  it('ships a bootstrap file in the IANA format covering common TLDs', () => {
    expect(shipped.version).toBe('1.0');
    const bootstrap = { services: shipped.services as [string[], string[]][] };
    for (const domain of ['example.com', 'example.net', 'example.org', 'example.io', 'example.dev']) {
      expect(rdapBaseFor(domain, bootstrap), domain).toMatch(/^https:\/\/.+\/$/);
    }
  });

  it('reads WHOIS key-value lines, keeping the first of each', () => {
    const f = whoisFields('% comment\r\n   Registrar: First\r\nRegistrar: Second\r\nRegistry Expiry Date: 2030-01-02T03:04:05Z\r\n');
    expect(f.get('registrar')).toBe('First');
    expect(f.get('registry expiry date')).toBe('2030-01-02T03:04:05Z');
  });

  it('parses the date formats registries use', () => {
    const iso = '2030-01-02T00:00:00.000Z';
    for (const s of ['2030-01-02T00:00:00Z', '2030-01-02', '2030-01-02 00:00:00', '2030. 01. 02.', '02-Jan-2030', '2030/01/02', '2030.01.02', '2030-01-02T09:00:00+09:00']) {
      expect(parseWhoisDate(s)?.toISOString(), s).toBe(iso);
    }
    expect(parseWhoisDate('never')).toBeUndefined();
  });
});
