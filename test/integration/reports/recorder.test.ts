import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, startTestApp, type TestApp } from '../../support/app.ts';
import { httpResultMessage } from '../../support/results.ts';
import { recordResults, type HttpResultMessage } from '../../../layers/services/recorder.ts';
import { figuresOfResults } from '../../../layers/services/uptime.ts';

// Issue 18 point 3: a batch decides and writes exactly what recording its results one by one would,
// and a redelivered batch writes nothing twice.

let app: TestApp;
let owner: { id: number; token: string };

const MIN = 60_000;
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 30 * 3_600_000;

beforeAll(async () => {
  app = await startTestApp();
  owner = await app.user('user', 'Owner');
});
afterAll(async () => app?.close());

async function newProject(title: string): Promise<number> {
  const id = await createProject(app, owner.token, title);
  const s = await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token, body: { alert_threshold: 2, check_interval: 60 } });
  expect(s.status, s.text).toBe(200);
  return id;
}

interface Item { at: number; up: boolean; rt: number }

/** A generated sequence: runs of successes and failures, gaps, and results that arrive out of order or twice. */
function generate(n: number, seed: number): Item[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const items: Item[] = [];
  let t = T0;
  let up = true;
  for (let i = 0; i < n; i++) {
    if (rand() < 0.15) up = !up;
    t += rand() < 0.05 ? 7 * MIN : MIN;
    items.push({ at: t, up, rt: Math.round(20 + rand() * 400) });
  }
  // Late arrivals: swap some neighbours; redeliveries: repeat some results later on.
  for (let i = 1; i < items.length; i++) if (rand() < 0.06) [items[i - 1], items[i]] = [items[i]!, items[i - 1]!];
  for (let i = 5; i < items.length; i += 37) items.splice(i, 0, items[i - 3]!);
  return items;
}

const message = (projectId: number, it: Item): HttpResultMessage => httpResultMessage(projectId, it.at, it.up, it.rt, `HTTP 503 at ${new Date(it.at).toISOString()}`);

async function snapshot(projectId: number) {
  const sql = app.system.ctx.sql;
  const [state] = await sql`
    SELECT consecutive_failures, is_down, down_since, last_checked_at, last_is_available, last_error, streak_first_error,
      outage_alerted, last_in_maintenance, (open_incident_id IS NOT NULL) AS has_open_incident
    FROM monitor_state WHERE project_id = ${projectId}`;
  return {
    state,
    results: (await sql`SELECT count(*)::int AS n FROM check_results WHERE project_id = ${projectId}`)[0]!['n'],
    incidents: await sql`SELECT started_at, ended_at, duration_seconds, first_error FROM incidents WHERE project_id = ${projectId} ORDER BY started_at`,
    alerts: await sql`SELECT type, severity, is_resolved, data->'data'->'started_at' AS started_at FROM alerts WHERE project_id = ${projectId} ORDER BY id`,
    hourly: (await sql`
      SELECT bucket, checks, up_checks, response_time_sum, response_time_n, response_time_min, response_time_max,
        round(covered_seconds::numeric, 3) AS cov, round(down_seconds::numeric, 3) AS down, round(maintenance_seconds::numeric, 3) AS mt,
        round(no_data_seconds::numeric, 3) AS nd
      FROM rollups_hourly WHERE project_id = ${projectId} ORDER BY bucket`),
    hourlySketches: await sql`SELECT bucket, sketch FROM rollups_hourly_sketch WHERE project_id = ${projectId} ORDER BY bucket`,
    dailySketches: await sql`SELECT day, sketch FROM rollups_daily_sketch WHERE project_id = ${projectId} ORDER BY day`,
    daily: await sql`
      SELECT day, checks, up_checks, response_time_sum, downtime_seconds, round(covered_seconds::numeric, 3) AS cov,
        round(down_seconds::numeric, 3) AS down, round(no_data_seconds::numeric, 3) AS nd
      FROM rollups_daily WHERE project_id = ${projectId} ORDER BY day`,
  };
}

describe('recording results in batches', () => {
  it('gives exactly the incidents, alerts, state and rollups of one-by-one recording', async () => {
    const single = await newProject('One by one');
    const batched = await newProject('Batched');
    const items = generate(400, 7);
    for (const it of items) await recordResults(app.system.ctx, [message(single, it)], { notify: true });
    let s = 99;
    for (let i = 0; i < items.length; ) {
      const size = 1 + ((s = (s * 69069 + 1) % 2 ** 31) % 40);
      await recordResults(app.system.ctx, items.slice(i, i + size).map((it) => message(batched, it)), { notify: true });
      i += size;
    }
    await app.system.ctx.queue.drain();
    const a = await snapshot(single);
    const b = await snapshot(batched);
    expect(a.incidents.length).toBeGreaterThan(3);
    expect(a.alerts.length).toBeGreaterThan(3);
    expect(a.results).toBe(new Set(items.map((i) => i.at)).size);
    expect(b).toEqual(a);
  }, 180_000);

  it('keeps the rollups equal to the definition over the results in time order, late arrivals included', async () => {
    const id = await newProject('Truth');
    const items = generate(300, 11);
    for (let i = 0; i < items.length; i += 25) await recordResults(app.system.ctx, items.slice(i, i + 25).map((it) => message(id, it)), { notify: false });
    const unique = [...new Map(items.map((i) => [i.at, i])).values()].sort((x, y) => x.at - y.at);
    const last = unique[unique.length - 1]!.at;
    // Closed spans only: the rollups hold time up to the last result.
    const truth = figuresOfResults(unique.map((i) => ({ at: new Date(i.at), up: i.up, maintenance: false })), 60, T0, last, new Date(last));
    const [sum] = await app.system.ctx.sql<{ cov: number; down: number }[]>`
      SELECT sum(covered_seconds)::float8 AS cov, sum(down_seconds)::float8 AS down FROM rollups_hourly WHERE project_id = ${id}`;
    expect(sum!.cov).toBeCloseTo(truth.covered_seconds, 3);
    expect(sum!.down).toBeCloseTo(truth.down_seconds, 3);
    const [nd] = await app.system.ctx.sql<{ nd: number }[]>`SELECT sum(no_data_seconds)::float8 AS nd FROM rollups_hourly WHERE project_id = ${id}`;
    expect(nd!.nd).toBeCloseTo((last - unique[0]!.at) / 1000 - truth.covered_seconds, 3);
  });

  it('writes no row, rollup count or alert twice when a batch is delivered again', async () => {
    const id = await newProject('Redelivery');
    const batch = generate(120, 3).map((it) => message(id, it));
    await recordResults(app.system.ctx, batch, { notify: true });
    await app.system.ctx.queue.drain();
    const before = await snapshot(id);
    const again = await recordResults(app.system.ctx, batch, { notify: true });
    await app.system.ctx.queue.drain();
    expect(again.recorded).toBe(0);
    expect(again.ignored).toBe(batch.length);
    expect(await snapshot(id)).toEqual(before);
  });

  it('looks up only results due at or before the last recorded due time, and records a late one', async () => {
    const id = await newProject('Due mark');
    const sql = app.system.ctx.sql;
    const at = (i: number) => T0 + i * MIN;
    const mark = async () => (await sql<{ d: Date | null }[]>`SELECT last_due_at AS d FROM monitor_state WHERE project_id = ${id}`)[0]!.d;
    const count = async () => (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM check_results WHERE project_id = ${id}`)[0]!.n;
    expect(await mark()).toBeNull();
    await recordResults(app.system.ctx, [1, 2, 3, 4, 5].map((i) => httpResultMessage(id, at(i), true, 100)), { notify: false });
    await recordResults(app.system.ctx, [httpResultMessage(id, at(7), true, 100)], { notify: false });
    expect((await mark())!.getTime()).toBe(at(7));
    // Redelivered 3 and 7 with a late 6: only 6 is new.
    const out = await recordResults(app.system.ctx, [3, 7, 6].map((i) => httpResultMessage(id, at(i), true, 100)), { notify: false });
    expect(out).toMatchObject({ recorded: 1, ignored: 2 });
    expect(await count()).toBe(7);
    expect((await mark())!.getTime()).toBe(at(7));
    // Without a mark (results recorded before the project had one), the lookup still finds repeats.
    await sql`UPDATE monitor_state SET last_due_at = NULL WHERE project_id = ${id}`;
    const again = await recordResults(app.system.ctx, [5, 6, 7, 8].map((i) => httpResultMessage(id, at(i), true, 100)), { notify: false });
    expect(again).toMatchObject({ recorded: 1, ignored: 3 });
    expect(await count()).toBe(8);
    expect((await mark())!.getTime()).toBe(at(8));
  });

  it('records a big batch exactly as small batches', async () => {
    const big = await newProject('Big batch');
    const small = await newProject('Small batches');
    const items = [...new Map(generate(2500, 5).map((i) => [i.at, i])).values()].sort((x, y) => x.at - y.at);
    expect(items.length).toBeGreaterThan(2000);
    const out = await recordResults(app.system.ctx, items.map((it) => message(big, it)), { notify: false });
    expect(out.recorded).toBe(items.length);
    for (let i = 0; i < items.length; i += 100) await recordResults(app.system.ctx, items.slice(i, i + 100).map((it) => message(small, it)), { notify: false });
    const a = await snapshot(small);
    expect(a.incidents.length).toBeGreaterThan(3);
    expect(await snapshot(big)).toEqual(a);
    const [row] = await app.system.ctx.sql`SELECT error_message, details FROM check_results WHERE project_id = ${big} AND NOT is_available ORDER BY checked_at LIMIT 1`;
    expect(row!['error_message']).toMatch(/^HTTP 503 at /);
    expect(row!['details']).toEqual({});
  }, 180_000);

  it('merges response-time sketches by adding the counts of each key (pym_sketch_merge)', async () => {
    let s = 11;
    const rand = (n: number) => (s = (s * 1103515245 + 12345) % 2 ** 31) % n;
    const sketch = (keys: number) => Object.fromEntries(Array.from({ length: keys }, () => [String(rand(40) - 5), 1 + rand(900)]));
    const pairs: [Record<string, number> | null, Record<string, number> | null][] = [[null, null], [null, { '3': 1 }], [{ '3': 2 }, null], [{}, {}]];
    for (let i = 0; i < 60; i++) pairs.push([sketch(rand(30)), sketch(rand(4))], [sketch(rand(3)), sketch(rand(30))]);
    const sum = (a: Record<string, number> | null, b: Record<string, number> | null) => {
      const out: Record<string, number> = { ...a };
      for (const [k, n] of Object.entries(b ?? {})) out[k] = (out[k] ?? 0) + n;
      return out;
    };
    const sql = app.system.ctx.sql;
    for (const [a, b] of pairs) {
      const [row] = await sql<{ m: Record<string, number> }[]>`SELECT pym_sketch_merge(${a === null ? null : JSON.stringify(a)}::text::jsonb, ${b === null ? null : JSON.stringify(b)}::text::jsonb) AS m`;
      expect(row!.m).toEqual(sum(a, b));
    }
  });
});
