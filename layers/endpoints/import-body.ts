import * as z from 'zod';
import { DomainError } from '../errors.ts';
import { MAX_IMPORT_ROWS, type ImportRow } from '../services/results-import.ts';
import { bodyText, bodyTooLarge, MAX_IMPORT_BODY_BYTES, type HttpEvent } from './http.ts';
import { importRowSchema } from './schemas/reports.ts';

// The history import's body: JSON {"results": [...]} or text/csv with the export's columns. A bad
// row is a 400 naming its number (1-based, the CSV header not counted) and the field.

export const IMPORT_COLUMNS = ['checked_at', 'is_available', 'status_code', 'response_time', 'error_message'] as const;

const rowError = (row: number, field: string, message: string) =>
  new DomainError('VALIDATION', `row ${row}, ${field}: ${message}`, { errors: [{ field: `row ${row}: ${field}`, message }] });

const tooManyRows = () =>
  new DomainError('PAYLOAD_TOO_LARGE', `more than ${MAX_IMPORT_ROWS} rows`, { errors: [{ field: 'results', message: `more than ${MAX_IMPORT_ROWS} rows` }] });

/** Reads, checks and converts the import body; nothing is written before all of it is valid. */
export function readImportBody(event: HttpEvent, now: Date): ImportRow[] {
  const text = bodyText(event);
  if (Buffer.byteLength(text) > MAX_IMPORT_BODY_BYTES) throw bodyTooLarge(MAX_IMPORT_BODY_BYTES);
  const type = (event.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  let rows: unknown[];
  if (type === 'text/csv') rows = csvRows(text);
  else if (type === 'application/json') rows = jsonRows(text);
  else throw new DomainError('VALIDATION', 'content-type: must be application/json or text/csv', { errors: [{ field: 'content-type', message: 'must be application/json or text/csv' }] });
  if (rows.length > MAX_IMPORT_ROWS) throw tooManyRows();
  const latest = now.getTime() + 5 * 60_000;
  return rows.map((raw, i) => {
    const parsed = importRowSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.code === 'unrecognized_keys' ? String(issue.keys[0]) : issue.path.map(String).join('.') || 'row';
      throw rowError(i + 1, field, issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message);
    }
    if (parsed.data.checked_at.getTime() > latest) throw rowError(i + 1, 'checked_at', 'must not be in the future');
    return parsed.data;
  });
}

function jsonRows(text: string): unknown[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new DomainError('VALIDATION', 'request body is not valid JSON', { errors: [{ field: 'body', message: 'malformed JSON' }] });
  }
  const shape = z.strictObject({ results: z.array(z.unknown(), { message: 'must be an array of results' }) }).safeParse(body);
  if (!shape.success) {
    const issue = shape.error.issues[0]!;
    const field = issue.code === 'unrecognized_keys' ? String(issue.keys[0]) : issue.path.map(String).join('.') || 'results';
    throw new DomainError('VALIDATION', `${field}: ${issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message}`, {
      errors: [{ field, message: issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message }],
    });
  }
  return shape.data.results;
}

/** RFC 4180: comma-separated, fields in double quotes may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      out.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new DomainError('VALIDATION', 'body: unterminated quoted CSV field', { errors: [{ field: 'body', message: 'unterminated quoted CSV field' }] });
  if (field !== '' || row.length > 0) {
    row.push(field);
    out.push(row);
  }
  return out.filter((r) => !(r.length === 1 && r[0] === ''));
}

function csvRows(text: string): unknown[] {
  const lines = parseCsv(text);
  const header = lines.shift();
  const expected = IMPORT_COLUMNS.join(',');
  if (!header || header.length !== IMPORT_COLUMNS.length || new Set(header).size !== header.length || !header.every((h) => (IMPORT_COLUMNS as readonly string[]).includes(h))) {
    throw new DomainError('VALIDATION', `header: must be the columns ${expected}`, { errors: [{ field: 'header', message: `must be the columns ${expected}` }] });
  }
  if (lines.length > MAX_IMPORT_ROWS) throw tooManyRows();
  return lines.map((cells, i) => {
    if (cells.length !== header.length) throw rowError(i + 1, 'row', `has ${cells.length} columns, the header ${header.length}`);
    const v = Object.fromEntries(header.map((h, j) => [h, cells[j]!]));
    const num = (s: string) => (s === '' ? null : /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s.trim()) ? Number(s) : s);
    const bool = (s: string) => ({ true: true, false: false, '1': true, '0': false } as Record<string, boolean>)[s.trim().toLowerCase()] ?? s;
    return {
      checked_at: v['checked_at'],
      is_available: bool(v['is_available'] ?? ''),
      status_code: num(v['status_code'] ?? ''),
      response_time: num(v['response_time'] ?? ''),
      error_message: v['error_message'] === '' ? null : v['error_message'],
    };
  });
}
