// The whole local check pipeline (issue 18): N monitors at 60 s on the machine's PostgreSQL, loopback
// targets in another process, a share of them never answering. Prints CPU per check of the app AND of
// its PostgreSQL backends, start lateness, skipped checks, RSS, the batch sizes and durations the
// checker saw, and (with --restart) the time from a start with every monitor overdue to all checked.
// With --keep the database is left in place (its name printed) for a look at its plans.
// The process runs with the node flags of the tree's `npm start` (package.json), as the server would.
// The code under test comes from --root, so one run can compare two trees (e.g. main checked out with
// `git worktree add /tmp/pipeline-before main`, node_modules symlinked):
//   npx tsx bench/scheduler/pipeline.ts --root /tmp/pipeline-before --monitors 3000 --seconds 120 --hanging 0.01
//   npx tsx bench/scheduler/pipeline.ts --root . --monitors 3000 --restart
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';

const { values: args } = parseArgs({
  options: {
    root: { type: 'string', default: '.' },
    monitors: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '120' },
    warmup: { type: 'string', default: '30' },
    hanging: { type: 'string', default: '0' },
    restart: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    // Print the CPU per check of each part of the window this long (s): how it settles as the run goes on.
    every: { type: 'string', default: '0' },
    database: { type: 'string', default: process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const ROOT = resolve(args.root);
const N = Number(args.monitors);
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);
const HANGING = Number(args.hanging);
const INTERVAL = 60;
const CLK_TCK = 100;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const load = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(resolve(ROOT, rel)).href)) as T;

/** CPU seconds of this process's threads, summed by thread name (main thread, V8 workers, libuv pool). */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = tid === String(process.pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[\d-]+$/, '').trim();
      const fields = stat.split(') ')[1]!.split(' ');
      out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / CLK_TCK);
    } catch {
      // ended
    }
  }
  return out;
}

/** CPU seconds (user + system) of the given processes, from /proc. */
function cpuOf(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / CLK_TCK);
    } catch {
      // gone
    }
  }
  return out;
}

async function main() {
  const { loadConfig } = await load<typeof import('../../layers/config.ts')>('layers/config.ts');
  const { connect } = await load<typeof import('../../layers/repositories/db.ts')>('layers/repositories/db.ts');
  const { migrate } = await load<typeof import('../../layers/repositories/migrate.ts')>('layers/repositories/migrate.ts');
  const { startLocalSystem } = await load<typeof import('../../layers/wiring/local/runner.ts')>('layers/wiring/local/runner.ts');

  const dbName = `pym_bench_pipe_${randomBytes(4).toString('hex')}`;
  const admin = postgres(args.database, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  const url = new URL(args.database);
  url.pathname = `/${dbName}`;
  const targets = spawn(process.execPath, [fileURLToPath(new URL('./target-server.mjs', import.meta.url)), '8'], { stdio: ['ignore', 'pipe', 'inherit'] });
  process.on('exit', () => targets.kill('SIGTERM'));
  const { ports, silent } = JSON.parse((await createInterface({ input: targets.stdout! })[Symbol.asyncIterator]().next()).value as string) as { ports: number[]; silent: number };

  // Seed: N monitors; every 1/HANGING-th points at the silent target (5 s timeout, retry_count 1).
  const seed = connect({ url: url.toString(), max: 4 });
  await migrate(seed);
  const [owner] = await seed<{ id: number }[]>`INSERT INTO users (email, password_hash, name, role) VALUES ('bench@example.com', 'x', 'Bench', 'admin') RETURNING id`;
  const t0 = Date.now();
  const firstDue = t0 + 10_000;
  const every = HANGING > 0 ? Math.round(1 / HANGING) : 0;
  for (let i = 0; i < N; i += 1000) {
    const n = Math.min(1000, N - i);
    const ids = await seed<{ id: number }[]>`
      INSERT INTO projects (owner_id, key, title, url)
      SELECT ${owner!.id}, 'bench-' || g, 'p' || g,
        CASE WHEN ${every} > 0 AND g % ${every || 1} = 0 THEN ${`http://127.0.0.1:${silent}/`}
             ELSE (${seed.array(ports.map((p) => `http://127.0.0.1:${p}/`))}::text[])[1 + (g % ${ports.length})] END
      FROM generate_series(${i}::int, ${i + n - 1}::int) g RETURNING id`;
    await seed`INSERT INTO monitoring_settings (project_id, check_interval, timeout, retry_count)
      SELECT id, ${INTERVAL}, 5, 1 FROM unnest(${seed.array(ids.map((r) => r.id))}::int[]) id`;
    // Steady state: first due times spread over one interval; --restart: all long overdue.
    await seed`INSERT INTO monitor_state (project_id, next_due_at)
      SELECT id, CASE WHEN ${args.restart} THEN now() - interval '10 minutes'
                      ELSE to_timestamp(${firstDue / 1000} + ((id::bigint * 7919) % ${INTERVAL * 1000}) / 1000.0) END
      FROM unnest(${seed.array(ids.map((r) => r.id))}::int[]) id`;
  }
  await seed.end();

  const config = loadConfig({ MODE: 'local', HOST: '127.0.0.1', PORT: '0', DATA_DIR: os.tmpdir(), LOG_LEVEL: 'error', DATABASE_URL: url.toString(), DATABASE_POOL_MAX: '10' });
  const watch = postgres(url.toString(), { max: 1, onnotice: () => {} });
  const started = Date.now();
  const system = await startLocalSystem(config);
  let peakRss = 0;
  // rss() alone: process.memoryUsage() also walks the heap's spaces, work of the benchmark's that
  // would count as the app's CPU.
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 500);

  // The checker's batches, seen from the queue: messages per delivery and checks per message.
  const q = system.ctx.queue as unknown as { send: (name: string, m: { body: unknown }[]) => Promise<void> };
  const sentChecks: number[] = [];
  const original = q.send.bind(q);
  q.send = async (name, messages) => {
    if (name === 'checks') for (const m of messages) sentChecks.push(Array.isArray((m.body as { checks?: unknown[] }).checks) ? (m.body as { checks: unknown[] }).checks.length : 1);
    return original(name, messages);
  };

  // Each consumer's deliveries (one per invocation on AWS): records and wall time, for bench/cost.
  const deliveries: Record<string, { records: number; ms: number; results: number }[]> = { checks: [], results: [] };
  const consumers = (system.ctx.queue as unknown as { consumers: Map<string, { handler: (e: { Records: { body: string }[] }) => Promise<unknown> }> }).consumers;
  for (const name of ['checks', 'results']) {
    const c = consumers.get(name);
    if (!c) continue;
    const inner = c.handler;
    c.handler = async (e) => {
      const t = performance.now();
      try {
        return await inner(e);
      } finally {
        // Counted in the text (each HTTP result has one "type":"http_result"), not by parsing the
        // bodies a second time: that would be the benchmark's CPU counted as the app's.
        const results = name === 'results' ? e.Records.reduce((n, r) => n + occurrences(r.body, '"type":"http_result"'), 0) : 0;
        deliveries[name]!.push({ records: e.Records.length, ms: performance.now() - t, results });
      }
    };
  }

  if (args.restart) {
    let allAt = NaN;
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      const [{ n } = { n: 0 }] = await watch<{ n: number }[]>`SELECT count(DISTINCT project_id)::int AS n FROM check_results`;
      if (n >= N) {
        allAt = (Date.now() - started) / 1000;
        break;
      }
      if (Date.now() - started > 180_000) break;
    }
    clearInterval(sampler);
    await system.close();
    await watch.end();
    targets.kill('SIGTERM');
    await admin.unsafe(`DROP DATABASE ${dbName} WITH (FORCE)`);
    await admin.end();
    console.log(`restart-to-all-checked: ${N} monitors all overdue at start -> every one checked after ${allAt.toFixed(1)} s  (root ${ROOT}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
    return;
  }

  // Steady state: measure from WARMUP s after the first due time for SECONDS.
  await new Promise((r) => setTimeout(r, Math.max(0, firstDue + WARMUP * 1000 - Date.now())));
  const backends = async () => (await watch<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = ${dbName} AND pid <> pg_backend_pid()`).map((r) => r.pid);
  const sessions = async () => (await watch<{ n: number }[]>`SELECT sessions::int AS n FROM pg_stat_database WHERE datname = ${dbName}`)[0]?.n ?? 0;
  const m0 = Date.now();
  const app0 = process.cpuUsage();
  const threads0 = threadCpu();
  const pg0 = cpuOf(await backends());
  const sessions0 = await sessions();
  const load0 = os.loadavg()[0]!;
  // Backends are looked at every second: one that the pool opens and closes within the window (its
  // idle timeout) would otherwise have its CPU missed. What a backend spends after its last look is.
  const pgSeen = new Map(pg0);
  const pgLook = setInterval(() => {
    void backends().then((pids) => {
      for (const [pid, s] of cpuOf(pids)) pgSeen.set(pid, s);
    }, () => undefined);
  }, 1000);
  const EVERY = Number(args.every);
  let part = { at: m0, app: process.cpuUsage(), threads: threads0, pg: new Map(pg0), results: 0 };
  const recorded = () => deliveries['results']!.reduce((n, d) => n + d.results, 0);
  part.results = recorded();
  const parts = EVERY > 0
    ? setInterval(() => {
        const now = { at: Date.now(), app: process.cpuUsage(), threads: threadCpu(), pg: new Map(pgSeen), results: recorded() };
        const n = now.results - part.results;
        const app = (now.app.user + now.app.system - part.app.user - part.app.system) / 1e6;
        const main = (now.threads.get('main') ?? 0) - (part.threads.get('main') ?? 0);
        let pg = 0;
        // A backend first seen in this part was opened in it (every one open at the window's start is in
        // pgSeen from the start): all its CPU is this part's, as the whole window's figure counts it.
        for (const [pid, s] of now.pg) pg += s - (part.pg.get(pid) ?? 0);
        const ms = (x: number) => ((x / Math.max(1, n)) * 1000).toFixed(3);
        console.log(`  ${((now.at - firstDue) / 1000).toFixed(0)} s after the first due time: ${n} results; per result app ${ms(app)} (main ${ms(main)}, other threads ${ms(app - main)}) + PostgreSQL ${ms(pg)} = ${ms(app + pg)} ms`);
        part = now;
      }, EVERY * 1000)
    : undefined;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  if (parts) clearInterval(parts);
  clearInterval(pgLook);
  const m1 = Date.now();
  const app1 = process.cpuUsage(app0);
  const threads1 = threadCpu();
  const pgPids = await backends();
  for (const [pid, s] of cpuOf(pgPids)) pgSeen.set(pid, s);
  const opened = (await sessions()) - sessions0;
  const load1 = os.loadavg()[0]!;
  const rss = process.memoryUsage.rss();
  clearInterval(sampler);
  let pgCpu = 0;
  for (const [pid, s] of pgSeen) pgCpu += s - (pg0.get(pid) ?? 0);
  await system.close();
  targets.kill('SIGTERM');

  const from = new Date(m0);
  const to = new Date(m1);
  const [{ done } = { done: 0 }] = await watch<{ done: number }[]>`SELECT count(*)::int AS done FROM check_results WHERE checked_at >= ${from} AND checked_at < ${to}`;
  const rows = await watch<{ late: number }[]>`
    SELECT EXTRACT(EPOCH FROM (started_at - due_at)) * 1000 AS late FROM check_results WHERE due_at >= ${from} AND due_at < ${to}`;
  const late = rows.map((r) => Number(r.late)).sort((a, b) => a - b);
  const [{ skipped } = { skipped: 0 }] = await watch<{ skipped: number }[]>`
    SELECT count(*)::int AS skipped FROM (
      SELECT due_at - lag(due_at) OVER (PARTITION BY project_id ORDER BY due_at) AS gap FROM check_results WHERE due_at < ${to}) g
    WHERE gap > make_interval(secs => ${INTERVAL + 1})`;
  const [{ dup } = { dup: 0 }] = await watch<{ dup: number }[]>`
    SELECT count(*)::int AS dup FROM (SELECT project_id, due_at FROM check_results GROUP BY 1, 2 HAVING count(*) > 1) d`;
  const hangingRows = every
    ? await watch<{ n: number; timeouts: number }[]>`
        SELECT count(*)::int AS n, count(*) FILTER (WHERE error_kind = 'timeout')::int AS timeouts FROM check_results r JOIN projects p ON p.id = r.project_id
        WHERE p.url = ${`http://127.0.0.1:${silent}/`} AND r.due_at >= ${from} AND r.due_at < ${to}`
    : [];
  const healthyLate = every
    ? (
        await watch<{ late: number }[]>`
        SELECT EXTRACT(EPOCH FROM (r.started_at - r.due_at)) * 1000 AS late FROM check_results r JOIN projects p ON p.id = r.project_id
        WHERE p.url <> ${`http://127.0.0.1:${silent}/`} AND r.due_at >= ${from} AND r.due_at < ${to}`
      ).map((r) => Number(r.late)).sort((a, b) => a - b)
    : late;
  await watch.end();
  if (args.keep) console.log(`database kept: ${dbName}`);
  else await admin.unsafe(`DROP DATABASE ${dbName} WITH (FORCE)`);
  await admin.end();

  const wall = (m1 - m0) / 1000;
  const appCpu = (app1.user + app1.system) / 1e6;
  const perMsg = sentChecks.length ? sentChecks.reduce((a, b) => a + b, 0) / sentChecks.length : 0;
  console.log(`Pipeline benchmark: ${N} monitors at ${INTERVAL} s (${(N / INTERVAL).toFixed(1)} checks/s), ${HANGING * 100}% never answering; root ${ROOT}`);
  console.log(`machine: ${os.cpus()[0]?.model} x${os.cpus().length}, node ${process.version} ${process.execArgv.filter((a) => NODE_FLAG.test(a)).join(' ') || '(no node flags)'}; load average ${load0.toFixed(1)} -> ${load1.toFixed(1)}`);
  console.log(`checks completed in ${wall.toFixed(0)} s: ${done} (${(done / wall).toFixed(1)}/s)`);
  // The runner's hourly job (anomalies of every project, then the charts' packed days) starts 2 min
  // after each full hour; in a window of its own it is the job's CPU and memory, not the checks'.
  const hourlyAt = Math.ceil((m0 - 120_000) / 3_600_000) * 3_600_000 + 120_000;
  if (hourlyAt < m1) console.log(`note: the hourly job started in the window (${new Date(hourlyAt).toISOString().slice(11, 19)} UTC); its work is in the figures below`);
  // The daily job (cleanup and the SSL and domain expiry sweep: a check of every project through the
  // check queue) first runs 5 min after the runner starts (runner.ts DAILY_FIRST_RUN_MS), then daily.
  const dailyAt = started + 5 * 60_000;
  if (dailyAt < m1 && dailyAt + 60_000 > m0) console.log(`note: the daily job started ${dailyAt >= m0 ? 'in the window' : 'within a minute before it'} (${new Date(dailyAt).toISOString().slice(11, 19)} UTC); its expiry sweep checks every project once, and that work is in the figures below`);
  console.log(`CPU per check: app ${((appCpu / done) * 1000).toFixed(3)} ms + PostgreSQL ${((pgCpu / done) * 1000).toFixed(3)} ms (${pgSeen.size} backends seen, ${pgPids.length} at the end; ${opened} sessions opened in the window) = ${(((appCpu + pgCpu) / done) * 1000).toFixed(3)} ms`);
  const byThread = [...threads1].map(([name, s]) => [name, s - (threads0.get(name) ?? 0)] as const).filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1]);
  console.log(`app CPU per check by thread: ${byThread.map(([name, s]) => `${name} ${((s / done) * 1000).toFixed(3)}`).join(', ')} ms`);
  console.log(`start lateness ms: p50 ${pct(late, 50).toFixed(1)} p95 ${pct(late, 95).toFixed(1)} p99 ${pct(late, 99).toFixed(1)} max ${(late.at(-1) ?? NaN).toFixed(1)} (n=${late.length}); healthy only p99 ${pct(healthyLate, 99).toFixed(1)}`);
  console.log(`skipped checks: ${skipped}; (project, due time) recorded twice: ${dup}`);
  if (hangingRows[0]) console.log(`never-answering monitors: ${hangingRows[0].n} results due in the window, ${hangingRows[0].timeouts} timeouts (expected ~${Math.round((N / every) * (wall / INTERVAL))})`);
  console.log(`check messages: ${sentChecks.length}, ${perMsg.toFixed(1)} checks each`);
  console.log(`RSS ${(rss / 2 ** 20).toFixed(0)} MiB at end, peak ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  for (const [name, list] of Object.entries(deliveries)) {
    const ms = list.map((d) => d.ms).sort((a, b) => a - b);
    const records = list.reduce((n, d) => n + d.records, 0);
    const results = list.reduce((n, d) => n + d.results, 0);
    console.log(
      `${name} consumer: ${list.length} invocations, ${(records / Math.max(1, list.length)).toFixed(2)} messages each` +
        (name === 'results' ? `, ${(results / Math.max(1, list.length)).toFixed(1)} results each` : '') +
        `; wall ms p50 ${pct(ms, 50).toFixed(0)} mean ${(ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length)).toFixed(0)} p95 ${pct(ms, 95).toFixed(0)}`,
    );
  }
}

function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

/**
 * The node flags `npm start` gives the server (the tree's package.json: those between `tsx` and the
 * script): the pipeline runs in this process, so it runs again in a child with those flags when this
 * one was started without them.
 */
function asStartRuns(): boolean {
  const start = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const wanted = startFlags(start);
  const given = process.execArgv.filter((a) => NODE_FLAG.test(a));
  // Flags of one's own on top (--cpu-prof, say) are kept.
  if (wanted.every((f) => given.includes(f))) return false;
  const child = spawn(process.execPath, [...wanted, ...given, '--import', 'tsx', ...process.argv.slice(1)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 1));
  return true;
}

/** A V8 or node flag of the kind `npm start` may pass (not tsx's own --require/--import). */
const NODE_FLAG = /^--(?!require$|import$)[\w-]+(=\S+)?$/;

function startFlags(start: string): string[] {
  const words = start.split(/\s+/);
  const from = words.indexOf('tsx') + 1;
  const flags: string[] = [];
  for (const w of words.slice(from)) {
    if (!w.startsWith('--')) break;
    flags.push(w);
  }
  return flags;
}

if (!asStartRuns()) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
