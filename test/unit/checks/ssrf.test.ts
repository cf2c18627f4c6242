import { describe, expect, it } from 'vitest';
import { checkAddress, classifyAddress, validateTargetHost, validateTargetUrl } from '../../../layers/checks/ssrf.ts';

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
    expect(validateTargetUrl('http://203.0.113.9:8080/', strict)).toEqual({ ok: true });
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
