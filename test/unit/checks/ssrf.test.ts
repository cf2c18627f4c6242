import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { checkAddress, classifyAddress, classifyTarget, validateTargetHost, validateTargetUrl } from '../../../layers/checks/ssrf.ts';

const strict = { allowPrivateTargets: false };
const lenient = { allowPrivateTargets: true };

describe('SSRF address policy', () => {
  it.each([
    '169.254.169.254',
    '169.254.0.1',
    'fe80::1',
    'fe80::1%eth0',
    'fd00:ec2::254',
    '100.100.100.200',
    '0.0.0.0',
    '0.1.2.3',
    '224.0.0.1',
    'ff02::1',
    '255.255.255.255',
    '::',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a9fe:a9fe',
    '2002:a9fe:a9fe::1',
  ])('always refuses %s, even when private targets are allowed', (addr) => {
    expect(checkAddress(addr, lenient)).toMatchObject({ ok: false, reason: `target address not allowed: ${addr}` });
    expect(checkAddress(addr, strict).ok).toBe(false);
  });

  it.each(['127.0.0.1', '127.1.2.3', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1'])(
    'allows private address %s only when the operator allows private targets',
    (addr) => {
      expect(checkAddress(addr, strict).ok).toBe(false);
      expect(checkAddress(addr, lenient).ok).toBe(true);
    },
  );

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows public address %s', (addr) => {
    expect(checkAddress(addr, strict)).toEqual({ ok: true, category: 'public' });
  });

  it.each([
    ['64:ff9b:1::a00:1', 'nat64'],
    ['64:ff9b:1:ffff::1', 'nat64'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
    ['2001:0:53aa:64c::f5ff:fffe', 'teredo'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.254', 'benchmarking'],
    ['2001:2::1', 'benchmarking'],
    ['192.0.2.10', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
  ])('refuses %s (%s) unless private targets are allowed', (addr, category) => {
    expect(classifyAddress(addr)).toBe(category);
    expect(checkAddress(addr, strict)).toMatchObject({ ok: false, category });
    expect(checkAddress(addr, lenient).ok).toBe(true);
  });

  it('judges a Teredo address whose client is a metadata or link-local address as that address', () => {
    // Client 169.254.169.254 is stored inverted: 0x5601:0x5601.
    expect(classifyAddress('2001:0:4136:e378:8000:63bf:5601:5601')).toBe('link-local');
    expect(checkAddress('2001:0:4136:e378:8000:63bf:5601:5601', lenient).ok).toBe(false);
  });

  it('tells the well-known NAT64 prefix (judged by its IPv4) from the local-use one', () => {
    expect(classifyAddress('64:ff9b::8.8.8.8')).toBe('public');
    expect(classifyAddress('64:ff9b::10.0.0.1')).toBe('private');
    expect(classifyAddress('64:ff9b:1::8.8.8.8')).toBe('nat64');
  });

  it("refuses the host's own interface addresses unless private targets are allowed", () => {
    const own = Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .filter((i) => !i.internal && !i.address.startsWith('fe80'));
    expect(own.length, 'this machine has a non-loopback interface').toBeGreaterThan(0);
    for (const { address } of own) {
      expect(classifyTarget(address), address).toBe('host');
      expect(checkAddress(address, strict)).toMatchObject({ ok: false, category: 'host' });
      expect(checkAddress(address, lenient).ok).toBe(true);
    }
    const v4 = own.find((i) => i.family === 'IPv4');
    if (v4) expect(checkAddress(`::ffff:${v4.address}`, strict)).toMatchObject({ ok: false, category: 'host' });
    // Loopback keeps its own category.
    expect(classifyTarget('127.0.0.1')).toBe('loopback');
  });

  it('classifies what is not an IP address as invalid, and refuses it', () => {
    expect(classifyAddress('example.com')).toBe('invalid');
    expect(checkAddress('1.2.3', lenient).ok).toBe(false);
  });

  it('names the category of metadata and link-local addresses', () => {
    expect(classifyAddress('169.254.169.254')).toBe('link-local');
    expect(classifyAddress('fd00:ec2::254')).toBe('metadata');
    expect(classifyAddress('127.0.0.1')).toBe('loopback');
  });
});

describe('target URL validation for forms', () => {
  it('accepts public http and https URLs', () => {
    expect(validateTargetUrl('https://example.com/path?q=1', strict)).toEqual({ ok: true });
    expect(validateTargetUrl('http://93.184.215.14:8080/', strict)).toEqual({ ok: true });
  });

  it('refuses schemes other than http and https', () => {
    for (const url of ['ftp://example.com/', 'file:///etc/passwd', 'gopher://example.com/', 'javascript:alert(1)']) {
      expect(validateTargetUrl(url, lenient).ok).toBe(false);
    }
  });

  it('refuses text that is not a URL', () => {
    expect(validateTargetUrl('not a url', lenient)).toEqual({ ok: false, reason: 'not a valid URL' });
  });

  it('refuses literal metadata addresses in every spelling', () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[::ffff:169.254.169.254]/', 'http://2852039166/', 'http://0xa9.0xfe.0xa9.0xfe/', 'http://[fd00:ec2::254]/']) {
      const r = validateTargetUrl(url, lenient);
      expect(r.ok, url).toBe(false);
    }
  });

  it('refuses loopback and internal names unless private targets are allowed', () => {
    for (const url of ['http://localhost:8000/', 'http://127.0.0.1/', 'http://2130706433/', 'http://[::1]/', 'http://db.internal/', 'http://printer.local/', 'http://intranet/']) {
      expect(validateTargetUrl(url, strict).ok, url).toBe(false);
      expect(validateTargetUrl(url, lenient).ok, url).toBe(true);
    }
  });

  it('refuses cloud metadata host names whatever the policy', () => {
    expect(validateTargetUrl('http://metadata.google.internal/computeMetadata/v1/', lenient)).toEqual({
      ok: false,
      reason: 'target host not allowed: metadata.google.internal',
    });
  });

  it('checks bare hosts for the TCP, UDP and SSL tools the same way', () => {
    expect(validateTargetHost('example.com', strict)).toEqual({ ok: true });
    expect(validateTargetHost('10.1.2.3', strict).ok).toBe(false);
    expect(validateTargetHost('', strict).ok).toBe(false);
    expect(validateTargetHost('bad host!', lenient).ok).toBe(false);
  });
});
