import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import en from '../../../frontend/locales/en.json' with { type: 'json' };
import ko from '../../../frontend/locales/ko.json' with { type: 'json' };
import { evaluateSecurityHeaders } from '../../../layers/checks/security-headers.ts';
import { CHECK_TEXTS, FINDING_TEXTS, checkText } from '../../../layers/checks/texts.ts';
import { renderMessage } from '../../../layers/endpoints/messages.ts';
import { translateToolResult } from '../../../layers/endpoints/routes/tools.ts';

// The probes' words by code (layers/checks/texts.ts) and their catalog entries (issue 17): the API
// answers a tool's findings and errors in the reader's language from `api.check.*` / `api.finding.*`.

const checksDir = fileURLToPath(new URL('../../../layers/checks/', import.meta.url));
const en_ = en as Record<string, string>;
const ko_ = ko as Record<string, string>;
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const hangul = /[가-힣]/;
const sources = readdirSync(checksDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, text: readFileSync(join(checksDir, f), 'utf8') }));

/** Every code the probes name: checkText('x'...), findingText('x'...) with ternaries, and [severity, 'code'] findings. */
function codesUsed(): { check: Set<string>; finding: Set<string> } {
  const check = new Set<string>();
  const finding = new Set<string>();
  for (const { file, text } of sources) {
    if (file === 'texts.ts') continue;
    for (const m of text.matchAll(/\b(checkText|findingText)\(([^,)]*)/g)) {
      for (const code of m[2]!.matchAll(/'(\w+)'/g)) (m[1] === 'checkText' ? check : finding).add(code[1]!);
    }
    for (const m of text.matchAll(/\['(?:info|warning|critical)', '(\w+)'/g)) finding.add(m[1]!);
  }
  return { check, finding };
}

describe('probe texts and their catalogs', () => {
  it('every code the probes use has an English entry equal to the probe\'s text and a Korean one with the same placeholders', () => {
    const used = codesUsed();
    expect(used.check.size).toBeGreaterThan(80);
    expect(used.finding.size).toBeGreaterThan(40);
    for (const [prefix, table, codes] of [
      ['api.check.', CHECK_TEXTS, used.check],
      ['api.finding.', FINDING_TEXTS, used.finding],
    ] as const) {
      for (const code of codes) {
        const text = (table as Record<string, string>)[code];
        expect(text, `${code} is not in texts.ts`).toBeDefined();
        expect(en_[prefix + code], prefix + code).toBe(text);
        expect(ko_[prefix + code], prefix + code).toBeDefined();
        expect(placeholders(ko_[prefix + code]!), prefix + code).toEqual(placeholders(text!));
      }
      // No entry the probes no longer use, and no code without a catalog entry.
      expect(Object.keys(table).filter((c) => !codes.has(c))).toEqual([]);
      expect(Object.keys(en_).filter((k) => k.startsWith(prefix) && !(k.slice(prefix.length) in table))).toEqual([]);
    }
  });

  it('the Korean entries are Korean, apart from the ones that are only a frame around other words', () => {
    const frames = ['os_error', 'rdap_error', 'whois_error'];
    const english = Object.keys(CHECK_TEXTS)
      .map((c) => `api.check.${c}`)
      .concat(Object.keys(FINDING_TEXTS).map((c) => `api.finding.${c}`))
      .filter((k) => !hangul.test(ko_[k]!));
    expect(english).toEqual(frames.map((c) => `api.check.${c}`));
  });

  it('the probes write no message of their own outside texts.ts', () => {
    // Domain-date parsing details (registry-*.ts) stay English inside a translated frame; see the README.
    const skip = new Set(['texts.ts', 'schemas.ts', 'registry-date.ts', 'registry-answer.ts']);
    const literal = /\b(?:message|error_message|warning_message|reason|invalidReason)\s*[:=]\s*['"`]|\bfail(?:ed)?\('\w+', ['"`]|new (?:QueryError|ProbeFailure)\(['"`]/;
    const offenders = sources
      .filter((s) => !skip.has(s.file))
      .flatMap((s) => s.text.split('\n').map((line, i) => ({ where: `${s.file}:${i + 1}`, line })))
      .filter((l) => literal.test(l.line) && !l.line.trim().startsWith('//') && !l.line.trim().startsWith('*'));
    expect(offenders).toEqual([]);
  });
});

describe('rendering a tool answer in the reader\'s language', () => {
  const report = evaluateSecurityHeaders(
    { 'content-security-policy': "default-src 'self'; default-src 'none'", 'strict-transport-security': 'max-age=600', 'x-frame-options': 'ALLOWALL' },
    { https: true, certificateValid: true },
  );
  const byCode = (findings: { code: string; message: string }[], code: string) => findings.find((f) => f.code === code)!;

  it('each finding carries a code and params beside the English text it always had', () => {
    const csp = byCode(report.findings, 'csp_invalid');
    expect(csp.message).toBe('invalid policy, so it earns nothing: directive default-src appears twice');
    expect(byCode(report.findings, 'hsts_short')).toMatchObject({ params: { seconds: 600, min: 15_552_000 }, message: 'max-age is 600 s; use at least 15552000 (six months)' });
    expect(byCode(report.findings, 'xfo_invalid').message).toBe('invalid value "ALLOWALL": use DENY or SAMEORIGIN');
  });

  it('writes the findings from the Korean catalog, nested reasons included, and leaves English untouched', () => {
    const out = translateToolResult(report, 'ko') as typeof report;
    const csp = byCode(out.headers['content-security-policy'].findings, 'csp_invalid');
    expect(csp.message).toBe(ko_['api.finding.csp_invalid']!.replace('{reason}', ko_['api.finding.csp_directive_twice']!.replace('{directive}', 'default-src')));
    expect(byCode(out.findings, 'hsts_short').message).toBe('max-age가 600초입니다. 최소 15552000초(6개월)로 하세요');
    for (const f of out.findings) expect(f.message, f.code).toMatch(hangul);
    // the header values the site sent stay as they came
    expect(out.headers['x-frame-options'].value).toBe('ALLOWALL');
    expect(translateToolResult(report, 'en')).toEqual(report);
  });

  it('translates nested error messages and "; "-joined resolver problems', () => {
    const result = {
      error_message: checkText('dns_no_answer', { problems: `127.0.0.1:53: ${checkText('dns_query_timeout', { ms: 200 })}; 127.0.0.2:53: ${checkText('dns_port_unreachable')}` }),
      assertions: [{ path: '$.status', operator: 'equals', expected: 'ok', actual: 'down', passed: false, message: checkText('api_is_expected', { path: '$.status', actual: '"down"', value: '"ok"' }) }],
      warning_message: checkText('cert_expires_in', { certificate: checkText('cert_intermediate', { subject: 'Test CA' }), days: 3, warning: 14 }),
    };
    const out = translateToolResult(result, 'ko') as typeof result;
    expect(out.error_message).toBe('응답한 리졸버가 없습니다(127.0.0.1:53: 200ms 안에 응답이 없습니다; 127.0.0.2:53: 리졸버 포트에 도달할 수 없습니다)');
    expect(out.assertions[0]!.message).toBe('$.status의 값이 "down"입니다. 기대한 값은 "ok"입니다');
    expect(out.assertions[0]!.actual).toBe('down');
    expect(out.warning_message).toBe('중간 인증서 "Test CA"이(가) 3일 뒤에 만료됩니다(경고 기준 14일)');
    expect(renderMessage('api.check.tcp_closed', { port: 8080 }, 'en')).toBe('port 8080 is closed (connection refused)');
    expect(renderMessage('api.check.no_such_code', {}, 'ko')).toBeUndefined();
  });
});
