// Read figures of issue 19 at full size without the import: BENCH_PROJECTS (1000) projects with
// BENCH_DAYS (90) days of hourly, 4-hourly and daily rollups (and their sketches) written by SQL, as the
// recorder would have left them; raw results only for the last BENCH_RAW_DAYS (1) day.
//   npx tsx bench/reports/reads.ts
// SLA 90d then answers response times from the rollups (the raw results are incomplete), as it
// does after a cleanup; bench/reports/run.ts measures the raw path and the import on a smaller size.
// BENCH_DATABASE names an existing database of an earlier run (BENCH_KEEP=1 keeps it) to skip the load.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { loadConfig } from '../../layers/config.ts';
import { packRecentDays } from '../../layers/services/read-model.ts';
import { startLocalSystem } from '../../layers/wiring/local/runner.ts';

const BASE_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const PROJECTS = Number(process.env['BENCH_PROJECTS'] ?? 1000);
const DAYS = Number(process.env['BENCH_DAYS'] ?? 90);
const RAW_DAYS = Number(process.env['BENCH_RAW_DAYS'] ?? 1);
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 40);

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const summary = (xs: number[]) => `median ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms (n=${xs.length})`;

async function main() {
  const reuse = process.env['BENCH_DATABASE'];
  const name = reuse ?? `pym_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
  if (!reuse) await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const dir = await mkdtemp(join(tmpdir(), 'pym-bench-reads-'));
  const config = loadConfig({
    MODE: 'local', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false',
    JWT_SECRET: 'bench-secret-0123456789-0123456789-0123456789', PASSWORD_SCRYPT_LOG_N: '10',
    DATABASE_URL: url.toString(), DATABASE_POOL_MAX: '6',
  });
  const system = await startLocalSystem(config);
  const sql = system.ctx.sql;
  try {
    const req = async (method: string, path: string, opts: { token?: string; body?: string } = {}) => {
      const res = await fetch(system.url + path, { method, headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), 'content-type': 'application/json' }, body: opts.body });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
      return JSON.parse(text);
    };
    // The timed chart reads take the answer's text only: parsing 1.7 MB of JSON is the client's work,
    // and the client shares this process's thread with the server.
    const fetchText = async (path: string) => {
      const res = await fetch(system.url + path, { headers: { authorization: `Bearer ${token}` } });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 300)}`);
      return text.length;
    };
    const t0 = process.hrtime.bigint();
    if (!reuse) {
      await req('POST', '/api/v1/auth/register', { body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password-1', name: 'Bench' }) });
      await sql`UPDATE users SET role = 'admin', timezone = 'UTC'`;
      const [owner] = await sql<{ id: number }[]>`SELECT id FROM users LIMIT 1`;
      await sql`INSERT INTO projects (owner_id, title, url, key) SELECT ${owner!.id}, 'Site ' || g, 'https://site-' || g || '.example.com/', 'site-' || g FROM generate_series(1, ${PROJECTS}) g`;
      await sql`INSERT INTO monitoring_settings (project_id) SELECT id FROM projects`;
      const end = new Date(Math.floor(Date.now() / 300_000) * 300_000 - 300_000);
      await sql`INSERT INTO monitor_state (project_id, is_running, last_checked_at, last_is_available, last_response_time) SELECT id, false, ${end}, true, 120 FROM projects`;
      // Hourly rows as 12 results of 300 s each would leave them: one failed result in about 200.
      await sql`
        INSERT INTO rollups_hourly (project_id, bucket, checks, up_checks, response_time_sum, response_time_n, response_time_min, response_time_max,
          covered_seconds, down_seconds, maintenance_seconds, no_data_seconds)
        SELECT id, h, 12, 12 - d, 12 * 120.0, 12, 80, 300, 3600, d * 300, 0, 0
        FROM (SELECT p.id, h, (random() < 0.06)::int AS d FROM projects p,
          generate_series(date_trunc('hour', ${end}::timestamptz) - make_interval(days => ${DAYS}), date_trunc('hour', ${end}::timestamptz) - interval '1 hour', interval '1 hour') h) x`;
      await sql`
        INSERT INTO rollups_4h (project_id, bucket, checks, up_checks, response_time_sum, response_time_n, response_time_min, response_time_max,
          covered_seconds, down_seconds, maintenance_seconds, no_data_seconds)
        SELECT project_id, to_timestamp(floor(extract(epoch FROM bucket) / 14400) * 14400), sum(checks), sum(up_checks), sum(response_time_sum), sum(response_time_n),
          min(response_time_min), max(response_time_max), sum(covered_seconds), sum(down_seconds), 0, 0
        FROM rollups_hourly GROUP BY 1, 2`;
      await sql`
        INSERT INTO rollups_hourly_sketch (project_id, bucket, sketch)
        SELECT project_id, bucket, jsonb_build_object('109', 2, '112', 3, '117', 4, '120', 1, '128', 1, '138', 1) FROM rollups_hourly`;
      await sql`
        INSERT INTO rollups_daily (project_id, day, checks, up_checks, response_time_sum, response_time_n, response_time_min, response_time_max,
          covered_seconds, down_seconds, maintenance_seconds, no_data_seconds)
        SELECT project_id, (bucket AT TIME ZONE 'UTC')::date, sum(checks), sum(up_checks), sum(response_time_sum), sum(response_time_n), min(response_time_min),
          max(response_time_max), sum(covered_seconds), sum(down_seconds), 0, 0
        FROM rollups_hourly GROUP BY 1, 2`;
      await sql`INSERT INTO rollups_daily_sketch (project_id, day, sketch) SELECT project_id, day, '{"112": 288}'::jsonb FROM rollups_daily`;
      // The hourly totals over all projects (migration 024), as the writer keeps them.
      await sql`
        INSERT INTO rollups_total_hourly (bucket, stripe, checks, up_checks, response_time_sum, response_time_n, covered_seconds, down_seconds,
          maintenance_seconds, no_data_seconds)
        SELECT bucket, 0, sum(checks), sum(up_checks), sum(response_time_sum), sum(response_time_n), sum(covered_seconds), sum(down_seconds), 0, 0
        FROM rollups_hourly GROUP BY 1`;
      await sql`
        INSERT INTO check_results (project_id, checked_at, is_available, status_code, response_time)
        SELECT p.id, t, true, 200, 80 + random() * 200 FROM projects p,
          generate_series(${end}::timestamptz - make_interval(days => ${RAW_DAYS}), ${end}::timestamptz, interval '300 seconds') t`;
      await sql`VACUUM ANALYZE`;
    }
    const token = (await req('POST', '/api/v1/auth/login', { body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password-1' }) })).access_token as string;
    const loadMs = ms(t0);
    const [counts] = await sql<{ hourly: number; raw: number }[]>`SELECT (SELECT count(*) FROM rollups_hourly)::int AS hourly, (SELECT count(*) FROM check_results)::int AS raw`;

    const ids = (await sql<{ id: number }[]>`SELECT id FROM projects ORDER BY id`).map((r) => r.id);
    const sla: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const t = process.hrtime.bigint();
      const r = await req('GET', `/api/v1/projects/${ids[(i * 7919) % ids.length]}/reports/sla?period=90d`, { token });
      sla.push(ms(t));
      if (i === 0) console.log(`sample SLA: availability ${r.availability}, p95 ${r.response_time.p95} (${r.response_time.source}), ${r.daily.length} days`);
    }
    // The stats before the charts: the charts' 7 MB answers leave garbage that a collection would
    // otherwise sweep in the middle of the stats' timings.
    const stats: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      await system.ctx.cache.del('dashboard:stats:v1');
      await system.ctx.cache.del('dashboard:unread:1');
      const t = process.hrtime.bigint();
      await req('GET', '/api/v1/dashboard/stats', { token });
      stats.push(ms(t));
    }
    // First read: no closed day is packed yet (chart_days emptied, every project's count of changes
    // moved on, as after the upgrade that adds them): the read builds 30 days for every project from
    // rollups_4h. A new API process: every project's packed days read as bytes (the counts moved on,
    // the packed days kept). Then every read as it comes: the counts of changes, the edge hours, the
    // open day and open spans read; the closed days' sums kept in the process. Then after one
    // project's history changed in every closed day (an import marks them): its days are built and
    // read again.
    const bumpAll = () => sql`
      INSERT INTO chart_changes (project_id, changes) SELECT id, 1 FROM projects
      ON CONFLICT (project_id) DO UPDATE SET changes = chart_changes.changes + 1`;
    const chartCold: number[] = [];
    const chartNewProcess: number[] = [];
    const chart: number[] = [];
    const chartAfterImport: number[] = [];
    const time = async (into: number[]) => {
      const t = process.hrtime.bigint();
      await fetchText('/api/v1/charts/dashboard?period=30d');
      into.push(ms(t));
    };
    for (let i = 0; i < 3; i++) {
      await sql`DELETE FROM chart_days`;
      await bumpAll();
      await time(chartCold);
    }
    // The hourly job's packing of every project's closed days (as after the upgrade, or after every
    // project's history was imported and marked).
    await sql`DELETE FROM chart_days`;
    const p0 = process.hrtime.bigint();
    const packedDays = await packRecentDays(system.ctx);
    const packMs = ms(p0);
    for (let i = 0; i < 5; i++) {
      await bumpAll();
      await time(chartNewProcess);
    }
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < REQUESTS; i++) await time(chart);
    const chartCpu = process.cpuUsage(cpu0);
    const chartCpuMs = (chartCpu.user + chartCpu.system) / 1000 / REQUESTS;
    const sample = await req('GET', '/api/v1/charts/dashboard?period=30d', { token });
    console.log(`sample dashboard chart: ${sample.projects.length} projects x ${sample.buckets.length} buckets of ${sample.bucket_seconds} s (${sample.source}), ${(JSON.stringify(sample).length / 2 ** 20).toFixed(1)} MiB`);
    for (let i = 0; i < Math.max(5, Math.floor(REQUESTS / 4)); i++) {
      const id = ids[(i * 7919) % ids.length]!;
      await sql.begin(async (tx) => {
        await tx`UPDATE chart_days SET data = NULL, version = version + 1 WHERE project_id = ${id}`;
        await tx`INSERT INTO chart_changes (project_id, changes) VALUES (${id}, 1) ON CONFLICT (project_id) DO UPDATE SET changes = chart_changes.changes + 1`;
      });
      await time(chartAfterImport);
    }
    // The 7-day chart (hourly buckets, from the hourly rollups; no goal of its own): for comparison.
    const chart7d: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = process.hrtime.bigint();
      await fetchText('/api/v1/charts/dashboard?period=7d');
      chart7d.push(ms(t));
    }
    const cpu = cpus()[0];
    console.log(`machine: ${cpus().length} x ${cpu?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
    console.log(`size: ${PROJECTS} projects, ${DAYS} days of rollups (${counts!.hourly.toLocaleString('en')} hourly rows), ${counts!.raw.toLocaleString('en')} raw results (last ${RAW_DAYS} day); loaded by SQL in ${(loadMs / 1000).toFixed(1)} s`);
    console.log(`GET /projects/{id}/reports/sla?period=90d (response times from the rollups): ${summary(sla)}`);
    console.log(`GET /charts/dashboard?period=30d (all ${PROJECTS} projects), first read, every closed day packed by it: ${summary(chartCold)}`);
    console.log(`hourly job, every project's closed days packed: ${packedDays.toLocaleString('en')} days in ${packMs.toFixed(0)} ms`);
    console.log(`GET /charts/dashboard?period=30d (all ${PROJECTS} projects), as in a new API process (every project's packed days read): ${summary(chartNewProcess)}`);
    console.log(`GET /charts/dashboard?period=30d (all ${PROJECTS} projects): ${summary(chart)}; this process's CPU per read ${chartCpuMs.toFixed(1)} ms (server and client)`);
    console.log(`GET /charts/dashboard?period=30d (all ${PROJECTS} projects), one project's closed days changed before each: ${summary(chartAfterImport)}`);
    console.log(`GET /charts/dashboard?period=7d (all ${PROJECTS} projects, hourly buckets): ${summary(chart7d)}`);
    console.log(`GET /dashboard/stats uncached: ${summary(stats)}`);
  } finally {
    await system.close();
    await rm(dir, { recursive: true, force: true });
    if (process.env['BENCH_KEEP'] || reuse) console.log(`kept database ${name}`);
    else await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
