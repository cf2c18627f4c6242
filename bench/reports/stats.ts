// The dashboard stats' 24-hour sums over every active project (issue 19), two ways on the same
// database: from the hourly totals over all projects (migration 024, what /dashboard/stats reads) and
// from every project's own rollups (each project's time figures as timeTotals reads them, their
// response times summed over the same hours). Run on a database kept by
// `BENCH_KEEP=1 npx tsx bench/reports/run.ts` (the import's layout) or `reads.ts`:
//   BENCH_DATABASE=pym_bench_1234abcd npx tsx bench/reports/stats.ts
//   (BENCH_DATABASE_URL overrides postgres://postgres@127.0.0.1:5432/test for the server; BENCH_REQUESTS, default 200)
import { cpus, loadavg } from 'node:os';
import postgres from 'postgres';
import { overallTotals, timeTotals } from '../../layers/repositories/reports.ts';

const BASE_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const NAME = process.env['BENCH_DATABASE'];
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 200);
if (!NAME) throw new Error('BENCH_DATABASE: the name of a database kept by bench/reports/run.ts or reads.ts');

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const summary = (xs: number[]) => `median ${quantile(xs, 0.5).toFixed(2)} ms, p95 ${quantile(xs, 0.95).toFixed(2)} ms (n=${xs.length})`;

async function main() {
  const url = new URL(BASE_URL);
  url.pathname = `/${NAME}`;
  const sql = postgres(url.toString(), { max: 4, onnotice: () => {} });
  const active = (await sql<{ id: number }[]>`SELECT id FROM projects WHERE is_active ORDER BY id`).map((r) => r.id);
  // The stats' period: the last 24 hours up to the history's last result (a bench database's history
  // ends when it was made).
  const [{ end } = { end: new Date() }] = await sql<{ end: Date }[]>`SELECT max(last_checked_at) AS end FROM monitor_state`;
  const to = new Date(end.getTime() + 60_000);
  const from = new Date(to.getTime() - 86_400_000);
  const ownRollups = async () => {
    const [time, [rt]] = await Promise.all([
      timeTotals(sql, active, from, to),
      sql<{ rt_sum: number; rt_n: number }[]>`
        SELECT coalesce(sum(response_time_sum), 0)::float8 AS rt_sum, coalesce(sum(response_time_n), 0)::float8 AS rt_n FROM rollups_hourly
        WHERE project_id = ANY(${active.map(String)}::text[]::int[]) AND bucket >= ${new Date(Math.floor(from.getTime() / 3_600_000) * 3_600_000)} AND bucket < ${to}`,
    ]);
    return { covered_seconds: time.reduce((n, t) => n + t.covered_seconds, 0), down_seconds: time.reduce((n, t) => n + t.down_seconds, 0), ...rt! };
  };
  const totals: number[] = [];
  const own: number[] = [];
  let a = await overallTotals(sql, from, to);
  let b = await ownRollups();
  for (let i = 0; i < REQUESTS; i++) {
    let t = performance.now();
    a = await overallTotals(sql, from, to);
    totals.push(performance.now() - t);
    t = performance.now();
    b = await ownRollups();
    own.push(performance.now() - t);
  }
  console.log(`Stats sums over ${active.length} active projects, 24 hours to ${to.toISOString()}, database ${NAME}; ${cpus()[0]?.model} x${cpus().length}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`from the hourly totals:           ${summary(totals)}  availability ${(100 * (1 - a.down_seconds / a.covered_seconds)).toFixed(6)}%`);
  console.log(`from every project's own rollups: ${summary(own)}  availability ${(100 * (1 - b.down_seconds / b.covered_seconds)).toFixed(6)}%`);
  await sql.end();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
