import { isDeepStrictEqual } from 'node:util';
import { probeHttp, type HttpProbeOptions } from './http.ts';
import { JsonPathError, parseJsonPath, readJsonPath } from './json-path.ts';
import { ASSERTION_OPERATORS, type AssertionOperator } from './schemas.ts';
import { checkText } from './texts.ts';
import type { ErrorKind } from './types.ts';

export { ASSERTION_OPERATORS, type AssertionOperator };

export interface Assertion {
  path: string;
  operator: AssertionOperator;
  /** For `exists`, `false` asserts absence; omitted means presence. */
  value?: unknown;
}

export interface AssertionResult {
  path: string;
  operator: AssertionOperator;
  expected: unknown;
  actual: unknown;
  passed: boolean;
  message: string;
}

export interface ApiCheckOptions extends Omit<HttpProbeOptions, 'captureBody' | 'expectedStatus'> {
  /** Default: any 2xx. */
  expectedStatus?: number;
  assertions?: Assertion[];
}

export interface ApiCheckResult {
  url: string;
  final_url: string;
  method: string;
  status_code: number | null;
  expected_status: number | null;
  status_ok: boolean;
  response_time: number;
  /** The first 1000 characters of the decoded body. */
  response_body: string | null;
  response_truncated: boolean;
  content_type: string | null;
  assertions: AssertionResult[];
  /** Status accepted and every assertion passed. */
  is_valid: boolean;
  error_kind: ErrorKind | null;
  error_message: string | null;
  checked_at: string;
}

export const RESPONSE_BODY_LIMIT = 1000;

const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));

function sameValue(actual: unknown, expected: unknown): boolean {
  if (isDeepStrictEqual(actual, expected)) return true;
  // Form fields arrive as strings: "42" equals 42 and "true" equals true.
  if (typeof expected === 'string' && (typeof actual === 'number' || typeof actual === 'boolean')) return String(actual) === expected;
  if (typeof actual === 'string' && (typeof expected === 'number' || typeof expected === 'boolean')) return actual === String(expected);
  return false;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Evaluates one assertion against a parsed JSON document. */
export function evaluateAssertion(doc: unknown, a: Assertion): AssertionResult {
  const base = { path: a.path, operator: a.operator, expected: a.value ?? null };
  let read: { found: boolean; value: unknown };
  try {
    read = readJsonPath(doc, parseJsonPath(a.path));
  } catch (err) {
    const message = err instanceof JsonPathError ? checkText('api_path_invalid', { error: err.message }) : checkText('api_path_invalid_plain');
    return { ...base, actual: null, passed: false, message };
  }
  const actual = read.found ? read.value : null;
  const res = (passed: boolean, message: string): AssertionResult => ({ ...base, actual, passed, message });
  if (a.operator === 'exists') {
    const wantPresent = a.value !== false && a.value !== 'false';
    return read.found === wantPresent
      ? res(true, checkText(wantPresent ? 'api_exists' : 'api_absent', { path: a.path }))
      : res(false, checkText(wantPresent ? 'api_missing' : 'api_exists_unwanted', { path: a.path }));
  }
  if (!read.found) return res(false, checkText('api_missing', { path: a.path }));
  switch (a.operator) {
    case 'equals':
      return sameValue(read.value, a.value)
        ? res(true, checkText('api_equals', { path: a.path, value: show(a.value) }))
        : res(false, checkText('api_is_expected', { path: a.path, actual: show(read.value), value: show(a.value) }));
    case 'not_equals':
      return !sameValue(read.value, a.value)
        ? res(true, checkText('api_is_not', { path: a.path, actual: show(read.value), value: show(a.value) }))
        : res(false, checkText('api_equals', { path: a.path, value: show(a.value) }));
    case 'contains': {
      const v = read.value;
      let ok = false;
      if (typeof v === 'string') ok = a.value !== undefined && a.value !== null && v.includes(String(a.value));
      else if (Array.isArray(v)) ok = v.some((item) => sameValue(item, a.value));
      else if (typeof v === 'object' && v !== null) ok = typeof a.value === 'string' && Object.hasOwn(v, a.value);
      return ok
        ? res(true, checkText('api_contains', { path: a.path, value: show(a.value) }))
        : res(false, checkText('api_not_contains', { path: a.path, actual: show(v), value: show(a.value) }));
    }
    case 'greater_than':
    case 'less_than': {
      const x = toNumber(read.value);
      const y = toNumber(a.value);
      if (x === undefined || y === undefined) return res(false, checkText('api_not_numbers', { path: a.path, actual: show(read.value), value: show(a.value) }));
      const ok = a.operator === 'greater_than' ? x > y : x < y;
      const greater = a.operator === 'greater_than';
      const params = { path: a.path, actual: x, value: y };
      return ok ? res(true, checkText(greater ? 'api_greater' : 'api_less', params)) : res(false, checkText(greater ? 'api_not_greater' : 'api_not_less', params));
    }
  }
}

/** API endpoint check (spec 4.10): status, response time, body excerpt and JSON assertions. */
export async function probeApi(url: string, opts: ApiCheckOptions): Promise<ApiCheckResult> {
  const expected = opts.expectedStatus;
  const accept = expected !== undefined ? [expected] : Array.from({ length: 100 }, (_, i) => 200 + i);
  const res = await probeHttp(url, { ...opts, captureBody: true, expectedStatus: accept });
  const body = res.body ?? null;
  const statusOk = res.status_code !== null && accept.includes(res.status_code);
  const assertions = opts.assertions ?? [];
  let results: AssertionResult[] = [];
  let kind = res.error_kind;
  let message = res.error_message;
  if (res.status_code !== null && assertions.length > 0) {
    let doc: unknown;
    let parsed = false;
    try {
      doc = JSON.parse(body ?? '');
      parsed = true;
    } catch {
      parsed = false;
    }
    results = parsed
      ? assertions.map((a) => evaluateAssertion(doc, a))
      : assertions.map((a) => ({
          path: a.path,
          operator: a.operator,
          expected: a.value ?? null,
          actual: null,
          passed: false,
          message: checkText('api_not_json'),
        }));
  }
  const failed = results.filter((r) => !r.passed);
  if (kind === null && failed.length > 0) {
    kind = 'assertion';
    message = checkText('api_failed', { failed: failed.length, total: results.length, first: failed[0]!.message });
  }
  return {
    url: res.url,
    final_url: res.final_url,
    method: res.method,
    status_code: res.status_code,
    expected_status: expected ?? null,
    status_ok: statusOk,
    response_time: res.response_time,
    response_body: body === null ? null : body.slice(0, RESPONSE_BODY_LIMIT),
    response_truncated: body !== null && (body.length > RESPONSE_BODY_LIMIT || res.body_truncated === true),
    content_type: res.content_type,
    assertions: results,
    is_valid: statusOk && res.error_kind === null && failed.length === 0,
    error_kind: kind,
    error_message: message,
    checked_at: res.checked_at,
  };
}
