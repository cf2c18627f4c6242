import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CSP_POINTS, evaluateSecurityHeaders, SECURITY_HEADER_WEIGHTS, type SecurityHeaderName } from '../../../layers/checks/security-headers.ts';

const strong = {
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains; preload',
  'Content-Security-Policy': "default-src 'self'; object-src 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'X-XSS-Protection': '0',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

const messages = (r: ReturnType<typeof evaluateSecurityHeaders>) => r.findings.map((f) => f.message).join('\n');

describe('security header score', () => {
  it('weights the seven headers to 100 and returns the weights', () => {
    const r = evaluateSecurityHeaders({});
    expect(Object.values(r.weights).reduce((a, b) => a + b, 0)).toBe(100);
    expect(r.weights).toEqual(SECURITY_HEADER_WEIGHTS);
    expect(Object.keys(r.headers).sort()).toEqual(Object.keys(SECURITY_HEADER_WEIGHTS).sort());
  });

  it('gives 100 and grade A to a well-configured response', () => {
    const r = evaluateSecurityHeaders(strong);
    expect(r.score).toBe(100);
    expect(r.grade).toBe('A');
  });

  it('gives 0 and grade F when no header is set, with a finding for each', () => {
    const r = evaluateSecurityHeaders({ 'content-type': 'text/html' });
    expect(r.score).toBe(0);
    expect(r.grade).toBe('F');
    for (const h of Object.values(r.headers)) {
      expect(h.present).toBe(false);
      expect(h.findings.length).toBeGreaterThan(0);
    }
  });

  it('flags an HSTS max-age under six months and a missing includeSubDomains', () => {
    const r = evaluateSecurityHeaders({ ...strong, 'Strict-Transport-Security': 'max-age=86400' });
    expect(r.headers['strict-transport-security'].score).toBe(7);
    expect(messages(r)).toContain('use at least 15552000 (six months)');
    expect(messages(r)).toContain('includeSubDomains is missing');
  });

  it('treats HSTS max-age=0 as switched off', () => {
    expect(evaluateSecurityHeaders({ 'strict-transport-security': 'max-age=0' }).headers['strict-transport-security'].score).toBe(0);
  });

  it("penalises CSP 'unsafe-inline', 'unsafe-eval' and wildcard sources, the worst deciding", () => {
    const r = evaluateSecurityHeaders({ ...strong, 'Content-Security-Policy': "default-src * 'unsafe-inline' 'unsafe-eval'" });
    const csp = r.headers['content-security-policy'];
    expect(csp.score).toBe(CSP_POINTS.unsafe_inline);
    expect(csp.findings.map((f) => f.message).join('\n')).toMatch(/unsafe-inline[\s\S]*object-src[\s\S]*unsafe-eval/);
  });

  it('does not count a report-only CSP as a policy', () => {
    const r = evaluateSecurityHeaders({ 'content-security-policy-report-only': "default-src 'self'" });
    expect(r.headers['content-security-policy'].score).toBe(0);
    expect(messages(r)).toContain('Report-Only');
  });

  it('rejects invalid X-Frame-Options and X-Content-Type-Options values', () => {
    const r = evaluateSecurityHeaders({ 'x-frame-options': 'ALLOWALL', 'x-content-type-options': 'sniff' });
    expect(r.headers['x-frame-options'].score).toBe(0);
    expect(r.headers['x-content-type-options'].score).toBe(0);
    expect(messages(r)).toContain('use DENY or SAMEORIGIN');
  });

  it('accepts CSP frame-ancestors in place of X-Frame-Options', () => {
    const { 'X-Frame-Options': _, ...rest } = strong;
    const r = evaluateSecurityHeaders(rest);
    expect(r.headers['x-frame-options']).toMatchObject({ present: false, score: 15 });
  });

  it('advises that X-XSS-Protection is deprecated', () => {
    const r = evaluateSecurityHeaders({ ...strong, 'X-XSS-Protection': '1; mode=block' });
    expect(r.headers['x-xss-protection'].score).toBe(3);
    expect(messages(r)).toContain('deprecated');
  });

  it('scores weak Referrer-Policy and open Permissions-Policy features lower', () => {
    const r = evaluateSecurityHeaders({ ...strong, 'Referrer-Policy': 'unsafe-url', 'Permissions-Policy': 'camera=*, geolocation=(self)' });
    expect(r.headers['referrer-policy'].score).toBe(2);
    expect(r.headers['permissions-policy'].score).toBe(6);
    expect(messages(r)).toContain('camera');
    expect(r.score).toBe(100 - 8 - 4);
  });
});

const csp = (policy: string, context = { https: true, certificateValid: true }) =>
  evaluateSecurityHeaders({ 'content-security-policy': policy }, context).headers['content-security-policy'];

describe('Content-Security-Policy, by the Observatory rules', () => {
  it('gives full marks only to a policy without unsafe sources and with object-src none', () => {
    expect(csp("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'").score).toBe(25);
    expect(csp("default-src 'self'; object-src 'none'").score).toBe(25);
    expect(csp("default-src 'self'").score).toBe(23);
  });

  it.each([
    ["script-src https://*; object-src 'none'", 'https://*'],
    ["script-src https:; object-src 'none'", 'https:'],
    ["script-src *; object-src 'none'", '*'],
    ["script-src 'self' data:; object-src 'none'", 'data:'],
    ["default-src 'self' 'unsafe-inline'; object-src 'none'", 'unsafe-inline'],
  ])('treats %s in script-src as unsafe', (policy) => {
    expect(csp(policy).score).toBe(CSP_POINTS.unsafe_inline);
  });

  it('treats a missing or permissive object-src (without default-src) as unsafe', () => {
    expect(csp("script-src 'self'").score).toBe(CSP_POINTS.unsafe_inline);
    expect(csp("script-src 'self'; object-src *").score).toBe(CSP_POINTS.unsafe_inline);
    expect(csp("script-src 'self'; object-src 'none'; style-src 'self'").score).toBe(25);
    // Without style-src or default-src, styles are open to any source.
    expect(csp("script-src 'self'; object-src 'none'").score).toBe(CSP_POINTS.unsafe_inline_style_only);
  });

  it('gives a policy that restricts nothing the unsafe score, and says why', () => {
    const r = csp("upgrade-insecure-requests; frame-ancestors 'none'");
    expect(r.score).toBe(CSP_POINTS.unsafe_inline);
    expect(r.findings.map((f) => f.message).join()).toContain('does not restrict scripts');
  });

  it('refuses http: sources on an HTTPS page, active ones more than images', () => {
    expect(csp("default-src 'self'; object-src 'none'; script-src 'self' http://cdn.example").score).toBe(CSP_POINTS.insecure_scheme_active);
    expect(csp("default-src 'self'; object-src 'none'; img-src http:").score).toBe(CSP_POINTS.insecure_scheme_passive);
    // Over plain HTTP, http: sources are no downgrade.
    expect(csp("default-src 'self'; object-src 'none'; img-src http://img.example", { https: false, certificateValid: false }).score).toBe(25);
  });

  it("scores 'unsafe-eval' and an unsafe style-src below full marks", () => {
    expect(csp("default-src 'self'; object-src 'none'; script-src 'self' 'unsafe-eval'").score).toBe(CSP_POINTS.unsafe_eval);
    expect(csp("default-src 'self'; object-src 'none'; style-src 'self' 'unsafe-inline'").score).toBe(CSP_POINTS.unsafe_inline_style_only);
  });

  it("ignores 'unsafe-inline' next to a nonce or hash, and hosts next to 'strict-dynamic' with a nonce", () => {
    expect(csp("default-src 'self'; script-src 'nonce-abc' 'unsafe-inline'; object-src 'none'").score).toBe(25);
    expect(csp("default-src 'self'; script-src 'nonce-abc' 'strict-dynamic' https: 'unsafe-inline'; object-src 'none'").score).toBe(25);
  });

  it("calls 'strict-dynamic' without a nonce or hash invalid", () => {
    const r = csp("script-src 'strict-dynamic' https://cdn.example; object-src 'none'");
    expect(r.score).toBe(0);
    expect(r.findings[0]?.message).toContain("'strict-dynamic' without a nonce or hash");
  });

  it('calls duplicate directives invalid, except report-uri and report-to', () => {
    expect(csp("default-src 'self'; script-src 'self'; script-src 'none'").score).toBe(0);
    expect(csp("default-src 'none'; report-uri /a; report-uri /b").score).toBe(25);
  });

  it('intersects several policies: a weakness counts only when every policy has it', () => {
    // Each policy alone is unsafe; enforced together, inline scripts and any-origin objects are blocked.
    const pair = "default-src 'self' 'unsafe-inline', script-src 'self'; object-src 'none'; style-src 'self'";
    expect(csp(pair).score).toBe(25);
    const twoHeaders = { 'Content-Security-Policy': "default-src 'self' 'unsafe-inline'", 'content-security-policy': "script-src 'self'; object-src 'none'; style-src 'self'" };
    expect(evaluateSecurityHeaders(twoHeaders).headers['content-security-policy'].score).toBe(25);
    expect(csp("script-src 'self' 'unsafe-inline'; object-src 'none', script-src * 'unsafe-inline'").score).toBe(CSP_POINTS.unsafe_inline);
  });
});

describe('Strict-Transport-Security', () => {
  const hsts = (value: string, context = { https: true, certificateValid: true }) =>
    evaluateSecurityHeaders({ 'strict-transport-security': value }, context).headers['strict-transport-security'];

  it('counts only over HTTPS with a valid certificate', () => {
    expect(hsts('max-age=31536000; includeSubDomains').score).toBe(20);
    expect(hsts('max-age=31536000; includeSubDomains', { https: false, certificateValid: false })).toMatchObject({ score: 0, present: true });
    expect(hsts('max-age=31536000; includeSubDomains', { https: true, certificateValid: false }).score).toBe(0);
    // Plain HTTP is refused for itself, not only through the certificate it lacks.
    const plain = hsts('max-age=31536000; includeSubDomains', { https: false, certificateValid: true });
    expect(plain.score).toBe(0);
    expect(plain.findings.map((f) => f.code)).toEqual(['hsts_plain']);
  });

  it('matches includeSubDomains as a whole directive', () => {
    expect(hsts('max-age=31536000; includeSubDomainsX').score).toBe(15);
    expect(hsts('max-age=31536000; foo=includeSubDomains').score).toBe(15);
    expect(hsts('max-age=31536000;INCLUDESUBDOMAINS').score).toBe(20);
  });

  it('calls two comma-joined values, duplicate directives and a missing max-age invalid', () => {
    expect(hsts('max-age=31536000; includeSubDomains, max-age=0').score).toBe(0);
    expect(evaluateSecurityHeaders({ 'Strict-Transport-Security': 'max-age=31536000', 'strict-transport-security': 'max-age=600' }).headers['strict-transport-security'].score).toBe(0);
    expect(hsts('max-age=31536000; max-age=600').score).toBe(0);
    expect(hsts('includeSubDomains').score).toBe(0);
    expect(hsts('max-age="31536000"; includeSubDomains').score).toBe(20);
  });
});

describe('X-Frame-Options and CSP frame-ancestors', () => {
  const framing = (headers: Record<string, string>) => evaluateSecurityHeaders(headers).headers['x-frame-options'];

  it('lets frame-ancestors supersede X-Frame-Options when both are present', () => {
    expect(framing({ 'x-frame-options': 'ALLOWALL', 'content-security-policy': "frame-ancestors 'self'" }).score).toBe(15);
    const open = framing({ 'x-frame-options': 'DENY', 'content-security-policy': 'frame-ancestors *' });
    expect(open.score).toBe(0);
    expect(open.findings.map((f) => f.message).join('\n')).toContain('ignored');
  });

  it('does not count frame-ancestors * or a bare scheme as protection', () => {
    expect(framing({ 'content-security-policy': 'frame-ancestors *' }).score).toBe(0);
    expect(framing({ 'content-security-policy': 'frame-ancestors https:' }).score).toBe(0);
    expect(framing({ 'content-security-policy': "frame-ancestors 'none'" }).score).toBe(15);
  });

  it('refuses conflicting X-Frame-Options values', () => {
    expect(framing({ 'x-frame-options': 'DENY, SAMEORIGIN' }).score).toBe(0);
    expect(framing({ 'x-frame-options': 'DENY, DENY' }).score).toBe(15);
  });
});

describe("the README's scoring table", () => {
  // The table a reader goes by: every row's weight, and the points it lists, must be what the code gives.
  const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
  const section = readme.slice(readme.indexOf('### Security header score'));
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n').slice(0, 20)) {
    const cells = line.split('|').map((c) => c.trim());
    const name = cells[1]?.split(/[\s/]/)[0]?.toLowerCase();
    if (name && name in SECURITY_HEADER_WEIGHTS) rows.set(name, cells.slice(2, 5));
  }
  const listed = (name: string) => {
    const [weight = '', full = '', fewer = ''] = rows.get(name) ?? [];
    const points = [...`${full} ${fewer}`.matchAll(/(?<![\w=-])(\d{1,2})(?=:\s| when)/g)].map((m) => Number(m[1]));
    return { weight: Number(weight), points: [...new Set([Number(weight), ...points])].sort((a, b) => b - a) };
  };
  // Values that reach every score the code can give for a header.
  const samples: Record<SecurityHeaderName, Record<string, string>[]> = {
    'content-security-policy': [
      "default-src 'none'",
      "default-src 'self'",
      "default-src 'self'; object-src 'none'; style-src 'self' 'unsafe-inline'",
      "default-src 'self'; object-src 'none'; img-src http:",
      "default-src 'self'; object-src 'none'; script-src 'self' 'unsafe-eval'",
      "default-src 'self'; object-src 'none'; script-src https:",
      "default-src 'self'; object-src 'none'; script-src http://cdn.example",
      "default-src 'self'; default-src 'none'",
    ].map((v) => ({ 'content-security-policy': v })),
    'strict-transport-security': ['max-age=31536000; includeSubDomains', 'max-age=31536000', 'max-age=600; includeSubDomains', 'max-age=600', 'max-age=0'].map((v) => ({ 'strict-transport-security': v })),
    'x-frame-options': [{ 'x-frame-options': 'DENY' }, { 'x-frame-options': 'ALLOW-FROM https://a.example' }, { 'x-frame-options': 'nonsense' }, { 'content-security-policy': "frame-ancestors 'self'" }, { 'content-security-policy': 'frame-ancestors *' }],
    'x-content-type-options': [{ 'x-content-type-options': 'nosniff' }, { 'x-content-type-options': 'sniff' }],
    'referrer-policy': ['no-referrer', 'origin', 'no-referrer-when-downgrade', 'unsafe-url', 'bogus'].map((v) => ({ 'referrer-policy': v })),
    'permissions-policy': ['camera=()', 'camera=*', ' ', 'x'].map((v) => ({ 'permissions-policy': v })),
    'x-xss-protection': ['0', '1; mode=block', '1', 'yes'].map((v) => ({ 'x-xss-protection': v })),
  };

  it.each(Object.keys(SECURITY_HEADER_WEIGHTS) as SecurityHeaderName[])('lists the weight and every score the code gives %s', (name) => {
    const table = listed(name);
    expect(table.weight, name).toBe(SECURITY_HEADER_WEIGHTS[name]);
    const given = new Set(samples[name].map((h) => evaluateSecurityHeaders(h).headers[name].score));
    given.add(evaluateSecurityHeaders({}).headers[name].score);
    expect([...given].sort((a, b) => b - a), name).toEqual(table.points);
  });
});
