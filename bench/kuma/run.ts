// Importing an Uptime Kuma database of BENCH_MONITORS monitors (1000) and BENCH_HEARTBEATS heartbeats
// (1,000,000) into a fresh database on the machine's PostgreSQL:
//   npx tsx bench/kuma/run.ts     (BENCH_DATABASE_URL overrides postgres://postgres@127.0.0.1:5432/test)
// The Kuma 2.x database is generated first (HTTP, keyword and a few port monitors, 20 notifications,
// one-minute beats with an outage every 400 beats), then imported (monitors, channels, history) and
// imported again (nothing to create, every heartbeat already there).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { loadConfig } from '../../layers/config.ts';
import { validateMonitorsDocument } from '../../layers/endpoints/monitors-file.ts';
import { localSqliteFiles } from '../../layers/platform/local/sqlite-files.ts';
import { importKuma } from '../../layers/services/kuma-import.ts';
import { createLocalContext } from '../../layers/wiring/local/context.ts';
import { KumaDb } from '../../test/support/kuma-db.ts';

const BASE_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const MONITORS = Number(process.env['BENCH_MONITORS'] ?? 1000);
const HEARTBEATS = Number(process.env['BENCH_HEARTBEATS'] ?? 1_000_000);

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

function generate(path: string): { monitors: number; beats: number } {
  const k = new KumaDb('2.x', path);
  const notifications = Array.from({ length: 20 }, (_, i) => k.notification(`Slack ${i}`, { type: 'slack', slackwebhookURL: `https://hooks.slack.com/services/T${i}/B${i}/X` }));
  const perMonitor = Math.ceil(HEARTBEATS / MONITORS);
  const start = Date.now() - (perMonitor + 60) * 60_000;
  let beats = 0;
  for (let m = 0; m < MONITORS; m++) {
    const type = m % 50 === 49 ? 'port' : m % 5 === 0 ? 'keyword' : 'http';
    const id = k.monitor({ name: `Site ${m}`, type, url: `https://site-${m}.example.com/`, interval: 60, maxretries: 1, ...(type === 'keyword' ? { keyword: 'Welcome' } : {}) });
    k.link(id, notifications[m % notifications.length]!);
    const n = Math.min(perMonitor, HEARTBEATS - beats);
    k.heartbeats(
      id,
      Array.from({ length: n }, (_, i) => {
        const down = i % 400 >= 390;
        return { time: new Date(start + i * 60_000 + m * 37), status: down ? 0 : 1, msg: down ? 'Request failed with status code 502' : '200 - OK', ping: down ? null : 100 + (i % 50) };
      }),
    );
    beats += n;
  }
  k.close();
  return { monitors: MONITORS, beats };
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'pym-bench-kuma-'));
  const name = `pym_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const file = join(dir, 'kuma.db');
  let t0 = process.hrtime.bigint();
  const made = generate(file);
  const generateMs = ms(t0);
  const size = (await stat(file)).size;
  const ctx = await createLocalContext(loadConfig({ DATABASE_URL: url.toString(), DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false' }));
  try {
    const [user] = await ctx.sql<{ id: number }[]>`INSERT INTO users (email, password_hash, name, role) VALUES ('bench@example.com', 'x', 'Bench', 'admin') RETURNING id`;
    const actor = { id: user!.id, email: 'bench@example.com', name: 'Bench', role: 'admin' as const };
    const db = localSqliteFiles.open(file);
    const rss0 = process.memoryUsage().rss;
    t0 = process.hrtime.bigint();
    const setup = await importKuma(ctx, actor, db, { validate: validateMonitorsDocument, history: false });
    const setupMs = ms(t0);
    t0 = process.hrtime.bigint();
    const first = await importKuma(ctx, actor, db, { validate: validateMonitorsDocument });
    const historyMs = ms(t0);
    const firstMs = setupMs + historyMs;
    const rss1 = process.memoryUsage().rss;
    t0 = process.hrtime.bigint();
    const again = await importKuma(ctx, actor, db, { validate: validateMonitorsDocument });
    const againMs = ms(t0);
    db.close();
    if (again.plan.changes.length !== 0 || again.history.imported !== 0) throw new Error('the second import created something');
    const cpu = cpus()[0];
    console.log(`machine: ${cpus().length} x ${cpu?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
    console.log(`database: ${BASE_URL.replace(/\/\/[^@/]*@/, '//***@')} (fresh database ${name})`);
    console.log(`Kuma database: ${made.monitors} monitors, ${made.beats} heartbeats, ${(size / 2 ** 20).toFixed(0)} MiB, generated in ${(generateMs / 1000).toFixed(1)} s`);
    console.log(`import: ${(firstMs / 1000).toFixed(1)} s in all (${Math.round(first.history.imported / (firstMs / 1000))} heartbeats/s): monitors and notifications ${(setupMs / 1000).toFixed(1)} s (${setup.plan.summary.create} projects and channels created), history ${(historyMs / 1000).toFixed(1)} s (${first.history.imported} results, ${Math.round(first.history.imported / (historyMs / 1000))}/s, ${first.history.incidents} incidents); RSS +${((rss1 - rss0) / 2 ** 20).toFixed(0)} MiB`);
    console.log(`import again: ${(againMs / 1000).toFixed(1)} s: nothing created, ${again.history.skipped} heartbeats already there`);
  } finally {
    await ctx.close();
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
