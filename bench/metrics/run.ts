// What a Prometheus scrape and a monitors-file apply cost on a large installation (issue 15):
//   npx tsx bench/metrics/run.ts     (BENCH_DATABASE_URL overrides postgres://postgres@127.0.0.1:5432/test)
// A fresh database gets BENCH_PROJECTS projects (1000), each with a year of daily rollups and SSL and
// domain checks; then GET /metrics's rendering runs BENCH_SCRAPES times (20), and a file of all the
// projects is applied (create), applied again (no change) and exported.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import postgres from 'postgres';
import { loadConfig } from '../../layers/config.ts';
import { renderMonitorsFile, parseMonitorsFile } from '../../layers/endpoints/monitors-file.ts';
import { connect } from '../../layers/repositories/db.ts';
import { migrate } from '../../layers/repositories/migrate.ts';
import { renderMetrics } from '../../layers/services/metrics.ts';
import { applyDocument, exportDocument } from '../../layers/services/monitors-file.ts';
import type { ServiceContext } from '../../layers/services/context.ts';
import { createLogger } from '../../layers/platform/logger.ts';
import { systemClock } from '../../layers/platform/ports.ts';

const BASE_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const PROJECTS = Number(process.env['BENCH_PROJECTS'] ?? 1000);
const SCRAPES = Number(process.env['BENCH_SCRAPES'] ?? 20);

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

async function main() {
  const name = `pym_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const sql = connect({ url: url.toString(), max: 4 });
  try {
    await migrate(sql);
    const [user] = await sql<{ id: number }[]>`INSERT INTO users (email, password_hash, name, role) VALUES ('bench@example.com', 'x', 'Bench', 'admin') RETURNING id`;
    const ctx = { config: loadConfig({ LOG_LEVEL: 'silent' }), sql, clock: systemClock, log: createLogger('silent') } as unknown as ServiceContext;
    const actor = { id: user!.id, email: 'bench@example.com', name: 'Bench', role: 'admin' as const };

    // The installation, through a monitors file: this is also the apply figure.
    const lines = ['version: 1', 'projects:'];
    for (let i = 0; i < PROJECTS; i++) lines.push(`  - key: site-${String(i).padStart(5, '0')}`, `    title: Site ${i}`, `    url: https://site-${i}.example.com/`, '    tags: [bench]');
    const text = lines.join('\n') + '\n';
    let t0 = process.hrtime.bigint();
    const parsed = parseMonitorsFile(text, { fileName: 'bench.yaml', variables: () => undefined });
    const parseMs = ms(t0);
    t0 = process.hrtime.bigint();
    await applyDocument(ctx, actor, parsed.document, { refs: parsed.refs });
    const applyMs = ms(t0);
    t0 = process.hrtime.bigint();
    const again = await applyDocument(ctx, actor, parsed.document, { refs: parsed.refs });
    const reapplyMs = ms(t0);
    if (again.changes.length !== 0) throw new Error('the second apply changed something');
    t0 = process.hrtime.bigint();
    const exported = renderMonitorsFile((await exportDocument(ctx)).document);
    const exportMs = ms(t0);
    if (exported !== text.replace(/tags: \[bench\]/g, 'tags:\n      - bench')) throw new Error('export differs from the applied file');

    // A year of history: daily rollups, monitor state, SSL and domain checks every day.
    await sql`
      INSERT INTO rollups_daily (project_id, day, checks, up_checks, response_time_sum, response_time_n)
      SELECT p.id, d::date, 288, 287, 288 * 120.0, 288 FROM projects p, generate_series(now() - interval '364 days', now(), interval '1 day') d`;
    await sql`UPDATE monitor_state SET last_checked_at = now(), last_is_available = true, last_response_time = 120`;
    await sql`
      INSERT INTO expiry_checks (project_id, kind, checked_at, is_valid, expires_at, days_remaining)
      SELECT p.id, k, d, true, now() + interval '60 days', 60
      FROM projects p, unnest(ARRAY['ssl', 'domain']) k, generate_series(now() - interval '29 days', now(), interval '1 day') d`;
    await sql`ANALYZE`;
    const times: number[] = [];
    let size = 0;
    for (let i = 0; i < SCRAPES; i++) {
      t0 = process.hrtime.bigint();
      size = (await renderMetrics(ctx)).length;
      times.push(ms(t0));
    }
    const cpu = cpus()[0];
    console.log(`machine: ${cpus().length} x ${cpu?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
    console.log(`database: ${BASE_URL.replace(/\/\/[^@/]*@/, '//***@')} (fresh database ${name})`);
    console.log(`projects: ${PROJECTS}; 365 daily rollups and 60 expiry checks each`);
    console.log(`monitors file: parse ${parseMs.toFixed(0)} ms, apply (create all) ${applyMs.toFixed(0)} ms, apply again (no change) ${reapplyMs.toFixed(0)} ms, export ${exportMs.toFixed(0)} ms`);
    console.log(`GET /metrics rendering: median ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms over ${SCRAPES} scrapes; ${(size / 1024).toFixed(0)} KiB`);
  } finally {
    await sql.end();
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
