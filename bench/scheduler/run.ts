// Scheduler benchmark (issue 4): N projects at a 60 s interval against loopback targets, local mode on
// the machine's PostgreSQL, for BENCH_SECONDS. Prints lateness of each check's start against its due
// time, sustained checks/s, skipped checks, and the process's CPU and memory.
// Run: npx tsx bench/scheduler/run.ts   (BENCH_PROJECTS=5000 BENCH_SECONDS=300 BENCH_DATABASE_URL=...)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { loadConfig } from '../../layers/config.ts';
import { connect } from '../../layers/repositories/db.ts';
import { migrate } from '../../layers/repositories/migrate.ts';
import { startLocalSystem } from '../../layers/wiring/local/runner.ts';

const PROJECTS = Number(process.env['BENCH_PROJECTS'] ?? 5000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 300);
const INTERVAL = 60;
const base = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main() {
  const dbName = `pym_bench_sched_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  const url = new URL(base);
  url.pathname = `/${dbName}`;
  const targets = spawn(process.execPath, [fileURLToPath(new URL('./target-server.mjs', import.meta.url)), '8'], { stdio: ['ignore', 'pipe', 'inherit'] });
  process.on('exit', () => targets.kill('SIGTERM'));
  const { ports } = JSON.parse((await createInterface({ input: targets.stdout! })[Symbol.asyncIterator]().next()).value as string) as { ports: number[] };

  // Seed: one owner, PROJECTS projects whose first due times are spread over one interval (steady state).
  const seed = connect({ url: url.toString(), max: 4 });
  await migrate(seed);
  const [owner] = await seed<{ id: number }[]>`INSERT INTO users (email, password_hash, name, role) VALUES ('bench@example.com', 'x', 'Bench', 'admin') RETURNING id`;
  const start = Date.now() + 15_000;
  for (let i = 0; i < PROJECTS; i += 1000) {
    const n = Math.min(1000, PROJECTS - i);
    const ids = await seed<{ id: number }[]>`
      INSERT INTO projects (owner_id, key, title, url)
      SELECT ${owner!.id}, 'bench-' || g, 'p' || g, (${seed.array(ports.map((p) => `http://127.0.0.1:${p}/`))}::text[])[1 + (g % ${ports.length})]
      FROM generate_series(${i}::int, ${i + n - 1}::int) g RETURNING id`;
    await seed`INSERT INTO monitoring_settings (project_id, check_interval, retry_count) SELECT unnest(${seed.array(ids.map((r) => r.id))}::int[]), ${INTERVAL}, 1`;
    await seed`INSERT INTO monitor_state (project_id, next_due_at)
      SELECT id, to_timestamp(${start / 1000} + ((id * 7919) % ${INTERVAL * 1000}) / 1000.0) FROM unnest(${seed.array(ids.map((r) => r.id))}::int[]) id`;
  }
  await seed.end();

  const config = loadConfig({ MODE: 'local', HOST: '127.0.0.1', PORT: '0', DATA_DIR: os.tmpdir(), LOG_LEVEL: 'error', DATABASE_URL: url.toString(), DATABASE_POOL_MAX: '10' });
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const system = await startLocalSystem(config);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 1000);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const wall = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const rss = process.memoryUsage().rss;
  await system.close();
  targets.kill('SIGTERM');

  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  const measureFrom = new Date(start + 5_000);
  const measureTo = new Date(t0 + SECONDS * 1000 - 10_000);
  const rows = await sql<{ late: number }[]>`
    SELECT EXTRACT(EPOCH FROM (started_at - due_at)) * 1000 AS late FROM check_results
    WHERE due_at >= ${measureFrom} AND due_at < ${measureTo}`;
  const late = rows.map((r) => Number(r.late)).sort((a, b) => a - b);
  const [{ total } = { total: 0 }] = await sql<{ total: number }[]>`SELECT count(*)::int AS total FROM check_results`;
  // A skipped check: a gap between consecutive due times of one project longer than its interval.
  const [{ skipped } = { skipped: 0 }] = await sql<{ skipped: number }[]>`
    SELECT count(*)::int AS skipped FROM (
      SELECT due_at - lag(due_at) OVER (PARTITION BY project_id ORDER BY due_at) AS gap FROM check_results) g
    WHERE gap > make_interval(secs => ${INTERVAL + 1})`;
  const [{ expected } = { expected: 0 }] = await sql<{ expected: number }[]>`
    SELECT count(*)::int AS expected FROM monitor_state`;
  await sql.end();
  await admin.unsafe(`DROP DATABASE ${dbName} WITH (FORCE)`);
  await admin.end();

  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`Scheduler benchmark: ${PROJECTS} projects every ${INTERVAL} s for ${SECONDS} s (local mode, PostgreSQL, loopback targets)`);
  console.log(`machine: ${os.cpus()[0]?.model} x${os.cpus().length}, node ${process.version}`);
  console.log(`checks recorded:        ${total}  (${(total / wall).toFixed(1)} checks/s sustained; expected ~${((PROJECTS / INTERVAL)).toFixed(1)}/s)`);
  console.log(`start lateness (ms):    p50 ${pct(late, 50).toFixed(1)}  p95 ${pct(late, 95).toFixed(1)}  p99 ${pct(late, 99).toFixed(1)}  max ${(late.at(-1) ?? NaN).toFixed(1)}  (n=${late.length})`);
  console.log(`skipped checks:         ${skipped}  (projects: ${expected})`);
  console.log(`CPU of the process:     ${cpuSeconds.toFixed(1)} s over ${wall.toFixed(0)} s = ${((cpuSeconds / wall) * 100).toFixed(1)}% of one core`);
  console.log(`memory: RSS ${(rss / 2 ** 20).toFixed(0)} MiB at end, peak ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  console.log(`goals: p99 lateness < 1000 ms, no check skipped, < 50% of one core`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
