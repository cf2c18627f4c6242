import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { takesCopyIn } from '../../../layers/repositories/db.ts';
import { COPY_FROM_ROWS, copyHttpResults, insertHttpResults, type ResultRowInput } from '../../../layers/repositories/results.ts';

// A large insert that needs no ids (the history import) goes by binary COPY where the database takes
// it: the rows it writes must be exactly those the unnest insert writes, every column and every edge
// of the values (NULLs, text that needs quoting or is not ASCII, times before PostgreSQL's epoch and
// with milliseconds, JSON details that change from row to row).

let app: TestApp;
const projects: number[] = [];

beforeAll(async () => {
  app = await startTestApp();
  const owner = await app.user('user', 'Owner');
  for (const title of ['By COPY', 'By unnest']) {
    const r = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title, url: 'https://example.com' } });
    expect(r.status, r.text).toBe(201);
    projects.push(r.body.id as number);
  }
});

afterAll(async () => {
  await app?.close();
});

const MESSAGES = [null, 'HTTP 503', 'quote " comma , backslash \\ brace { } tab \t', 'line\nbreak', '한국어 오류 메시지 ✓ 🚀', '', 'NULL'];

function rows(projectId: number): ResultRowInput[] {
  const shared = { imported: true };
  const out: ResultRowInput[] = [];
  // Across PostgreSQL's epoch (2000-01-01): negative microseconds first, then positive ones.
  const start = Date.UTC(1999, 11, 31, 23, 0, 0, 7);
  for (let i = 0; i < COPY_FROM_ROWS + 250; i++) {
    const at = start + i * 61_003;
    const up = i % 9 !== 4;
    out.push({
      project_id: projectId,
      checked_at: new Date(at),
      is_available: up,
      status_code: i % 13 === 0 ? null : up ? 200 + (i % 5) : 503,
      response_time: i % 11 === 0 ? null : (i * 7.123) % 5000,
      error_kind: up ? null : i % 2 ? 'http_status' : 'timeout',
      error_message: up ? null : MESSAGES[i % MESSAGES.length]!,
      // The same object on most rows, a different one now and then, and no details at all.
      details: i % 17 === 0 ? { n: i, text: MESSAGES[i % MESSAGES.length] } : i % 19 === 0 ? null : shared,
      due_at: i % 3 === 0 ? null : new Date(at - 250),
      started_at: i % 5 === 0 ? null : new Date(at - 120),
      in_maintenance: i % 23 === 0,
    });
  }
  return out;
}

async function stored(projectId: number) {
  return app.system.ctx.sql`
    SELECT checked_at, kind, is_available, status_code, response_time, error_kind, error_message, details, due_at, started_at, in_maintenance
    FROM check_results WHERE project_id = ${projectId} ORDER BY checked_at`;
}

describe('results written by COPY', () => {
  it('are the rows the unnest insert writes, column for column', async () => {
    const ctx = app.system.ctx;
    const [byCopy, byUnnest] = projects as [number, number];
    if (takesCopyIn(ctx.sql)) {
      await ctx.sql.begin((tx) => copyHttpResults(tx, rows(byCopy)));
    } else {
      // The embedded PGlite closes the connection on COPY FROM STDIN: a large insert asked to copy
      // goes by unnest there, and only the machine's PostgreSQL (CI) compares the two ways.
      expect(process.env['TEST_DATABASE_URL']).toBeUndefined();
      expect(await insertHttpResults(ctx.sql, rows(byCopy), { ids: false, copy: takesCopyIn(ctx.sql) })).toEqual([]);
    }
    await insertHttpResults(ctx.sql, rows(byUnnest), { ids: false });
    const a = await stored(byCopy);
    const b = await stored(byUnnest);
    expect(a.length).toBe(COPY_FROM_ROWS + 250);
    expect([...a]).toEqual([...b]);
    // Spot checks against the input, so the two ways cannot agree on something wrong.
    const input = rows(byCopy);
    for (const i of [0, 4, 13, 17, 19, 23, 40, 1000]) {
      const r = input[i]!;
      expect(a[i]!['checked_at'].getTime(), `row ${i}`).toBe(r.checked_at.getTime());
      expect(a[i]!['error_message'], `row ${i}`).toBe(r.error_message);
      expect(a[i]!['status_code'], `row ${i}`).toBe(r.status_code);
      expect(a[i]!['response_time'], `row ${i}`).toBe(r.response_time);
      expect(a[i]!['details'], `row ${i}`).toEqual(r.details);
      expect(a[i]!['due_at']?.getTime() ?? null, `row ${i}`).toBe(r.due_at?.getTime() ?? null);
      expect(a[i]!['started_at']?.getTime() ?? null, `row ${i}`).toBe(r.started_at?.getTime() ?? null);
      expect(a[i]!['in_maintenance'], `row ${i}`).toBe(r.in_maintenance);
      expect(a[i]!['kind']).toBe('http');
    }
    expect(a[0]!['checked_at'].toISOString()).toBe('1999-12-31T23:00:00.007Z');
  });
});
