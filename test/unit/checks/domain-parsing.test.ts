import { describe, expect, it } from 'vitest';
import shipped from '../../../layers/checks/data/rdap-dns.json' with { type: 'json' };
import { rdapBaseFor, registeredDomain } from '../../../layers/checks/domain.ts';
import { readRdapAnswer, readWhoisAnswer, whoisEntries, whoisFields } from '../../../layers/checks/registry-answer.ts';

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

  it('reads dotted keys, bracketed keys, keys without a colon and values on the next line', () => {
    expect(whoisFields('expires............: 4.7.2014\n').get('expires')).toBe('4.7.2014');
    expect(whoisFields('[有効期限]                     2026/08/31\n').get('有効期限')).toBe('2026/08/31');
    expect(whoisFields('a. [Expires on]   2026/08/31\n').get('expires on')).toBe('2026/08/31');
    expect(whoisFields('Valid-date  2026-08-22\n').get('valid-date')).toBe('2026-08-22');
    expect(whoisFields('Record expires on 2026-08-22 00:00:00 (UTC+8)\n').get('record expires on')).toBe('2026-08-22 00:00:00 (UTC+8)');
    expect(whoisFields('    Renewal date:\n        22-Aug-2026\n').get('renewal date')).toBe('22-Aug-2026');
  });

  it('takes no value from the next line when that line is the next field at the same depth', () => {
    const answer = 'Domain Name: EXAMPLE.MN\nRegistrar WHOIS Server:\nRegistrar URL: http://registrar.example\nRegistry Expiry Date: 2027-04-07T00:00:00Z\nRegistrar Registration Expiration Date:\nRegistrar: Steppe Names\n';
    const fields = whoisFields(answer);
    expect(fields.has('registrar whois server')).toBe(false);
    expect(fields.has('registrar registration expiration date')).toBe(false);
    expect(readWhoisAnswer(answer, 'example.mn')).toMatchObject({ referral: null, registrar: 'Steppe Names', expires: new Date('2027-04-07T00:00:00Z') });
    // Deeper, or not a field, it is the value.
    expect(whoisFields('Registrar:\n    Name: Steppe Names\n').get('registrar')).toBe('Name: Steppe Names');
    expect(whoisFields('Expiry date:\n22-Aug-2026\n').get('expiry date')).toBe('22-Aug-2026');
  });

  it("reads a format hint in a key as the date's order, not as part of the key", () => {
    const answer = 'Domain Name: example.com\nCreation Date (DD/MM/YYYY): 05/06/2009\nRegistry Expiry Date (DD/MM/YYYY): 03/08/2027\n';
    expect(whoisEntries(answer)).toContainEqual({ key: 'registry expiry date', value: '03/08/2027', order: 'dmy' });
    expect(readWhoisAnswer(answer, 'example.com', 'registrar')).toMatchObject({ expires: new Date('2027-08-03T00:00:00Z'), registered: new Date('2009-06-05T00:00:00Z') });
    expect(readWhoisAnswer('Expiration Date (mm/dd/yyyy): 03/08/2027\n', 'example.fr').expires).toEqual(new Date('2027-03-08T00:00:00Z'));
  });

  it("reads THNIC's `Exp date` key", () => {
    expect(readWhoisAnswer('Domain Name: EXAMPLE.CO.TH\nCreated date: 03 Feb 2005\nExp date: 02 Feb 2027\n', 'example.co.th').expires).toEqual(new Date('2027-02-02T00:00:00Z'));
  });

  it('takes an IANA referral answer as a referral only, never as the domain\'s dates', () => {
    const facts = readWhoisAnswer('domain:       KR\r\nrefer:        whois.kr\r\ncreated:      1986-09-29\r\n', 'example.kr');
    expect(facts).toMatchObject({ referralOnly: true, referral: 'whois.kr', registered: null, expires: null });
  });

  it("reads a registrar's all-numeric dates by no country's convention, the registry's by its TLD's", () => {
    const answer = 'Domain Name: example.io\nExpiration Date: 03/08/2027\n';
    expect(readWhoisAnswer(answer, 'example.io').expires).toEqual(new Date('2027-08-03T00:00:00Z'));
    const fromRegistrar = readWhoisAnswer(answer, 'example.io', 'registrar');
    expect(fromRegistrar.expires).toBeNull();
    expect(fromRegistrar.expiryProblem).toContain('ambiguous');
  });

  it('reads the registrar from a Name line under a Registrar block', () => {
    expect(readWhoisAnswer('Domain: example.eu\nRegistrar:\n        Name: Example Registrar BV\n        Website: https://registrar.example\n', 'example.eu').registrar).toBe('Example Registrar BV');
  });

  it('accepts RDAP entities given as an object and takes the registrar from the vCard org when fn is missing', () => {
    const doc = {
      events: [{ eventAction: 'expiration', eventDate: '2027-05-06T07:08:09Z' }, { eventAction: 'oops' }],
      entities: { registrar: { roles: ['registrar'], vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['org', {}, 'text', 'Org Registrar SA']]] } },
    };
    expect(readRdapAnswer(doc, 'example.fr')).toMatchObject({ ok: true, registrar: 'Org Registrar SA', expires: new Date('2027-05-06T07:08:09Z') });
    const single = { ...doc, entities: { roles: ['registrar'], handle: '77', vcardArray: ['vcard', [['fn', {}, 'text', '']]] } };
    expect(readRdapAnswer(single, 'example.fr')).toMatchObject({ ok: true, registrar: '77' });
  });

  it('gives no RDAP date, with the reason, when the expiration event is ambiguous', () => {
    const r = readRdapAnswer({ events: [{ eventAction: 'expiration', eventDate: '03/08/2027' }] }, 'example.com');
    expect(r).toMatchObject({ ok: true, expires: null });
    expect(r.ok && r.expiryProblem).toContain('ambiguous');
  });
});
