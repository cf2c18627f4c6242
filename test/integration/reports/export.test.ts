import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../layers/endpoints/routes/index.ts';
import { createHttpHandler } from '../../../layers/endpoints/router.ts';
import { bufferStream } from '../../../layers/endpoints/http.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { expectErrorBody, expectInvalid } from '../api/helpers.ts';

let app: TestApp;
let admin: Awaited<ReturnType<TestApp['user']>>;
let viewer: Awaited<ReturnType<TestApp['user']>>;
let id: number;
const T0 = Date.UTC(2026, 9, 1);

/** A strict RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      if (c === '"' || c === '\n' || c === '\r') throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
      field += c;
      i++;
    }
  }
  if (field !== '' || row.length > 0) throw new Error('last record not terminated');
  return rows;
}

const tricky = ['plain', 'a, comma', 'say "hi"', 'line\nbreak', 'cr\r\nlf', ' leading space', 'trailing ', '한국어 오류', ''];

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.user('admin');
  viewer = await app.user('viewer');
  const r = await app.request('POST', '/api/v1/projects', { token: admin.token, body: { title: 'Export', url: 'http://127.0.0.1:9/' } });
  id = r.body.id;
  const sql = app.system.ctx.sql;
  // 12,345 results a minute apart over more than two batches, and three sharing one instant at microsecond precision.
  await sql`INSERT INTO check_results (project_id, checked_at, is_available, status_code, response_time)
    SELECT ${id}, ${new Date(T0)}::timestamptz + make_interval(mins => g), g % 10 <> 0, 200, g * 0.5 FROM generate_series(0, 12344) g`;
  await sql`INSERT INTO check_results (project_id, checked_at, is_available, status_code, response_time, error_message)
    SELECT ${id}, '2026-09-30T00:00:00.123456Z'::timestamptz, false, NULL, NULL, m FROM unnest(${tricky.slice(0, 3)}::text[]) m`;
  for (const [i, m] of tricky.slice(3).entries()) {
    await sql`INSERT INTO check_results (project_id, checked_at, is_available, status_code, response_time, error_message)
      VALUES (${id}, ${new Date(T0 - (i + 1) * 60_000)}, false, 503, 12.25, ${m === '' ? null : m})`;
  }
  await sql`INSERT INTO check_results (project_id, checked_at, kind, is_available) VALUES (${id}, ${new Date(T0 + 5)}, 'tcp', true)`;
});
afterAll(async () => app?.close());

describe('GET /projects/{id}/logs/export.csv', () => {
  it('streams every HTTP result once, in time order, with the import columns and RFC 4180 quoting', async () => {
    const r = await app.request('GET', `/api/v1/projects/${id}/logs/export.csv`, { token: viewer.token });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="project-${id}-results-start-${new Date().toISOString().slice(0, 10)}.csv"`);
    expect(r.headers.get('transfer-encoding')).toBe('chunked');
    const rows = parseCsv(r.text);
    expect(rows[0]).toEqual(['checked_at', 'is_available', 'status_code', 'response_time', 'error_message', 'in_maintenance']);
    const data = rows.slice(1);
    expect(data).toHaveLength(12_345 + tricky.length);
    expect(data.every((row) => row.length === 6)).toBe(true);
    const times = data.map((row) => Date.parse(row[0]!));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(new Set(data.map((row) => row.join('|'))).size).toBe(data.length - 0);
    // The three sharing one instant come first, then the others in time order.
    expect(data.slice(0, 3).map((row) => row[4]).sort()).toEqual(tricky.slice(0, 3).sort());
    expect(data[0]!.slice(0, 4)).toEqual(['2026-09-30T00:00:00.123Z', 'false', '', '']);
    expect(data.slice(3, 3 + 6).map((row) => row[4]).reverse()).toEqual(tricky.slice(3));
    expect(data[3]!.slice(1, 4)).toEqual(['false', '503', '12.25']);
    expect(data[9]).toEqual([new Date(T0).toISOString(), 'false', '200', '0', '', 'false']);
    expect(data[10]).toEqual([new Date(T0 + 60_000).toISOString(), 'true', '200', '0.5', '', 'false']);
    expect(r.text).toContain('"a, comma"');
    expect(r.text).toContain('"say ""hi"""');
    expect(r.text).toContain('" leading space"');
  });

  it('takes from (inclusive) and to (exclusive)', async () => {
    const from = new Date(T0 + 10 * 60_000).toISOString();
    const to = new Date(T0 + 20 * 60_000).toISOString();
    const r = await app.request('GET', `/api/v1/projects/${id}/logs/export.csv?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { token: viewer.token });
    expect(r.status).toBe(200);
    const data = parseCsv(r.text).slice(1);
    expect(data.map((row) => row[0])).toEqual(Array.from({ length: 10 }, (_, i) => new Date(T0 + (10 + i) * 60_000).toISOString()));
    expect(r.headers.get('content-disposition')).toContain('-2026-10-01-2026-10-01.csv');
    const empty = await app.request('GET', `/api/v1/projects/${id}/logs/export.csv?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z`, { token: viewer.token });
    expect(empty.text).toBe('checked_at,is_available,status_code,response_time,error_message,in_maintenance\r\n');
  });

  it('refuses bad ranges naming the field, an unknown project, and strangers to the API', async () => {
    expectInvalid(await app.request('GET', `/api/v1/projects/${id}/logs/export.csv?from=2026-10-02T00:00:00Z&to=2026-10-01T00:00:00Z`, { token: viewer.token }), 'from');
    expectInvalid(await app.request('GET', `/api/v1/projects/${id}/logs/export.csv?to=soon`, { token: viewer.token }), 'to');
    expectErrorBody(await app.request('GET', '/api/v1/projects/987654/logs/export.csv', { token: viewer.token }), 404);
    expectErrorBody(await app.request('GET', `/api/v1/projects/${id}/logs/export.csv`), 401);
  });

  it('through the Lambda handler (no streaming), the same body in one payload, or 413 past the limit', async () => {
    const handler = createHttpHandler(async () => app.system.ctx, apiRoutes());
    const event = {
      version: '2.0', routeKey: '$default', rawPath: `/api/v1/projects/${id}/logs/export.csv`, rawQueryString: '',
      headers: { authorization: `Bearer ${viewer.token}` },
      requestContext: { http: { method: 'GET', path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 't' }, requestId: 'r', routeKey: '$default', stage: '$default', time: '', timeEpoch: 0, accountId: 'a', apiId: 'a', domainName: 'd', domainPrefix: 'd' },
      isBase64Encoded: false,
    };
    const res = await handler(event as never, {} as Context);
    const streamed = await app.request('GET', `/api/v1/projects/${id}/logs/export.csv`, { token: viewer.token });
    expect(res.statusCode).toBe(200);
    expect(res.stream).toBeUndefined();
    expect(res.body).toBe(streamed.text);
    let produced = 0;
    async function* endless() {
      for (;;) {
        produced++;
        yield 'x'.repeat(1000);
      }
    }
    await expect(bufferStream({ statusCode: 200, headers: {}, stream: endless() }, 10_000)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(produced).toBe(11);
  });
});
