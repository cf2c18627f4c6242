import * as z from 'zod';
import { DomainError } from '../errors.ts';
import { MAX_IMPORT_ROWS, type ImportRow } from '../services/results-import.ts';
import { bodyText, bodyTooLarge, MAX_IMPORT_BODY_BYTES, type HttpEvent } from './http.ts';
import { importRowSchema } from './schemas/reports.ts';

// The history import's body: JSON {"results": [...]} or text/csv with the export's columns. A bad
// row is a 400 naming its number (1-based, the CSV header not counted) and the field; the messages
// are catalog templates (api.import.*), so the reader gets them in their language.
//
// Speed (issue 19: >= 100,000 rows/s through the API): a row is first read by a hand-written check
// that accepts only what importRowSchema accepts, with the same value; a row it is unsure of (or a
// bad one) goes through importRowSchema itself, which decides and words the error. CSV lines without
// quotes are split as they are; a quoted field is read character by character.

export const IMPORT_COLUMNS = ['checked_at', 'is_available', 'status_code', 'response_time', 'error_message'] as const;
/** Columns a CSV may add to IMPORT_COLUMNS (the export writes them). */
export const OPTIONAL_IMPORT_COLUMNS = ['in_maintenance'] as const;

const KNOWN_COLUMNS: ReadonlySet<string> = new Set([...IMPORT_COLUMNS, ...OPTIONAL_IMPORT_COLUMNS]);

const rowError = (row: number, field: string, message: string) =>
  new DomainError('VALIDATION', `row ${row}, ${field}: ${message}`, { errors: [{ field: `row ${row}: ${field}`, message }] });

const tooManyRows = () =>
  new DomainError('PAYLOAD_TOO_LARGE', `more than ${MAX_IMPORT_ROWS} rows`, { errors: [{ field: 'results', message: `more than ${MAX_IMPORT_ROWS} rows` }] });

/** Reads, checks and converts the import body; nothing is written before all of it is valid. */
export function readImportBody(event: HttpEvent, now: Date): ImportRow[] {
  const text = bodyText(event);
  if (text.length > MAX_IMPORT_BODY_BYTES || Buffer.byteLength(text) > MAX_IMPORT_BODY_BYTES) throw bodyTooLarge(MAX_IMPORT_BODY_BYTES);
  const type = (event.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  const latest = now.getTime() + 5 * 60_000;
  if (type === 'text/csv') return csvRows(text, latest);
  if (type === 'application/json') return jsonRows(text, latest);
  throw new DomainError('VALIDATION', 'content-type: must be application/json or text/csv', { errors: [{ field: 'content-type', message: 'must be application/json or text/csv' }] });
}

/** A row importRowSchema refuses: the 400 with its first issue. */
function schemaRow(raw: unknown, row: number): ImportRow {
  const parsed = importRowSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.code === 'unrecognized_keys' ? String(issue.keys[0]) : issue.path.map(String).join('.') || 'row';
  throw rowError(row, field, issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message);
}

function notFuture(r: ImportRow, row: number, latest: number): ImportRow {
  if (r.checked_at.getTime() > latest) throw rowError(row, 'checked_at', 'must not be in the future');
  return r;
}

// --- The quick check (a subset of importRowSchema) ---------------------------------------------------

/** ISO 8601 date-times that z.iso.datetime({ offset: true }) accepts for sure (the calendar day checked below). */
const ISO_QUICK = /^([1-9]\d{3})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** The date-time as importRowSchema reads it (new Date), or null when the quick check is unsure. */
function quickDate(s: string): Date | null {
  const m = ISO_QUICK.exec(s);
  if (!m) return null;
  // 2026-02-31 matches the pattern; zod refuses it, Date would roll it over. Days up to 28 are in every month.
  const day = Number(m[3]);
  if (day > 28 && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, day)).getUTCDate() !== day) return null;
  return new Date(s);
}

const quickMessage = (v: unknown): v is string | null | undefined =>
  v === null || v === undefined || (typeof v === 'string' && v.length <= 4000 && !v.includes('\u0000'));
const quickStatus = (v: unknown): v is number | null | undefined => v === null || v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 999);
const quickTime = (v: unknown): v is number | null | undefined => v === null || v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 3_600_000);

/** A JSON row as importRowSchema would give it, or null when the quick check is unsure. */
function quickJsonRow(raw: unknown): ImportRow | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const o = raw as Record<string, unknown>;
  for (const k in o) if (!KNOWN_COLUMNS.has(k)) return null;
  const at = o['checked_at'];
  const up = o['is_available'];
  const sc = o['status_code'];
  const rt = o['response_time'];
  const em = o['error_message'];
  const im = o['in_maintenance'];
  if (typeof at !== 'string' || typeof up !== 'boolean' || !quickStatus(sc) || !quickTime(rt) || !quickMessage(em)) return null;
  if (im !== undefined && typeof im !== 'boolean') return null;
  const checked = quickDate(at);
  if (!checked) return null;
  return { checked_at: checked, is_available: up, status_code: sc ?? null, response_time: rt ?? null, error_message: em ?? null, in_maintenance: im ?? false };
}

function jsonRows(text: string, latest: number): ImportRow[] {
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
  const raw = shape.data.results;
  if (raw.length > MAX_IMPORT_ROWS) throw tooManyRows();
  const out = new Array<ImportRow>(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = notFuture(quickJsonRow(raw[i]) ?? schemaRow(raw[i], i + 1), i + 1, latest);
  return out;
}

// --- CSV ---------------------------------------------------------------------------------------------

const unterminated = () => new DomainError('VALIDATION', 'body: unterminated quoted CSV field', { errors: [{ field: 'body', message: 'unterminated quoted CSV field' }] });

/** One record from `start` read character by character (quoted fields): its cells and where the next begins. */
function quotedRecord(text: string, start: number): { cells: string[]; next: number } {
  const cells: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = start; i < text.length; i++) {
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
      cells.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      cells.push(field);
      return { cells, next: i + 1 };
    } else field += c;
  }
  if (quoted) throw unterminated();
  cells.push(field);
  return { cells, next: text.length };
}

/** RFC 4180: comma-separated, fields in double quotes may hold commas, quotes ("") and line breaks; blank lines are skipped. */
export function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const nl = text.indexOf('\n', i);
    const end = nl === -1 ? text.length : nl;
    const lineEnd = end > i && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const line = text.slice(i, lineEnd);
    let cells: string[];
    if (line.indexOf('"') === -1 && line.indexOf('\r') === -1) {
      cells = line.split(',');
      i = end + 1;
    } else {
      const r = quotedRecord(text, i);
      cells = r.cells;
      i = r.next;
    }
    if (!(cells.length === 1 && cells[0] === '')) out.push(cells);
  }
  return out;
}

const num = (s: string) => (s === '' ? null : /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s.trim()) ? Number(s) : s);
const BOOLS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };
const bool = (s: string) => BOOLS[s.trim().toLowerCase()] ?? s;

/** A CSV row as importRowSchema would give it, or null when the quick check is unsure. */
function quickCsvRow(cells: string[], col: number[]): ImportRow | null {
  const up = cells[col[1]!]!;
  const is_available = up === 'true' ? true : up === 'false' ? false : null;
  if (is_available === null) return null;
  const sc = cells[col[2]!]!;
  let status_code: number | null = null;
  if (sc !== '') {
    if (!/^\d{1,3}$/.test(sc)) return null;
    status_code = Number(sc);
  }
  const rt = cells[col[3]!]!;
  let response_time: number | null = null;
  if (rt !== '') {
    if (!/^\d{1,7}(\.\d{1,6})?$/.test(rt)) return null;
    response_time = Number(rt);
    if (response_time > 3_600_000) return null;
  }
  const em = cells[col[4]!]!;
  if (em.length > 4000 || em.includes('\u0000')) return null;
  let in_maintenance = false;
  if (col[5] !== undefined) {
    const im = cells[col[5]]!;
    if (im === 'true') in_maintenance = true;
    else if (im !== 'false' && im !== '') return null;
  }
  const checked_at = quickDate(cells[col[0]!]!);
  if (!checked_at) return null;
  return { checked_at, is_available, status_code, response_time, error_message: em === '' ? null : em, in_maintenance };
}

/** The cells as the object importRowSchema reads (numbers and booleans from their text). */
function csvObject(cells: string[], col: number[]): Record<string, unknown> {
  const o: Record<string, unknown> = {
    checked_at: cells[col[0]!],
    is_available: bool(cells[col[1]!]!),
    status_code: num(cells[col[2]!]!),
    response_time: num(cells[col[3]!]!),
    error_message: cells[col[4]!] === '' ? null : cells[col[4]!],
  };
  if (col[5] !== undefined) o['in_maintenance'] = cells[col[5]] === '' ? false : bool(cells[col[5]]!);
  return o;
}

function csvRows(text: string, latest: number): ImportRow[] {
  const lines = parseCsv(text);
  const header = lines.shift();
  const required = IMPORT_COLUMNS.join(',');
  if (!header || new Set(header).size !== header.length || !header.every((h) => KNOWN_COLUMNS.has(h)) || !IMPORT_COLUMNS.every((c) => header.includes(c))) {
    const message = `must be the columns ${required}, optionally with ${OPTIONAL_IMPORT_COLUMNS.join(',')}`;
    throw new DomainError('VALIDATION', `header: ${message}`, { errors: [{ field: 'header', message }] });
  }
  if (lines.length > MAX_IMPORT_ROWS) throw tooManyRows();
  // Where each column is: IMPORT_COLUMNS in order, then in_maintenance when present.
  const col = [...IMPORT_COLUMNS, ...OPTIONAL_IMPORT_COLUMNS].map((c) => header.indexOf(c)).filter((j, k) => j >= 0 || k < IMPORT_COLUMNS.length);
  const out = new Array<ImportRow>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const cells = lines[i]!;
    if (cells.length !== header.length) throw rowError(i + 1, 'row', `has ${cells.length} columns, the header ${header.length}`);
    out[i] = notFuture(quickCsvRow(cells, col) ?? schemaRow(csvObject(cells, col), i + 1), i + 1, latest);
  }
  return out;
}
