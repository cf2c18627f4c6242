import { probeHttp, type HttpProbeOptions } from './http.ts';
import type { ErrorKind } from './types.ts';

/**
 * Score weights (sum 100). A header earns its full weight when set well, part of it when set weakly:
 *
 * | header                     | weight | full marks                                  | partial                                         |
 * |----------------------------|--------|---------------------------------------------|-------------------------------------------------|
 * | Content-Security-Policy    | 25     | enforced, no unsafe-inline/eval, no wildcard | -8 per weakness, -5 without default/script-src, floor 5 |
 * | Strict-Transport-Security  | 20     | max-age >= 180 days + includeSubDomains     | 15 without includeSubDomains, 7 if max-age short |
 * | X-Content-Type-Options     | 15     | nosniff                                     | -                                               |
 * | X-Frame-Options            | 15     | DENY / SAMEORIGIN (or CSP frame-ancestors)  | 5 for obsolete ALLOW-FROM                       |
 * | Referrer-Policy            | 10     | no-referrer, same-origin, strict-origin(-when-cross-origin) | 7 origin*, 5 no-referrer-when-downgrade, 2 unsafe-url |
 * | Permissions-Policy         | 10     | present, no powerful feature open to *       | 6 with camera/mic/geolocation/... = *           |
 * | X-XSS-Protection           | 5      | "0" (legacy filter disabled, as advised)     | 3 for "1; mode=block", 2 for "1"                |
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

const HSTS_MIN_SECONDS = 180 * 86_400;
const POWERFUL_FEATURES = ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'display-capture', 'serial', 'hid'];

type Evaluator = (value: string, all: Record<string, string>) => { score: number; findings: [FindingSeverity, string][] };

const evaluators: Record<SecurityHeaderName, Evaluator> = {
  'content-security-policy': (value) => {
    const findings: [FindingSeverity, string][] = [];
    const directives = new Map<string, string[]>();
    for (const part of value.split(';')) {
      const [name, ...sources] = part.trim().split(/\s+/);
      if (name) directives.set(name.toLowerCase(), sources.map((s) => s.toLowerCase()));
    }
    let score = 25;
    const scriptSources = directives.get('script-src') ?? directives.get('default-src');
    if (!scriptSources) {
      score -= 5;
      findings.push(['warning', 'no default-src or script-src directive: scripts are not restricted']);
    }
    const sources = scriptSources ?? [];
    if (sources.includes("'unsafe-inline'") && !sources.some((s) => s.startsWith("'nonce-") || s.startsWith("'sha"))) {
      score -= 8;
      findings.push(['warning', "'unsafe-inline' allows inline scripts, which defeats most XSS protection"]);
    }
    if (sources.includes("'unsafe-eval'")) {
      score -= 8;
      findings.push(['warning', "'unsafe-eval' allows eval() and similar"]);
    }
    if (sources.some((s) => s === '*' || s === 'http:' || s === 'https:' || s === 'data:')) {
      score -= 8;
      findings.push(['warning', 'a wildcard or scheme-only source (*, http:, https:, data:) lets scripts load from anywhere']);
    }
    if (!directives.has('object-src') && !directives.has('default-src')) {
      findings.push(['info', "consider object-src 'none'"]);
    }
    return { score: Math.max(5, score), findings };
  },
  'strict-transport-security': (value) => {
    const findings: [FindingSeverity, string][] = [];
    const m = /max-age\s*=\s*"?(\d+)"?/i.exec(value);
    if (!m) return { score: 0, findings: [['critical', 'max-age is missing, so the header is ignored']] };
    const maxAge = Number(m[1]);
    if (maxAge === 0) return { score: 0, findings: [['critical', 'max-age=0 turns HSTS off']] };
    let score = 15;
    if (maxAge < HSTS_MIN_SECONDS) {
      score = 7;
      findings.push(['warning', `max-age is ${maxAge} s; use at least 15552000 (180 days)`]);
    }
    if (/includesubdomains/i.test(value)) score += 5;
    else findings.push(['warning', 'includeSubDomains is missing: subdomains can still be reached over plain HTTP']);
    if (!/preload/i.test(value)) findings.push(['info', 'not marked preload']);
    return { score, findings };
  },
  'x-content-type-options': (value) =>
    value.trim().toLowerCase() === 'nosniff'
      ? { score: 15, findings: [] }
      : { score: 0, findings: [['warning', `invalid value ${JSON.stringify(value)}: the only valid value is nosniff`]] },
  'x-frame-options': (value) => {
    const v = value.trim().toUpperCase();
    if (v === 'DENY' || v === 'SAMEORIGIN') return { score: 15, findings: [] };
    if (v.startsWith('ALLOW-FROM')) {
      return { score: 5, findings: [['warning', 'ALLOW-FROM is obsolete and ignored by modern browsers; use CSP frame-ancestors']] };
    }
    return { score: 0, findings: [['warning', `invalid value ${JSON.stringify(value)}: use DENY or SAMEORIGIN`]] };
  },
  'referrer-policy': (value) => {
    // Browsers use the last value they understand.
    const known = value
      .split(',')
      .map((v) => v.trim().toLowerCase())
      .filter((v) => REFERRER_SCORES[v] !== undefined);
    const last = known[known.length - 1];
    if (last === undefined) return { score: 0, findings: [['warning', `invalid value ${JSON.stringify(value)}`]] };
    const score = REFERRER_SCORES[last] ?? 0;
    if (last === 'unsafe-url') return { score, findings: [['warning', 'unsafe-url sends the full URL, path and query included, to every site']] };
    if (score < 10) return { score, findings: [['info', `${last} leaks more than strict-origin-when-cross-origin`]] };
    return { score, findings: [] };
  },
  'permissions-policy': (value) => {
    if (value.trim() === '') return { score: 5, findings: [['warning', 'empty policy restricts nothing']] };
    const open = POWERFUL_FEATURES.filter((f) => new RegExp(`(^|[,\\s])${f}\\s*=\\s*(\\*|\\(\\s*\\*\\s*\\))`, 'i').test(value));
    if (open.length > 0) return { score: 6, findings: [['warning', `powerful features open to every origin: ${open.join(', ')}`]] };
    return { score: 10, findings: [] };
  },
  'x-xss-protection': (value) => {
    const v = value.trim().toLowerCase().replace(/\s+/g, '');
    if (v === '0') return { score: 5, findings: [] };
    if (v.startsWith('1;mode=block')) {
      return { score: 3, findings: [['info', 'X-XSS-Protection is deprecated; its filter caused leaks. Send "0" and rely on CSP']] };
    }
    if (v.startsWith('1')) {
      return { score: 2, findings: [['warning', 'X-XSS-Protection: 1 without mode=block can be abused; send "0" and rely on CSP']] };
    }
    return { score: 0, findings: [['warning', `invalid value ${JSON.stringify(value)}`]] };
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

const MISSING: Record<SecurityHeaderName, [FindingSeverity, string]> = {
  'content-security-policy': ['critical', 'missing: no Content-Security-Policy restricts scripts and other resources'],
  'strict-transport-security': ['critical', 'missing: browsers may connect over plain HTTP'],
  'x-content-type-options': ['warning', 'missing: set nosniff to stop MIME-type sniffing'],
  'x-frame-options': ['warning', 'missing: the page can be framed (clickjacking); set DENY/SAMEORIGIN or CSP frame-ancestors'],
  'referrer-policy': ['info', 'missing: browsers default to strict-origin-when-cross-origin, but say so explicitly'],
  'permissions-policy': ['info', 'missing: browser features (camera, geolocation, ...) are not restricted'],
  'x-xss-protection': ['info', 'missing: modern browsers ignore it, but send "0" to switch off the legacy filter in old ones'],
};

function gradeOf(score: number): SecurityHeadersReport['grade'] {
  if (score >= 90) return 'A';
  if (score >= 75) return 'B';
  if (score >= 60) return 'C';
  if (score >= 40) return 'D';
  return 'F';
}

/** Scores a response's headers (keys in any case); pure, so it is also usable on stored headers. */
export function evaluateSecurityHeaders(rawHeaders: Record<string, string>): SecurityHeadersReport {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawHeaders)) headers[k.toLowerCase()] = v;
  const out = {} as Record<SecurityHeaderName, HeaderEvaluation>;
  const all: HeaderFinding[] = [];
  const csp = headers['content-security-policy'];
  for (const name of Object.keys(SECURITY_HEADER_WEIGHTS) as SecurityHeaderName[]) {
    const max = SECURITY_HEADER_WEIGHTS[name];
    const value = headers[name];
    let evaluation: HeaderEvaluation;
    if (value === undefined) {
      if (name === 'x-frame-options' && csp && /(^|;)\s*frame-ancestors\s/i.test(csp)) {
        evaluation = {
          present: false,
          value: null,
          score: max,
          max_score: max,
          findings: [{ header: name, severity: 'info', message: 'not set, but CSP frame-ancestors covers clickjacking' }],
        };
      } else {
        const [severity, message] = MISSING[name];
        const extra: HeaderFinding[] =
          name === 'content-security-policy' && headers['content-security-policy-report-only']
            ? [{ header: name, severity: 'warning', message: 'only Content-Security-Policy-Report-Only is set: it reports but enforces nothing' }]
            : [];
        evaluation = { present: false, value: null, score: 0, max_score: max, findings: [{ header: name, severity, message }, ...extra] };
      }
    } else {
      const r = evaluators[name](value, headers);
      evaluation = {
        present: true,
        value,
        score: Math.min(max, Math.max(0, r.score)),
        max_score: max,
        findings: r.findings.map(([severity, message]) => ({ header: name, severity, message })),
      };
    }
    out[name] = evaluation;
    all.push(...evaluation.findings);
  }
  const score = Object.values(out).reduce((s, e) => s + e.score, 0);
  return { score, grade: gradeOf(score), weights: SECURITY_HEADER_WEIGHTS, headers: out, findings: all };
}

/** Security header check (spec 4.9): fetch the URL (following redirects) and score the final response. */
export async function probeSecurityHeaders(url: string, opts: Omit<HttpProbeOptions, 'captureBody'>): Promise<SecurityHeadersResult> {
  const res = await probeHttp(url, { ...opts, expectedStatus: opts.expectedStatus ?? allStatuses });
  const report = evaluateSecurityHeaders(res.status_code === null ? {} : res.headers);
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
