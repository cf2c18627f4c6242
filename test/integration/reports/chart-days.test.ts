import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as rep from '../../../layers/repositories/reports.ts';
import { markChartDaysChanged } from '../../../layers/repositories/results.ts';
import { packRecentDays } from '../../../layers/services/read-model.ts';
import { recordResults, type HttpResultMessage } from '../../../layers/services/recorder.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';

// The long charts' packed closed days (migration 023): a chart read packs each closed UTC day once,
// the API keeps their sums while nothing changes, a late write marks its day changed in its own
// transaction, and a day packed before such a write can never be stored over it.

let app: TestApp;
let token: string;
let id: number;
const H = 3_600_000;
const DAY = 86_400_000;
// 08:00 UTC four days ago: a closed day well inside the 30-day chart's middle.
const DAY0 = Math.floor(Date.now() / DAY) * DAY - 4 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

function message(projectId: number, at: number, up: boolean): HttpResultMessage {
  const d = new Date(at);
  return {
    type: 'http_result', project_id: projectId, due_at: d, job_id: null, started_at: d, cycle: null,
    result: { is_available: up, status_code: up ? 200 : 503, response_time: 100, error_kind: up ? null : 'http_status', error_message: up ? null : 'HTTP 503', checked_at: d, details: {} },
    content_hash: null, keywords: null,
  };
}

/** The chart's availability of project `id` in the 4-hour bucket starting at `at`. */
async function availabilityAt(at: number): Promise<number | null> {
  const r = await app.request('GET', '/api/v1/charts/dashboard?period=30d', { token });
  expect(r.status, r.text).toBe(200);
  const k = r.body.buckets.indexOf(iso(at));
  expect(k).toBeGreaterThan(0);
  return r.body.projects.find((p: { project_id: number }) => p.project_id === id).availability[k];
}

const row = async () =>
  (await app.system.ctx.sql<{ version: number; built: boolean }[]>`
    SELECT version, data IS NOT NULL AS built FROM chart_days WHERE project_id = ${id} AND level = 4 AND day = ${iso(DAY0).slice(0, 10)}::date`)[0];

beforeAll(async () => {
  app = await startTestApp();
  const owner = await app.user('user', 'Owner');
  token = owner.token;
  const r = await app.request('POST', '/api/v1/projects', { token, body: { title: 'Packed', url: 'https://example.com', status_interval: 300 } });
  expect(r.status, r.text).toBe(201);
  id = r.body.id;
  // Every 5 minutes from 08:00 to 12:05, all up: the bucket 08:00-12:00 is fully covered.
  const history: HttpResultMessage[] = [];
  for (let t = DAY0 + 8 * H; t <= DAY0 + 12 * H + 300_000; t += 300_000) history.push(message(id, t, true));
  await recordResults(app.system.ctx, history, { notify: false });
});
afterAll(async () => app?.close());

describe('chart_days', () => {
  it('packs closed days on the first chart read, and keeps them', async () => {
    // The history was recorded into a closed day: the recorder marked it (version 1, nothing packed).
    expect(await row()).toEqual({ version: 1, built: false });
    expect(await availabilityAt(DAY0 + 8 * H)).toBe(100);
    expect(await row()).toEqual({ version: 1, built: true });
    const [days] = await app.system.ctx.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM chart_days WHERE project_id = ${id} AND level = 4 AND data IS NOT NULL`;
    // Every closed day of the chart's middle, with or without history (zeros).
    expect(days!.n).toBeGreaterThanOrEqual(28);
    expect(await availabilityAt(DAY0 + 8 * H)).toBe(100);
  });

  it('marks a day changed when a late result reaches it, and the next read shows the result', async () => {
    // 09:00-09:05 failed, recorded late: its span and the one before it now split differently.
    await recordResults(app.system.ctx, [message(id, DAY0 + 9 * H + 60_000, false)], { notify: false });
    expect(await row()).toEqual({ version: 2, built: false });
    const [changes] = await app.system.ctx.sql<{ changes: number }[]>`SELECT changes::int AS changes FROM chart_changes WHERE project_id = ${id}`;
    expect(changes!.changes).toBe(2);
    // Down from 09:01 to 09:05 (the next result, up): 240 s of the bucket's 14,400.
    expect(await availabilityAt(DAY0 + 8 * H)).toBeCloseTo(100 * (1 - 240 / 14_400), 4);
    expect(await row()).toEqual({ version: 2, built: true });
  });

  it('never stores a day packed before a write that marked it', async () => {
    await recordResults(app.system.ctx, [message(id, DAY0 + 10 * H + 60_000, false)], { notify: false });
    expect(await row()).toEqual({ version: 3, built: false });
    const sql = app.system.ctx.sql;
    const day = [{ project_id: id, day: DAY0 }];
    if (process.env['TEST_DATABASE_URL']) {
      // A write marks the day changed and holds its transaction open ...
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let marked!: () => void;
      const didMark = new Promise<void>((r) => (marked = r));
      const writer = sql.begin(async (tx) => {
        await markChartDaysChanged(tx, day);
        marked();
        await held;
      });
      await didMark;
      // ... a build packs the day as its snapshot has it (version 3) and waits for the writer's row ...
      const build = rep.buildChartDays(sql, [id], 4, DAY0, DAY0 + DAY);
      let waiting = false;
      for (let i = 0; i < 200 && !waiting; i++) {
        const [w] = await sql<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
        waiting = w!.n > 0;
        if (!waiting) await new Promise((r) => setTimeout(r, 25));
      }
      expect(waiting).toBe(true);
      release();
      await writer;
      // ... and once the write commits, stores nothing over it.
      expect(await build).toBe(0);
    } else {
      // One connection (PGlite): no build can run while a write is open; the write alone.
      await markChartDaysChanged(sql, day);
    }
    expect(await row()).toEqual({ version: 4, built: false });
    // The next read packs it anew, with both late failures (4 minutes each).
    expect(await availabilityAt(DAY0 + 8 * H)).toBeCloseTo(100 * (1 - 2 * 240 / 14_400), 4);
    expect(await row()).toEqual({ version: 4, built: true });
    // A build with nothing written meanwhile stores the day.
    await sql`UPDATE chart_days SET data = NULL WHERE project_id = ${id} AND level = 4 AND day = ${iso(DAY0).slice(0, 10)}::date`;
    expect(await rep.buildChartDays(sql, [id], 4, DAY0, DAY0 + DAY)).toBe(1);
    expect(await row()).toEqual({ version: 4, built: true });
  });

  it('gives the same figures packed as the 4-hour rollups give', async () => {
    const [r4] = await app.system.ctx.sql<{ cov: number; dn: number; n: number; c: number }[]>`
      SELECT covered_seconds::float8 AS cov, down_seconds::float8 AS dn, response_time_n AS n, checks AS c
      FROM rollups_4h WHERE project_id = ${id} AND bucket = ${new Date(DAY0 + 8 * H)}`;
    const [packed] = await rep.readChartDays(app.system.ctx.sql, [id], 4, DAY0, DAY0 + DAY);
    expect(packed!.built).toBe(1);
    const v = new DataView(packed!.data!.buffer, packed!.data!.byteOffset, packed!.data!.length);
    // The third slot of the day (08:00): covered, down, response-time sum, count, checks.
    const o = 2 * rep.CHART_SLOT_VALUES * 8;
    expect([v.getFloat64(o), v.getFloat64(o + 8), v.getFloat64(o + 24), v.getFloat64(o + 32)]).toEqual([r4!.cov, r4!.dn, r4!.n, r4!.c]);
    expect(r4!.dn).toBeCloseTo(2 * 240, 3);
  });

  it('packs the closed days an import changed once it commits, and the hourly job packs what is missing', async () => {
    const r = await app.request('POST', '/api/v1/projects', { token, body: { title: 'Imported', url: 'https://example.org', status_interval: 300 } });
    expect(r.status, r.text).toBe(201);
    const imported: number = r.body.id;
    const results = Array.from({ length: 24 }, (_, k) => ({
      checked_at: iso(DAY0 - DAY + 12 * H + k * 300_000), is_available: k !== 5, status_code: k === 5 ? 500 : 200, response_time: 90, error_message: null,
    }));
    const done = await app.request('POST', `/api/v1/projects/${imported}/results/import`, { token, body: { results } });
    expect(done.status, done.text).toBe(200);
    const state = async (projectId: number) =>
      (await app.system.ctx.sql<{ version: number; built: boolean }[]>`
        SELECT version, data IS NOT NULL AS built FROM chart_days WHERE project_id = ${projectId} AND level = 4 AND day = ${iso(DAY0 - DAY).slice(0, 10)}::date`)[0];
    // Marked in the import's transaction (version 1), packed after it committed.
    expect(await state(imported)).toEqual({ version: 1, built: true });
    const [packed] = await rep.readChartDays(app.system.ctx.sql, [imported], 4, DAY0 - DAY, DAY0);
    const v = new DataView(packed!.data!.buffer, packed!.data!.byteOffset, packed!.data!.length);
    // The 12:00 slot: 24 checks, one failed for its 300 s.
    const o = 3 * rep.CHART_SLOT_VALUES * 8;
    expect([v.getFloat64(o + 8), v.getFloat64(o + 32)]).toEqual([300, 24]);

    await app.system.ctx.sql`DELETE FROM chart_days`;
    const count = await packRecentDays(app.system.ctx);
    // Both projects (and the first test's), every closed day of the last 31.
    expect(count).toBeGreaterThanOrEqual(2 * 30);
    expect(await state(imported)).toEqual({ version: 0, built: true });
    expect(await packRecentDays(app.system.ctx)).toBe(0);
  });

  it('packs hourly days for the 7-day chart, with the same figures as the hourly rollups', async () => {
    const r = await app.request('GET', '/api/v1/charts/dashboard?period=7d', { token });
    expect(r.status, r.text).toBe(200);
    expect(r.body.bucket_seconds).toBe(3600);
    const mine = r.body.projects.find((p: { project_id: number }) => p.project_id === id);
    // 09:01-09:05 down (recorded late above): 240 s of the hour.
    expect(mine.availability[r.body.buckets.indexOf(iso(DAY0 + 9 * H))]).toBeCloseTo(100 * (1 - 240 / 3600), 4);
    expect(mine.availability[r.body.buckets.indexOf(iso(DAY0 + 8 * H))]).toBe(100);
    const [row1] = await app.system.ctx.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM chart_days WHERE project_id = ${id} AND level = 1 AND day = ${iso(DAY0).slice(0, 10)}::date AND data IS NOT NULL`;
    expect(row1!.n).toBe(1);
    const [packed] = await rep.readChartDays(app.system.ctx.sql, [id], 1, DAY0, DAY0 + DAY);
    expect(packed!.data!.length).toBe(rep.chartDayBytes(1));
    const v = new DataView(packed!.data!.buffer, packed!.data!.byteOffset, packed!.data!.length);
    const [h9] = await app.system.ctx.sql<{ dn: number; c: number }[]>`
      SELECT down_seconds::float8 AS dn, checks AS c FROM rollups_hourly WHERE project_id = ${id} AND bucket = ${new Date(DAY0 + 9 * H)}`;
    const o = 9 * rep.CHART_SLOT_VALUES * 8;
    expect([v.getFloat64(o + 8), v.getFloat64(o + 32)]).toEqual([h9!.dn, h9!.c]);
  });
});
