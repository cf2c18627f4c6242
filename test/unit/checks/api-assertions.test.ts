import { describe, expect, it } from 'vitest';
import { evaluateAssertion } from '../../../layers/checks/api-check.ts';
import { JsonPathError, parseJsonPath, readJsonPath } from '../../../layers/checks/json-path.ts';

const doc = {
  status: 'ok',
  count: 42,
  ratio: 0.5,
  enabled: true,
  nothing: null,
  data: { items: [{ id: 1, name: 'first' }, { id: 2, name: 'second' }], 'odd key': 'x' },
  tags: ['a', 'b'],
};

describe('JSON path reader', () => {
  it('parses dotted names, indexes and quoted names', () => {
    expect(parseJsonPath('$.data.items[0].name')).toEqual(['data', 'items', 0, 'name']);
    expect(parseJsonPath("$['data'][\"odd key\"]")).toEqual(['data', 'odd key']);
    expect(parseJsonPath('$')).toEqual([]);
    expect(parseJsonPath('data.items[-1]')).toEqual(['data', 'items', -1]);
  });

  it('reads values, telling a missing value from a JSON null', () => {
    expect(readJsonPath(doc, parseJsonPath('$.data.items[1].id'))).toEqual({ found: true, value: 2 });
    expect(readJsonPath(doc, parseJsonPath('$.data.items[-1].name'))).toEqual({ found: true, value: 'second' });
    expect(readJsonPath(doc, parseJsonPath('$.nothing'))).toEqual({ found: true, value: null });
    expect(readJsonPath(doc, parseJsonPath('$.data.items[5]'))).toEqual({ found: false, value: undefined });
    expect(readJsonPath(doc, parseJsonPath('$.status.length.x'))).toEqual({ found: false, value: undefined });
    expect(readJsonPath(doc, parseJsonPath('$.tags.length'))).toEqual({ found: true, value: 2 });
  });

  it('does not walk into inherited properties', () => {
    expect(readJsonPath(doc, parseJsonPath('$.constructor'))).toEqual({ found: false, value: undefined });
    expect(readJsonPath(doc, parseJsonPath('$.data.__proto__'))).toEqual({ found: false, value: undefined });
  });

  it('rejects filters, wildcards and script instead of evaluating them', () => {
    for (const p of ['$..items', '$.items[*]', '$.items[?(@.id==1)]', '$.a[(process.exit())]', '$.a b']) {
      expect(() => parseJsonPath(p), p).toThrow(JsonPathError);
    }
  });
});

describe('API response assertions', () => {
  it('equals compares JSON values, accepting a form string for a number or boolean', () => {
    expect(evaluateAssertion(doc, { path: '$.status', operator: 'equals', value: 'ok' }).passed).toBe(true);
    expect(evaluateAssertion(doc, { path: '$.count', operator: 'equals', value: '42' }).passed).toBe(true);
    expect(evaluateAssertion(doc, { path: '$.enabled', operator: 'equals', value: 'true' }).passed).toBe(true);
    expect(evaluateAssertion(doc, { path: '$.data.items[0]', operator: 'equals', value: { id: 1, name: 'first' } }).passed).toBe(true);
    const failed = evaluateAssertion(doc, { path: '$.count', operator: 'equals', value: 41 });
    expect(failed).toMatchObject({ passed: false, actual: 42, expected: 41, message: '$.count is 42, expected 41' });
  });

  it('not_equals passes when the values differ', () => {
    expect(evaluateAssertion(doc, { path: '$.status', operator: 'not_equals', value: 'error' }).passed).toBe(true);
    expect(evaluateAssertion(doc, { path: '$.status', operator: 'not_equals', value: 'ok' }).passed).toBe(false);
  });

  it('contains looks inside strings, arrays and object keys', () => {
    expect(evaluateAssertion(doc, { path: '$.data.items[1].name', operator: 'contains', value: 'sec' }).passed).toBe(true);
    expect(evaluateAssertion(doc, { path: '$.tags', operator: 'contains', value: 'b' }).passed).toBe(true);
    expect(evaluateAssertion(doc, { path: '$.data', operator: 'contains', value: 'items' }).passed).toBe(true);
    expect(evaluateAssertion(doc, { path: '$.tags', operator: 'contains', value: 'z' }).passed).toBe(false);
  });

  it('greater_than and less_than compare numbers and refuse non-numbers', () => {
    expect(evaluateAssertion(doc, { path: '$.count', operator: 'greater_than', value: 41 }).passed).toBe(true);
    expect(evaluateAssertion(doc, { path: '$.count', operator: 'greater_than', value: 42 }).passed).toBe(false);
    expect(evaluateAssertion(doc, { path: '$.ratio', operator: 'less_than', value: '1' }).passed).toBe(true);
    const r = evaluateAssertion(doc, { path: '$.status', operator: 'less_than', value: 3 });
    expect(r.passed).toBe(false);
    expect(r.message).toContain('cannot be compared as numbers');
  });

  it('exists asserts presence, or absence with value false', () => {
    expect(evaluateAssertion(doc, { path: '$.nothing', operator: 'exists' }).passed).toBe(true);
    expect(evaluateAssertion(doc, { path: '$.missing', operator: 'exists' }).passed).toBe(false);
    expect(evaluateAssertion(doc, { path: '$.missing', operator: 'exists', value: false }).passed).toBe(true);
  });

  it('fails an assertion on a missing path or a bad path with a message, never a throw', () => {
    expect(evaluateAssertion(doc, { path: '$.nope.deeper', operator: 'equals', value: 1 })).toMatchObject({
      passed: false,
      message: '$.nope.deeper does not exist',
    });
    expect(evaluateAssertion(doc, { path: '$[*]', operator: 'equals', value: 1 }).message).toMatch(/^invalid path/);
  });
});
