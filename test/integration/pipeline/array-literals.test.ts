import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonTextArray, plainArray } from '../../../layers/repositories/db.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';

// The array literals the recorder sends as one text parameter each: what the database reads back.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe('array literals', () => {
  it('jsonTextArray: every JSON text arrives as the same jsonb value, quotes, backslashes and escapes included', async () => {
    const values: unknown[] = [
      { a: 'say "hi"' },
      { path: 'C:\\temp\\new' },
      { s: 'line\nbreak\ttab\r' },
      { k: '한국어 오류' },
      { sep: 'a\u2028b' },
      { e: 'a,b{c}' },
      [1, null, 2.5, 'x'],
      'plain',
      null,
      { n: '\\"', ctl: '\u0001' },
      {},
    ];
    const texts = values.map((v) => JSON.stringify(v));
    const rows = await app.system.ctx.sql<{ v: unknown }[]>`SELECT v FROM unnest(${jsonTextArray(texts)}::jsonb[]) WITH ORDINALITY AS t(v, i) ORDER BY i`;
    expect(rows.map((r) => r.v)).toEqual(values);
    const [empty] = await app.system.ctx.sql<{ n: number }[]>`SELECT cardinality(${jsonTextArray([])}::jsonb[]) AS n`;
    expect(empty!.n).toBe(0);
  });

  it('plainArray: numbers, ISO times and NULL', async () => {
    // Read back as text: postgres.js reads a NULL element of int[] as NaN.
    const [row] = await app.system.ctx.sql<{ ids: string; times: string }[]>`
      SELECT (${plainArray([3, -1, 2_000_000_000, null])}::int[])::text AS ids,
        (SELECT array_agg(to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ORDER BY i)
          FROM unnest(${plainArray(['2026-11-27T05:00:00.123Z', '1999-12-31T23:59:59.999Z'])}::timestamptz[]) WITH ORDINALITY AS u(t, i))::text AS times`;
    expect(row!.ids).toBe('{3,-1,2000000000,NULL}');
    expect(row!.times).toBe('{2026-11-27T05:00:00.123Z,1999-12-31T23:59:59.999Z}');
  });
});
