import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordResults, type HttpResultMessage } from '../../../layers/services/recorder.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';

// The 4-hour rollups (migration 019): the recorder writes them with the hourly ones, and the
// migration's backfill from the hourly rows gives the same rows, so an upgraded installation's
// charts read the same figures as a new one's.

let app: TestApp;
const H = 3_600_000;
// Two days ago, 02:00 UTC: the history crosses several 4-hour boundaries, not starting on one.
const T0 = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000 + 2 * H;

function message(projectId: number, at: number, up: boolean, rt: number): HttpResultMessage {
  const d = new Date(at);
  return {
    type: 'http_result', project_id: projectId, due_at: d, job_id: null, started_at: d, cycle: null,
    result: { is_available: up, status_code: up ? 200 : 503, response_time: rt, error_kind: up ? null : 'http_status', error_message: up ? null : 'HTTP 503', checked_at: d, details: {} },
    content_hash: null, keywords: null,
  };
}

type Row = Record<string, number | string | null>;
const rows4h = async (): Promise<Row[]> =>
  (await app.system.ctx.sql<Row[]>`
    SELECT project_id, bucket::text AS bucket, checks, up_checks, response_time_sum::float8 AS rs, response_time_n, response_time_min::float8 AS mi,
      response_time_max::float8 AS ma, round(covered_seconds::numeric, 3)::float8 AS cov, round(down_seconds::numeric, 3)::float8 AS dn
    FROM rollups_4h ORDER BY project_id, bucket`).map((r) => ({ ...r }));

beforeAll(async () => {
  app = await startTestApp();
  const owner = await app.user('user', 'Owner');
  for (const title of ['A', 'B']) {
    const r = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title, url: 'https://example.com', status_interval: 300 } });
    expect(r.status, r.text).toBe(201);
    // Every 5 minutes for 13 hours, down for 20 minutes at 07:00, response times varying.
    const history: HttpResultMessage[] = [];
    for (let t = T0, i = 0; t < T0 + 13 * H; t += 300_000, i++) {
      history.push(message(r.body.id, t, !(t >= T0 + 5 * H && t < T0 + 5 * H + 20 * 60_000), 90 + ((i * 37) % 200)));
    }
    await recordResults(app.system.ctx, history, { notify: false });
  }
});
afterAll(async () => app?.close());

describe('rollups_4h', () => {
  it('holds the hourly rows summed per 4-hour bucket, written by the recorder', async () => {
    const live = await rows4h();
    // 02:00-15:00 UTC: the buckets 00:00 (part), 04:00, 08:00 and 12:00 (part), for each project.
    expect(live).toHaveLength(8);
    const [check] = await app.system.ctx.sql<{ bad: number }[]>`
      SELECT count(*)::int AS bad FROM rollups_4h f JOIN (
        SELECT project_id, to_timestamp(floor(extract(epoch FROM bucket) / 14400) * 14400) AS bucket, sum(checks) AS checks,
          sum(covered_seconds) AS cov, sum(down_seconds) AS dn, sum(response_time_sum) AS rs
        FROM rollups_hourly GROUP BY 1, 2) h USING (project_id, bucket)
      WHERE f.checks <> h.checks OR abs(f.covered_seconds - h.cov) > 0.001 OR abs(f.down_seconds - h.dn) > 0.001 OR abs(f.response_time_sum - h.rs) > 0.001`;
    expect(check!.bad).toBe(0);
    expect(live.reduce((a, r) => a + Number(r['checks']), 0)).toBe(2 * 156);
    expect(live.reduce((a, r) => a + Number(r['dn']), 0)).toBeCloseTo(2 * 20 * 60, 3);
  });

  it("gives the same rows from the migration's backfill of the hourly rollups", async () => {
    const live = await rows4h();
    const migration = readFileSync(new URL('../../../layers/repositories/migrations/019_rollups_4h.sql', import.meta.url), 'utf8');
    const backfill = migration.slice(migration.indexOf('INSERT INTO rollups_4h'));
    await app.system.ctx.sql`DELETE FROM rollups_4h`;
    await app.system.ctx.sql.unsafe(backfill);
    expect(await rows4h()).toEqual(live);
  });
});
