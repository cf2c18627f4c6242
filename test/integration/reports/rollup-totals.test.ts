import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, startTestApp, type TestApp } from '../../support/app.ts';
import { httpResultMessage } from '../../support/results.ts';
import { recordResults, type HttpResultMessage } from '../../../layers/services/recorder.ts';
import { openSpans, openSpanTotals, overallTotals, timeTotals } from '../../../layers/repositories/reports.ts';
import { openSpanPieces, piecesIn } from '../../../layers/services/uptime.ts';
import { upsertRollups, type RollupDelta } from '../../../layers/repositories/results.ts';

// The hourly totals over all projects (migration 024) behind the dashboard's stats: for every hour they
// hold what the projects' own hourly rollups hold, whatever wrote them (live batches, results recorded
// late, imported history), and the stats read from them give what summing every active project's own
// rollups gives, over any period.

let app: TestApp;
let owner: { id: number; token: string };

const H = 3_600_000;
const STEP = 300_000;
const NOW = Date.now();
// The hour holding the start of the last 24 hours.
const B0 = Math.floor((NOW - 24 * H) / H) * H;

const message = httpResultMessage;

/** Results every 300 s over [from, to), failing where `down(i)`. */
function history(projectId: number, from: number, to: number, down: (i: number) => boolean): HttpResultMessage[] {
  const out: HttpResultMessage[] = [];
  for (let t = from, i = 0; t < to; t += STEP, i++) out.push(message(projectId, t, !down(i), 80 + ((i * 37) % 90)));
  return out;
}

const newProject = (title: string) => createProject(app, owner.token, title);

const ids: Record<string, number> = {};
let stoppedAt: number;

beforeAll(async () => {
  app = await startTestApp();
  owner = await app.user('user', 'Owner');
  const admin = await app.user('admin', 'Admin');
  const ctx = app.system.ctx;
  // Live: checked until a minute ago, an outage now and then.
  ids['live'] = await newProject('Live');
  await recordResults(ctx, history(ids['live'], NOW - 30 * H, NOW - 60_000, (i) => i % 23 === 5 || i % 23 === 6), { notify: false });
  // A result recorded late, between two recorded ones: it takes time from the span before it.
  await recordResults(ctx, [message(ids['live'], NOW - 10 * H - 150_000, false, 0)], { notify: false });
  // Stopped 40 minutes into the first hour of the last 24: its last result lies inside that hour.
  ids['stopped'] = await newProject('Stopped');
  const stopped = history(ids['stopped'], NOW - 30 * H, B0 + 40 * 60_000, (i) => i % 7 === 0);
  stoppedAt = stopped.at(-1)!.result.checked_at.getTime();
  await recordResults(ctx, stopped, { notify: false });
  // Deleted today, after a day of checks.
  ids['deleted'] = await newProject('Deleted');
  await recordResults(ctx, history(ids['deleted'], NOW - 26 * H, NOW - 2 * H, (i) => i % 3 === 0), { notify: false });
  // Deleted long ago: nothing in the last 24 hours.
  ids['old'] = await newProject('Old');
  await recordResults(ctx, history(ids['old'], NOW - 80 * H, NOW - 50 * H, (i) => i % 5 === 0), { notify: false });
  for (const name of ['deleted', 'old']) {
    const r = await app.request('DELETE', `/api/v1/projects/${ids[name]}`, { token: admin.token });
    expect(r.status, r.text).toBe(204);
  }
  // History imported before the live results: merged into the recorded spans (rollup deltas of both signs).
  const older = Array.from({ length: 24 }, (_, k) => ({
    checked_at: new Date(NOW - 40 * H + k * STEP).toISOString(), is_available: k % 4 !== 0, status_code: k % 4 !== 0 ? 200 : 500, response_time: 150, error_message: null,
  }));
  const imported = await app.request('POST', `/api/v1/projects/${ids['live']}/results/import`, { token: owner.token, body: { results: older } });
  expect(imported.status, imported.text).toBe(200);
  expect(imported.body.imported).toBe(24);
});
afterAll(async () => app?.close());

const figures = ['covered_seconds', 'down_seconds', 'rt_sum', 'rt_n'] as const;

describe('hourly totals over all projects', () => {
  it('hold, for every hour, the sum of every project’s hourly rollups', async () => {
    const sql = app.system.ctx.sql;
    const totals = await sql<{ bucket: Date; checks: number; up: number; rs: number; rn: number; cov: number; dn: number; mt: number; nd: number }[]>`
      SELECT bucket, sum(checks)::float8 AS checks, sum(up_checks)::float8 AS up, sum(response_time_sum)::float8 AS rs, sum(response_time_n)::float8 AS rn,
        sum(covered_seconds)::float8 AS cov, sum(down_seconds)::float8 AS dn, sum(maintenance_seconds)::float8 AS mt, sum(no_data_seconds)::float8 AS nd
      FROM rollups_total_hourly GROUP BY bucket ORDER BY bucket`;
    const rollups = await sql<typeof totals>`
      SELECT bucket, sum(checks)::float8 AS checks, sum(up_checks)::float8 AS up, sum(response_time_sum)::float8 AS rs, sum(response_time_n)::float8 AS rn,
        sum(covered_seconds)::float8 AS cov, sum(down_seconds)::float8 AS dn, sum(maintenance_seconds)::float8 AS mt, sum(no_data_seconds)::float8 AS nd
      FROM rollups_hourly GROUP BY bucket ORDER BY bucket`;
    // 80 hours of history, and the late result and the import did reach the rollups.
    expect(rollups.length).toBeGreaterThan(60);
    expect(totals.map((t) => t.bucket.getTime())).toEqual(rollups.map((r) => r.bucket.getTime()));
    for (let i = 0; i < rollups.length; i++) {
      for (const k of ['checks', 'up', 'rs', 'rn', 'cov', 'dn', 'mt', 'nd'] as const) expect(totals[i]![k], `${k} at ${rollups[i]!.bucket.toISOString()}`).toBeCloseTo(rollups[i]![k], 6);
    }
  });

  it('give the stats of every active project as their own rollups do, over any period', async () => {
    const sql = app.system.ctx.sql;
    const active = [ids['live']!, ids['stopped']!];
    // What the projects' own rollups give: their time as each project's figures count it (timeTotals,
    // edge hours prorated), their response times over whole hours from the hour of `from`.
    const ownRollups = async (projects: number[], from: number, to: number) => {
      const time = await timeTotals(sql, projects, new Date(from), new Date(to));
      const [rt] = await sql<{ rt_sum: number; rt_n: number }[]>`
        SELECT coalesce(sum(response_time_sum), 0)::float8 AS rt_sum, coalesce(sum(response_time_n), 0)::float8 AS rt_n FROM rollups_hourly
        WHERE project_id = ANY(${projects.map(String)}::text[]::int[]) AND bucket >= ${new Date(Math.floor(from / H) * H)} AND bucket < ${new Date(to)}`;
      return {
        covered_seconds: time.reduce((a, t) => a + t.covered_seconds, 0),
        down_seconds: time.reduce((a, t) => a + t.down_seconds, 0),
        rt_sum: rt!.rt_sum,
        rt_n: rt!.rt_n,
      };
    };
    const periods: [string, number, number][] = [
      ['the last 24 hours', NOW - 24 * H, NOW],
      ['both ends inside an hour, the end before the last result', NOW - 20.5 * H + 7 * 60_000, NOW - 2 * H - 13 * 60_000],
      ['inside the hour of a project’s last result', B0 + 10 * 60_000, B0 + 50 * 60_000],
      ['whole hours', B0, B0 + 5 * H],
    ];
    for (const [name, from, to] of periods) {
      const fast = await overallTotals(sql, new Date(from), new Date(to));
      const own = await ownRollups(active, from, to);
      for (const k of figures) expect(fast[k], `${name}: ${k}`).toBeCloseTo(own[k], 6);
      expect(fast.covered_seconds, name).toBeGreaterThan(0);
    }
    // Not the same as counting the deleted project, nor as prorating the stopped one like the others.
    const withDeleted = await ownRollups([...active, ids['deleted']!], NOW - 24 * H, NOW);
    const fast = await overallTotals(sql, new Date(NOW - 24 * H), new Date(NOW));
    expect(withDeleted.down_seconds - fast.down_seconds).toBeGreaterThan(1000);
    const stoppedOnly = await ownRollups([ids['stopped']!], B0 + 10 * 60_000, B0 + 50 * 60_000);
    expect(stoppedOnly.covered_seconds).toBeCloseTo((stoppedAt - (B0 + 10 * 60_000)) / 1000, 3);
  });

  it('let writers that are open at once write into stripes of their own, neither waiting for the other', async () => {
    const sql = app.system.ctx.sql;
    const bucket = new Date(Math.floor(NOW / H) * H + 5 * H);
    // Two projects: the writers share no project's own row, only the hour's totals.
    const delta = (seconds: number, project = seconds === 60 ? ids['live']! : ids['stopped']!): RollupDelta => ({
      project_id: project, bucket, checks: 1, up_checks: 1, rt_sum: 100, rt_n: 1, rt_min: 100, rt_max: 100,
      covered_seconds: seconds, down_seconds: 0, maintenance_seconds: 0, no_data_seconds: 0, downtime_seconds: 0, sketch: {},
    });
    if (!process.env['TEST_DATABASE_URL']) {
      // The embedded database has one connection: one writer at a time, in the first stripe.
      await sql.begin((tx) => upsertRollups(tx, [delta(60)], []));
      const rows = await sql<{ stripe: number; cov: number }[]>`SELECT stripe, covered_seconds AS cov FROM rollups_total_hourly WHERE bucket = ${bucket}`;
      return expect(rows).toEqual([{ stripe: 0, cov: 60 }]);
    }
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let firstWrote!: () => void;
    const wrote = new Promise<void>((r) => (firstWrote = r));
    const first = sql.begin(async (tx) => {
      await upsertRollups(tx, [delta(60)], []);
      firstWrote();
      await held;
    });
    await wrote;
    // The second commits while the first still holds its slot and its row.
    await sql.begin(async (tx) => {
      await tx`SET LOCAL lock_timeout = '2s'`;
      await upsertRollups(tx, [delta(30)], []);
    });
    release();
    await first;
    const rows = await sql<{ stripe: number; cov: number }[]>`SELECT stripe, covered_seconds AS cov FROM rollups_total_hourly WHERE bucket = ${bucket} ORDER BY cov`;
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.cov)).toEqual([30, 60]);
    expect(rows[0]!.stripe).not.toBe(rows[1]!.stripe);
  });

  it('sum the active projects’ open spans in the database as uptime.ts cuts each of them', async () => {
    const sql = app.system.ctx.sql;
    // Beside "Live" (checked a minute ago), "Stopped" (its span long closed by its interval) and the
    // deleted ones (left out): a project down now, one whose last result came in maintenance, one
    // that was never checked.
    const downNow = await newProject('Down now');
    await recordResults(app.system.ctx, [message(downNow, NOW - 100_000, false, 0)], { notify: false });
    const maintenance = await newProject('In maintenance');
    await recordResults(app.system.ctx, [message(maintenance, NOW - 200_000, true, 90)], { notify: false });
    await sql`UPDATE monitor_state SET last_in_maintenance = true WHERE project_id = ${maintenance}`;
    await newProject('Never checked');
    // The same sums, one project at a time through the definition (openSpans, openSpanPieces, piecesIn).
    const byDefinition = async (from: number, to: number, now: number) => {
      let covered = 0;
      let down = 0;
      for (const o of await openSpans(sql, 'active')) {
        const start = o.last_checked_at ? { at: o.last_checked_at, up: o.last_is_available ?? true, maintenance: o.last_in_maintenance } : null;
        const f = piecesIn(openSpanPieces(start, new Date(now), o.check_interval), from, to);
        covered += f.covered_seconds;
        down += f.down_seconds;
      }
      return { covered_seconds: covered, down_seconds: down };
    };
    const cases: [string, number, number, number][] = [
      ['the last 24 hours', NOW - 24 * H, NOW, NOW],
      ['a period ending before the last results', NOW - 24 * H, NOW - 150_000, NOW],
      ['now a moment after the last result, cutting the spans short', NOW - H, NOW, NOW - 60_000 + 1_500],
      ['the hour of the stopped project’s last result', B0, B0 + H, NOW],
    ];
    for (const [name, from, to, now] of cases) {
      const sums = await openSpanTotals(sql, new Date(from), new Date(to), new Date(now));
      const expected = await byDefinition(from, to, now);
      expect(sums.covered_seconds, name).toBeCloseTo(expected.covered_seconds, 6);
      expect(sums.down_seconds, name).toBeCloseTo(expected.down_seconds, 6);
    }
    const day = await openSpanTotals(sql, new Date(NOW - 24 * H), new Date(NOW), new Date(NOW));
    // Down for the 100 s since its last result; "In maintenance" covers nothing.
    expect(day.down_seconds).toBeGreaterThanOrEqual(100);
    expect((await openSpanTotals(sql, new Date(B0), new Date(B0 + H), new Date(NOW))).covered_seconds).toBeGreaterThan(0);
  });
});
