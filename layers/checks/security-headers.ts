import { probeHttp, type HttpProbeOptions } from './http.ts';
import { findingText, type FindingCode, type TextParams } from './texts.ts';
import type { ErrorKind } from './types.ts';

/**
 * Score weights (sum 100). Each header earns its full weight when set well and part of it when set
 * weakly; the rules follow MDN HTTP Observatory's where it has one (CSP, HSTS, X-Frame-Options). The
 * table of what earns what is in the README ("Security header score").
 */
export const SECURITY_HEADER_WEIGHTS = {
  'content-security-policy': 25,
  'strict-transport-security': 20,
  'x-content-type-options': 15,
  'x-frame-options': 15,
  'referrer-policy': 10,
  'permissions-policy': 10,
  'x-xss-protection': 5,
} as const;

export type SecurityHeaderName = keyof typeof SECURITY_HEADER_WEIGHTS;

export type FindingSeverity = 'info' | 'warning' | 'critical';

export interface HeaderFinding {
  header: SecurityHeaderName;
  severity: FindingSeverity;
  /** Stable across languages: `api.finding.<code>` in the catalogs, filled from `params`. */
  code: FindingCode;
  params: TextParams;
  /** The English text (texts.ts); the API answers it in the reader's language. */
  message: string;
}

export interface HeaderEvaluation {
  present: boolean;
  value: string | null;
  score: number;
  max_score: number;
  findings: HeaderFinding[];
}

export interface SecurityHeadersReport {
  score: number;
  grade: 'A' | 'B' | 'C' | 'D' | 'F';
  weights: typeof SECURITY_HEADER_WEIGHTS;
  headers: Record<SecurityHeaderName, HeaderEvaluation>;
  findings: HeaderFinding[];
}

export interface SecurityHeadersResult extends SecurityHeadersReport {
  url: string;
  final_url: string;
  status_code: number | null;
  response_time: number;
  error_kind: ErrorKind | null;
  error_message: string | null;
  checked_at: string;
}

/** Observatory's "six months", as most sites write it. */
const HSTS_MIN_SECONDS = 15_552_000;
const POWERFUL_FEATURES = ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'display-capture', 'serial', 'hid'];

/** Where the response came from: HSTS only counts over HTTPS with a certificate the browser accepts. */
export interface ResponseContext {
  https: boolean;
  certificateValid: boolean;
}

type Finding = [FindingSeverity, FindingCode, TextParams?];
type Verdict = { score: number; findings: Finding[] };

// ---- Content-Security-Policy (Observatory's CSP test) ------------------------------------------

const BROAD = new Set(['ftp:', 'http:', 'https:', '*', 'http://*', 'http://*.*', 'https://*', 'https://*.*']);
const UNSAFE_INLINE = new Set(["'unsafe-inline'", 'data:']);
const PASSIVE_DIRECTIVES = new Set(['img-src', 'media-src']);
const DUPLICATES_ALLOWED = new Set(['report-uri', 'report-to']);
const isNonceOrHash = (s: string) => /^'(nonce-|sha256-|sha384-|sha512-)/.test(s);
const insecureScheme = (s: string) => s.startsWith('http:') || s.startsWith('ftp:');

/** What one enforced policy allows; several policies are all enforced, so a weakness needs every one of them. */
interface PolicyTraits {
  unsafeInline: boolean;
  noScriptRestriction: boolean;
  unsafeObjects: boolean;
  objectsNotNone: boolean;
  insecureActive: boolean;
  unsafeEval: boolean;
  insecurePassive: boolean;
  unsafeInlineStyle: boolean;
  defaultNone: boolean;
  antiClickjacking: boolean;
  hasFrameAncestors: boolean;
}

type ParsedPolicy = { ok: true; directives: Map<string, string[]> } | { ok: false; reason: string };

function parsePolicy(text: string): ParsedPolicy {
  const directives = new Map<string, string[]>();
  const policy = text.replace(/[\r\n]/g, '').trim();
  if (policy.length < 6) return { ok: false, reason: findingText('csp_not_a_policy', { policy: JSON.stringify(policy) }) };
  for (const part of policy.split(';')) {
    const [rawName, ...sources] = part.trim().split(/\s+/);
    if (!rawName) continue;
    const name = rawName.toLowerCase();
    if (directives.has(name)) {
      // Browsers use the first and ignore the rest, which hides a mistake: Observatory calls it invalid.
      if (DUPLICATES_ALLOWED.has(name)) continue;
      return { ok: false, reason: findingText('csp_directive_twice', { directive: name }) };
    }
    const values = sources.map((v) => v.toLowerCase());
    directives.set(name, values.length === 0 && name.endsWith('-src') ? ["'none'"] : values);
  }
  const script = directives.get('script-src') ?? directives.get('default-src') ?? [];
  if (script.includes("'strict-dynamic'") && !script.some(isNonceOrHash)) {
    return { ok: false, reason: findingText('csp_strict_dynamic') };
  }
  return { ok: true, directives };
}

function policyTraits(d: Map<string, string[]>, https: boolean): PolicyTraits {
  const fallback = (name: string) => [...(d.get(name) ?? d.get('default-src') ?? ['*'])];
  let script = fallback('script-src');
  const style = fallback('style-src');
  const object = fallback('object-src');
  const dropInline = (list: string[]) => (list.some(isNonceOrHash) ? list.filter((s) => s !== "'unsafe-inline'") : list);
  script = dropInline(script);
  const styleEff = dropInline(style);
  if (script.includes("'strict-dynamic'")) {
    // With a nonce or hash, 'strict-dynamic' makes browsers ignore host, scheme, 'self' and 'unsafe-inline'.
    script = script.filter((s) => !([...BROAD].some((b) => s.startsWith(b)) || s === "'self'" || s === "'unsafe-inline'"));
  }
  const active = [...d.entries()].filter(([name]) => !PASSIVE_DIRECTIVES.has(name) && name !== 'script-src').flatMap(([, v]) => v);
  active.push(...script);
  const passive = [...PASSIVE_DIRECTIVES].flatMap((name) => d.get(name) ?? d.get('default-src') ?? []);
  const frameAncestors = d.get('frame-ancestors');
  const defaultSrc = d.get('default-src');
  return {
    unsafeInline: script.some((s) => BROAD.has(s) || UNSAFE_INLINE.has(s)),
    noScriptRestriction: !d.has('script-src') && !d.has('default-src'),
    unsafeObjects: object.some((s) => BROAD.has(s)),
    objectsNotNone: !(object.length === 1 && object[0] === "'none'"),
    insecureActive: https && active.some(insecureScheme),
    unsafeEval: script.includes("'unsafe-eval'") || styleEff.includes("'unsafe-eval'"),
    insecurePassive: https && passive.some(insecureScheme),
    unsafeInlineStyle: styleEff.some((s) => BROAD.has(s) || UNSAFE_INLINE.has(s)),
    defaultNone: defaultSrc?.length === 1 && defaultSrc[0] === "'none'",
    antiClickjacking: frameAncestors !== undefined && !frameAncestors.some((s) => BROAD.has(s)),
    hasFrameAncestors: frameAncestors !== undefined,
  };
}

/** Splits CSP header values into policies: commas separate policies (CSP3 2.2), repeated headers too. */
const cspPolicies = (value: string | undefined) => (value ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');

interface CspAnalysis {
  valid: boolean;
  invalidReason: string | null;
  /** Combined over every enforced policy. */
  traits: PolicyTraits | null;
  policies: number;
}

function analyseCsp(value: string | undefined, https: boolean): CspAnalysis {
  const texts = cspPolicies(value);
  const parsed = texts.map(parsePolicy);
  const bad = parsed.find((p): p is { ok: false; reason: string } => !p.ok);
  if (bad) return { valid: false, invalidReason: bad.reason, traits: null, policies: texts.length };
  const all = parsed.map((p) => policyTraits((p as { ok: true; directives: Map<string, string[]> }).directives, https));
  if (all.length === 0) return { valid: false, invalidReason: findingText('csp_empty'), traits: null, policies: 0 };
  const every = (k: keyof PolicyTraits) => all.every((t) => t[k]);
  const some = (k: keyof PolicyTraits) => all.some((t) => t[k]);
  return {
    valid: true,
    invalidReason: null,
    policies: all.length,
    traits: {
      unsafeInline: every('unsafeInline'),
      noScriptRestriction: every('noScriptRestriction'),
      unsafeObjects: every('unsafeObjects'),
      objectsNotNone: every('objectsNotNone'),
      insecureActive: every('insecureActive'),
      unsafeEval: every('unsafeEval'),
      insecurePassive: every('insecurePassive'),
      unsafeInlineStyle: every('unsafeInlineStyle'),
      defaultNone: some('defaultNone'),
      antiClickjacking: some('antiClickjacking'),
      hasFrameAncestors: some('hasFrameAncestors'),
    },
  };
}

/** Points out of 25 per Observatory result class; the worst class present decides. */
export const CSP_POINTS = {
  no_unsafe: 25,
  unsafe_inline_style_only: 20,
  insecure_scheme_passive: 15,
  unsafe_eval: 12,
  insecure_scheme_active: 5,
  unsafe_inline: 5,
  invalid: 0,
  missing: 0,
} as const;

function evaluateCsp(value: string, https: boolean): Verdict {
  const csp = analyseCsp(value, https);
  if (!csp.valid || !csp.traits) return { score: CSP_POINTS.invalid, findings: [['critical', 'csp_invalid', { reason: csp.invalidReason ?? '' }]] };
  const t = csp.traits;
  const findings: Finding[] = [];
  let score: number = CSP_POINTS.no_unsafe;
  const cap = (points: number, finding: Finding) => {
    score = Math.min(score, points);
    findings.push(finding);
  };
  if (t.noScriptRestriction) cap(CSP_POINTS.unsafe_inline, ['warning', 'csp_no_script_rule']);
  else if (t.unsafeInline) cap(CSP_POINTS.unsafe_inline, ['warning', 'csp_unsafe_inline']);
  if (t.unsafeObjects) cap(CSP_POINTS.unsafe_inline, ['warning', 'csp_unsafe_objects']);
  if (t.insecureActive) cap(CSP_POINTS.insecure_scheme_active, ['warning', 'csp_insecure_active']);
  if (t.unsafeEval) cap(CSP_POINTS.unsafe_eval, ['warning', 'csp_unsafe_eval']);
  if (t.insecurePassive) cap(CSP_POINTS.insecure_scheme_passive, ['warning', 'csp_insecure_passive']);
  if (t.unsafeInlineStyle) cap(CSP_POINTS.unsafe_inline_style_only, ['info', 'csp_inline_style']);
  if (score === CSP_POINTS.no_unsafe && t.objectsNotNone && !t.unsafeObjects) {
    score -= 2;
    findings.push(['info', 'csp_object']);
  }
  if (csp.policies > 1) findings.push(['info', 'csp_policies', { count: csp.policies }]);
  return { score, findings };
}

// ---- Strict-Transport-Security (RFC 6797 6.1) ---------------------------------------------------

function evaluateHsts(value: string, context: ResponseContext): Verdict {
  if (!context.https) return { score: 0, findings: [['critical', 'hsts_plain']] };
  if (!context.certificateValid) return { score: 0, findings: [['critical', 'hsts_cert']] };
  // Two headers joined by a comma (or a comma inside one) make the value invalid.
  if (value.includes(',')) return { score: 0, findings: [['critical', 'hsts_twice']] };
  const directives = new Map<string, string | null>();
  for (const part of value.split(';')) {
    const t = part.trim();
    if (t === '') continue;
    const eq = t.indexOf('=');
    const name = (eq < 0 ? t : t.slice(0, eq)).trim().toLowerCase();
    if (directives.has(name)) return { score: 0, findings: [['critical', 'hsts_directive_twice', { directive: name }]] };
    directives.set(name, eq < 0 ? null : t.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  const maxAge = directives.get('max-age');
  if (maxAge === undefined || maxAge === null || !/^\d{1,12}$/.test(maxAge)) {
    return { score: 0, findings: [['critical', 'hsts_max_age_missing']] };
  }
  const seconds = Number(maxAge);
  if (seconds === 0) return { score: 0, findings: [['critical', 'hsts_off']] };
  const findings: Finding[] = [];
  let score = 15;
  if (seconds < HSTS_MIN_SECONDS) {
    score = 7;
    findings.push(['warning', 'hsts_short', { seconds, min: HSTS_MIN_SECONDS }]);
  }
  if (directives.has('includesubdomains')) score += 5;
  else findings.push(['warning', 'hsts_subdomains']);
  if (!directives.has('preload')) findings.push(['info', 'hsts_preload']);
  return { score, findings };
}

// ---- X-Frame-Options, superseded by CSP frame-ancestors ------------------------------------------

function evaluateFraming(xfo: string | undefined, csp: string | undefined): Verdict & { present: boolean } {
  const traits = csp ? analyseCsp(csp, true).traits : null;
  if (traits?.hasFrameAncestors) {
    // Browsers ignore X-Frame-Options when an enforced policy has frame-ancestors (CSP3).
    const superseded: Finding[] = xfo ? [['info', 'xfo_superseded']] : [];
    if (traits.antiClickjacking) return { present: xfo !== undefined, score: 15, findings: [['info', 'csp_frame_ok'], ...superseded] };
    return { present: xfo !== undefined, score: 0, findings: [['warning', 'csp_frame_any'], ...superseded] };
  }
  if (xfo === undefined) return { present: false, ...MISSING_VERDICT('x-frame-options') };
  const values = [...new Set(xfo.split(',').map((v) => v.trim().toUpperCase()))];
  if (values.length > 1) return { present: true, score: 0, findings: [['warning', 'xfo_conflict', { value: JSON.stringify(xfo) }]] };
  const v = values[0] ?? '';
  if (v === 'DENY' || v === 'SAMEORIGIN') return { present: true, score: 15, findings: [] };
  if (v.startsWith('ALLOW-FROM')) return { present: true, score: 5, findings: [['warning', 'xfo_allow_from']] };
  return { present: true, score: 0, findings: [['warning', 'xfo_invalid', { value: JSON.stringify(xfo) }]] };
}

const MISSING_VERDICT = (name: SecurityHeaderName): Verdict => ({ score: 0, findings: [MISSING[name]] });

type Evaluator = (value: string, context: ResponseContext) => Verdict;

const evaluators: Record<Exclude<SecurityHeaderName, 'x-frame-options'>, Evaluator> = {
  'content-security-policy': (value, context) => evaluateCsp(value, context.https),
  'strict-transport-security': evaluateHsts,
  'x-content-type-options': (value) =>
    value.trim().toLowerCase() === 'nosniff'
      ? { score: 15, findings: [] }
      : { score: 0, findings: [['warning', 'xcto_invalid', { value: JSON.stringify(value) }]] },
  'referrer-policy': (value) => {
    // Browsers use the last value they understand.
    const known = value
      .split(',')
      .map((v) => v.trim().toLowerCase())
      .filter((v) => REFERRER_SCORES[v] !== undefined);
    const last = known[known.length - 1];
    if (last === undefined) return { score: 0, findings: [['warning', 'value_invalid', { value: JSON.stringify(value) }]] };
    const score = REFERRER_SCORES[last] ?? 0;
    if (last === 'unsafe-url') return { score, findings: [['warning', 'referrer_unsafe_url']] };
    if (score < 10) return { score, findings: [['info', 'referrer_leaks', { policy: last }]] };
    return { score, findings: [] };
  },
  'permissions-policy': (value) => {
    if (value.trim() === '') return { score: 5, findings: [['warning', 'permissions_empty']] };
    const open = POWERFUL_FEATURES.filter((f) => new RegExp(`(^|[,\\s])${f}\\s*=\\s*(\\*|\\(\\s*\\*\\s*\\))`, 'i').test(value));
    if (open.length > 0) return { score: 6, findings: [['warning', 'permissions_open', { features: open.join(', ') }]] };
    return { score: 10, findings: [] };
  },
  'x-xss-protection': (value) => {
    const v = value.trim().toLowerCase().replace(/\s+/g, '');
    if (v === '0') return { score: 5, findings: [] };
    if (v.startsWith('1;mode=block')) {
      return { score: 3, findings: [['info', 'xxss_deprecated']] };
    }
    if (v.startsWith('1')) {
      return { score: 2, findings: [['warning', 'xxss_no_block']] };
    }
    return { score: 0, findings: [['warning', 'value_invalid', { value: JSON.stringify(value) }]] };
  },
};

const REFERRER_SCORES: Record<string, number> = {
  'no-referrer': 10,
  'same-origin': 10,
  'strict-origin': 10,
  'strict-origin-when-cross-origin': 10,
  origin: 7,
  'origin-when-cross-origin': 7,
  'no-referrer-when-downgrade': 5,
  'unsafe-url': 2,
};

const MISSING: Record<SecurityHeaderName, Finding> = {
  'content-security-policy': ['critical', 'csp_missing'],
  'strict-transport-security': ['critical', 'hsts_missing'],
  'x-content-type-options': ['warning', 'xcto_missing'],
  'x-frame-options': ['warning', 'xfo_missing'],
  'referrer-policy': ['info', 'referrer_missing'],
  'permissions-policy': ['info', 'permissions_missing'],
  'x-xss-protection': ['info', 'xxss_missing'],
};

function gradeOf(score: number): SecurityHeadersReport['grade'] {
  if (score >= 90) return 'A';
  if (score >= 75) return 'B';
  if (score >= 60) return 'C';
  if (score >= 40) return 'D';
  return 'F';
}

/**
 * Scores a response's headers (keys in any case); pure, so it is also usable on stored headers. Without
 * a context the response is taken to be HTTPS with a valid certificate.
 */
export function evaluateSecurityHeaders(
  rawHeaders: Record<string, string>,
  context: ResponseContext = { https: true, certificateValid: true },
): SecurityHeadersReport {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawHeaders)) {
    const key = k.toLowerCase();
    headers[key] = headers[key] === undefined ? v : `${headers[key]}, ${v}`;
  }
  const out = {} as Record<SecurityHeaderName, HeaderEvaluation>;
  const all: HeaderFinding[] = [];
  for (const name of Object.keys(SECURITY_HEADER_WEIGHTS) as SecurityHeaderName[]) {
    const max = SECURITY_HEADER_WEIGHTS[name];
    const value = headers[name];
    let verdict: Verdict;
    let present = value !== undefined;
    if (name === 'x-frame-options') {
      const framing = evaluateFraming(value, headers['content-security-policy']);
      verdict = framing;
      present = framing.present;
    } else if (value === undefined) {
      verdict = MISSING_VERDICT(name);
      if (name === 'content-security-policy' && headers['content-security-policy-report-only']) {
        verdict.findings.push(['warning', 'csp_report_only']);
      }
    } else {
      verdict = evaluators[name](value, context);
    }
    const evaluation: HeaderEvaluation = {
      present,
      value: value ?? null,
      score: Math.min(max, Math.max(0, verdict.score)),
      max_score: max,
      findings: verdict.findings.map(([severity, code, params = {}]) => ({ header: name, severity, code, params, message: findingText(code, params) })),
    };
    out[name] = evaluation;
    all.push(...evaluation.findings);
  }
  const score = Object.values(out).reduce((s, e) => s + e.score, 0);
  return { score, grade: gradeOf(score), weights: SECURITY_HEADER_WEIGHTS, headers: out, findings: all };
}

/** Security header check (spec 4.9): fetch the URL (following redirects) and score the final response. */
export async function probeSecurityHeaders(url: string, opts: Omit<HttpProbeOptions, 'captureBody'>): Promise<SecurityHeadersResult> {
  const res = await probeHttp(url, { ...opts, expectedStatus: opts.expectedStatus ?? allStatuses });
  const https = res.final_url.startsWith('https:');
  const report = evaluateSecurityHeaders(res.status_code === null ? {} : res.headers, { https, certificateValid: https && res.tls?.authorized === true });
  return {
    url: res.url,
    final_url: res.final_url,
    status_code: res.status_code,
    response_time: res.response_time,
    error_kind: res.error_kind,
    error_message: res.error_message,
    checked_at: res.checked_at,
    ...report,
  };
}

// Headers are worth scoring on any answer, a 404 or 500 included.
const allStatuses = Array.from({ length: 500 }, (_, i) => i + 100);
