import { describe, expect, it } from 'vitest';
import { email, hostName, httpUrl, idParam, timeZone } from '../../../layers/endpoints/schemas/common.ts';
import { monitoringSettingsBody, projectCreateBody, projectPatchBody } from '../../../layers/endpoints/schemas/projects.ts';
import { loginBody, settingsBody } from '../../../layers/endpoints/schemas/users.ts';

// The zod schemas at the edge: what they accept, how they normalise, what they refuse.

describe('common schemas', () => {
  it('accepts ids from 1 to 2^31-1 and nothing else', () => {
    expect(idParam.parse({ id: '1' })).toEqual({ id: 1 });
    expect(idParam.parse({ id: '2147483647' })).toEqual({ id: 2147483647 });
    for (const id of ['0', '01', '-1', '1.0', '2147483648', ' 1', 'abc', '']) expect(idParam.safeParse({ id }).success, id).toBe(false);
  });

  it('lower-cases and trims email addresses', () => {
    expect(email.parse('  Kim@Example.COM ')).toBe('kim@example.com');
    expect(email.safeParse('kim@').success).toBe(false);
  });

  it('accepts only http(s) URLs with a host', () => {
    expect(httpUrl.safeParse('https://example.com:8443/a?b=c').success).toBe(true);
    for (const u of ['ftp://example.com', 'http://', 'mailto:a@b.c', 'file:///etc/passwd', '//example.com']) expect(httpUrl.safeParse(u).success, u).toBe(false);
  });

  it('accepts host names of letters, digits and hyphens', () => {
    expect(hostName.safeParse('api-1.example.co.kr').success).toBe(true);
    for (const h of ['-bad.example.com', 'a..b', 'has space.com', 'x'.repeat(64) + '.com']) expect(hostName.safeParse(h).success, h).toBe(false);
  });

  it('accepts IANA time zones in canonical spelling', () => {
    expect(timeZone.parse('asia/seoul')).toBe('Asia/Seoul');
    expect(timeZone.parse('UTC')).toBe('UTC');
    expect(timeZone.safeParse('Asia/Atlantis').success).toBe(false);
  });
});

describe('project schemas', () => {
  const base = { title: 'T', url: 'https://example.com' };

  it('normalises tags from a string and an array alike', () => {
    expect(projectCreateBody.parse({ ...base, tags: 'a, b ,a,' }).tags).toEqual(['a', 'b']);
    expect(projectCreateBody.parse({ ...base, tags: [' a', 'b', 'b'] }).tags).toEqual(['a', 'b']);
  });

  it('refuses a tag longer than 50 characters', () => {
    expect(projectCreateBody.safeParse({ ...base, tags: 'x'.repeat(51) }).success).toBe(false);
  });

  it('parses custom_headers and keywords from JSON strings', () => {
    const p = projectCreateBody.parse({ ...base, custom_headers: '{"X-A":"1"}', keywords: '["k"]' });
    expect(p.custom_headers).toEqual({ 'X-A': '1' });
    expect(p.keywords).toEqual(['k']);
  });

  it('refuses header values with CR, LF or NUL and more than 50 headers', () => {
    for (const v of ['a\rb', 'a\nb', 'a\u0000b']) expect(projectCreateBody.safeParse({ ...base, custom_headers: { 'X-A': v } }).success).toBe(false);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`X-${i}`, 'v']));
    expect(projectCreateBody.safeParse({ ...base, custom_headers: many }).success).toBe(false);
  });

  it('leaves fields out of a PATCH untouched (no defaults)', () => {
    expect(projectPatchBody.parse({ title: 'x' })).toEqual({ title: 'x' });
  });
});

describe('settings schemas', () => {
  it('fills the defaults of sections 2.3 and 5', () => {
    expect(settingsBody.parse({})).toEqual({ theme: 'light', language: 'ko', timezone: 'Asia/Seoul', email_notifications: true });
    const settings = monitoringSettingsBody.parse({});
    expect(settings).toMatchObject({ timeout: 30, retry_count: 3, alert_threshold: 3, is_alert_enabled: true, alert_email: null, webhook_url: null });
    // check_interval is the project's status_interval (default 300 at creation): omitted, the service keeps it.
    expect(settings.check_interval).toBeUndefined();
  });

  it('reads the login identity from email or the OAuth2 username, lower-cased', () => {
    expect(loginBody.parse({ username: 'A@B.com', password: 'p' })).toEqual({ email: 'a@b.com', password: 'p' });
    expect(loginBody.parse({ email: ' X@Y.com ', password: 'p' })).toEqual({ email: 'x@y.com', password: 'p' });
    expect(loginBody.safeParse({ password: 'p' }).success).toBe(false);
  });
});
