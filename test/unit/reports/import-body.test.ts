import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../layers/errors.ts';
import { readImportBody } from '../../../layers/endpoints/import-body.ts';
import type { HttpEvent } from '../../../layers/endpoints/http.ts';
import { importRowSchema } from '../../../layers/endpoints/schemas/reports.ts';

// The import body reads a row by a quick hand-written check first and falls back to the zod schema
// for anything it is unsure of. Both must give the same rows and the same errors as the schema alone:
// each row below is read by readImportBody and compared with importRowSchema on the same input.

const NOW = new Date('2026-11-26T00:00:00Z');
const event = (body: string, type: string) => ({ headers: { 'content-type': type }, body, isBase64Encoded: false }) as unknown as HttpEvent;

const times = ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.123Z', '2026-01-01T00:00:00.1234567Z', '2026-02-29T00:00:00Z', '2024-02-29T10:00:00Z',
  '2026-02-31T00:00:00Z', '2026-04-31T00:00:00Z', '2026-01-01T00:00:00+09:00', '2026-01-01T00:00:00-14:00', '2026-01-01T00:00:00+0900',
  '2026-01-01T24:00:00Z', '2026-01-01T00:00Z', '2026-01-01 00:00:00Z', '0999-12-31T00:00:00Z', '2026-13-01T00:00:00Z', 'soon', '2027-01-01T00:00:00Z',
  // toISOString's own form, which the quick check reads digit by digit, and near misses of it.
  '2024-02-29T23:59:59.999Z', '2026-02-29T00:00:00.000Z', '2026-04-31T12:00:00.000Z', '2026-12-31T23:59:59.999Z', '1000-01-01T00:00:00.000Z',
  '2026-00-01T00:00:00.000Z', '2026-01-00T00:00:00.000Z', '2026-01-32T00:00:00.000Z', '2026-01-01T23:60:00.000Z', '2026-01-01T00:00:60.000Z',
  '2026-01-01T00:00:00.00aZ', '2026-01-01T00:00:00,000Z', '2026-01-01T00:00:00.000z', '2026-01-01T00:00:00.000+', '2026/01/01T00:00:00.000Z',
  '-026-01-01T00:00:00.000Z', '2026-01-01T0 :00:00.000Z'];
const statuses: unknown[] = [200, 0, 999, 1000, -1, 1.5, null, undefined, '200'];
const rts: unknown[] = [0, 12.5, 3_600_000, 3_600_000.5, -0.1, null, undefined, '12'];
const messages: unknown[] = [null, undefined, 'HTTP 503', 'x'.repeat(4000), 'x'.repeat(4001), 'a\u0000b', 7];
const ups: unknown[] = [true, false, 'true', 1];
const maint: unknown[] = [undefined, true, false, 'yes'];

/** Every value of each field with the others at a fixed valid value. */
function rows(): Record<string, unknown>[] {
  const base = { checked_at: times[0], is_available: true, status_code: 200, response_time: 10, error_message: null };
  const out: Record<string, unknown>[] = [];
  const vary = (field: string, values: unknown[]) => {
    for (const v of values) {
      const r: Record<string, unknown> = { ...base };
      if (v === undefined) delete r[field];
      else r[field] = v;
      out.push(r);
    }
  };
  vary('checked_at', times);
  vary('status_code', statuses);
  vary('response_time', rts);
  vary('error_message', messages);
  vary('is_available', ups);
  vary('in_maintenance', maint);
  out.push({ ...base, colour: 'red' });
  return out;
}

type Outcome = { ok: true; row: unknown } | { ok: false; message: string };

function viaBody(body: string, type: string): Outcome {
  try {
    const [row] = readImportBody(event(body, type), NOW);
    return { ok: true, row };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return { ok: false, message: err.errors[0]!.message };
  }
}

function viaSchema(raw: unknown): Outcome {
  const parsed = importRowSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, message: issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message };
  }
  if (parsed.data.checked_at.getTime() > NOW.getTime() + 5 * 60_000) return { ok: false, message: 'must not be in the future' };
  return { ok: true, row: parsed.data };
}

describe('import body', () => {
  it('reads each JSON row as the schema does', () => {
    const all = rows();
    let accepted = 0;
    for (const r of all) {
      const got = viaBody(JSON.stringify({ results: [r] }), 'application/json');
      expect(got, JSON.stringify(r)).toEqual(viaSchema(r));
      if (got.ok) accepted++;
    }
    expect(accepted).toBeGreaterThan(15);
    expect(accepted).toBeLessThan(all.length - 15);
  });

  it('reads each CSV row as the schema reads its cells (numbers and booleans from their text)', () => {
    const cell = (v: unknown) => (v === null || v === undefined ? '' : /[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
    const cases: [string[], Record<string, unknown>][] = [];
    for (const r of rows()) {
      if ('colour' in r || typeof r['error_message'] === 'number' || r['status_code'] === '200' || r['response_time'] === '12') continue;
      cases.push([[r['checked_at'], r['is_available'], r['status_code'], r['response_time'], r['error_message'], r['in_maintenance']].map(cell), {
        checked_at: r['checked_at'],
        is_available: r['is_available'] === 1 ? true : r['is_available'] === 'true' ? true : r['is_available'],
        status_code: r['status_code'] ?? null,
        response_time: r['response_time'] ?? null,
        error_message: r['error_message'] ?? null,
        in_maintenance: r['in_maintenance'] ?? false,
      }]);
    }
    // Text the quick check leaves to the schema: spaces, other spellings, exponents.
    const base = ['2026-01-01T00:00:00Z', 'true', '200', '10', '', 'false'];
    const odd: [number, string, unknown][] = [[1, ' TRUE ', true], [1, '0', false], [1, 'yes', 'yes'], [2, '2e2', 200], [2, ' 200', 200], [2, '200.0', 200],
      [3, '1e3', 1000], [3, '.5', '.5'], [3, '-0', -0], [5, '1', true], [5, ' false', false], [5, 'no', 'no']];
    const names = ['checked_at', 'is_available', 'status_code', 'response_time', 'error_message', 'in_maintenance'];
    for (const [i, text, value] of odd) {
      const cells = [...base];
      cells[i] = text;
      cases.push([cells, { checked_at: base[0], is_available: true, status_code: 200, response_time: 10, error_message: null, in_maintenance: false, [names[i]!]: value }]);
    }
    for (const [cells, raw] of cases) {
      const got = viaBody(`${names.join(',')}\r\n${cells.join(',')}\r\n`, 'text/csv');
      expect(got, cells.join(',')).toEqual(viaSchema(raw));
    }
  });

  it('reads quoted CSV fields across lines, blank lines and a BOM, and the header in any order', () => {
    const csv = '\ufeffin_maintenance,error_message,checked_at,is_available,status_code,response_time\r\n\r\n'
      + 'true,"a, ""quoted""\nline",2026-01-01T00:00:00Z,false,,\n'
      + ',plain,2026-01-01T00:05:00Z,true,200,1.5';
    const out = readImportBody(event(csv, 'text/csv'), NOW);
    expect(out).toEqual([
      { checked_at: new Date('2026-01-01T00:00:00Z'), is_available: false, status_code: null, response_time: null, error_message: 'a, "quoted"\nline', in_maintenance: true },
      { checked_at: new Date('2026-01-01T00:05:00Z'), is_available: true, status_code: 200, response_time: 1.5, error_message: 'plain', in_maintenance: false },
    ]);
    expect(() => readImportBody(event('checked_at,is_available,status_code,response_time,error_message\r\n2026-01-01T00:00:00Z,true,200,1,"open', 'text/csv'), NOW)).toThrow(/unterminated/);
  });

  it('refuses a CSV without a header, and more than 200,000 rows with 413', () => {
    const header = 'checked_at,is_available,status_code,response_time,error_message\n';
    for (const body of ['', '\r\n\r\n']) {
      const err = (() => { try { readImportBody(event(body, 'text/csv'), NOW); } catch (e) { return e; } })();
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).errors[0]!.field).toBe('header');
    }
    const line = '2026-01-01T00:00:00.000Z,true,200,1,\n';
    expect(readImportBody(event(header + line.repeat(200_000), 'text/csv'), NOW)).toHaveLength(200_000);
    const err = (() => { try { readImportBody(event(header + line.repeat(200_001), 'text/csv'), NOW); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('PAYLOAD_TOO_LARGE');
  });
});
