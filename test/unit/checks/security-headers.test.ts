import { describe, expect, it } from 'vitest';
import { evaluateSecurityHeaders, SECURITY_HEADER_WEIGHTS } from '../../../layers/checks/security-headers.ts';

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

  it('flags an HSTS max-age under 180 days and a missing includeSubDomains', () => {
    const r = evaluateSecurityHeaders({ ...strong, 'Strict-Transport-Security': 'max-age=86400' });
    expect(r.headers['strict-transport-security'].score).toBe(7);
    expect(messages(r)).toContain('use at least 15552000 (180 days)');
    expect(messages(r)).toContain('includeSubDomains is missing');
  });

  it('treats HSTS max-age=0 as switched off', () => {
    expect(evaluateSecurityHeaders({ 'strict-transport-security': 'max-age=0' }).headers['strict-transport-security'].score).toBe(0);
  });

  it("penalises CSP 'unsafe-inline', 'unsafe-eval' and wildcard sources", () => {
    const r = evaluateSecurityHeaders({ ...strong, 'Content-Security-Policy': "default-src * 'unsafe-inline' 'unsafe-eval'" });
    const csp = r.headers['content-security-policy'];
    // Three weaknesses take 24 points, but an enforced policy keeps a floor of 5.
    expect(csp.score).toBe(5);
    expect(csp.findings.map((f) => f.message).join('\n')).toMatch(/unsafe-inline[\s\S]*unsafe-eval[\s\S]*wildcard/);
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
