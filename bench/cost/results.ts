// The results consumer at the load the cost model gives it, in a child process held to Lambda's CPU
// share of a memory size (root, cgroup v1), against this machine's PostgreSQL: wall and CPU time per
// delivery and per result, so the results function's memory can be chosen on a measurement.
//   npx tsx bench/cost/results.ts --monitors 1000 --per-delivery 83 --rounds 4 --cpu-mb 256
// It creates (and drops) a database named cost_results_<random>.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import postgres from 'postgres';
import { houseEsbuildOptions } from '../../lib/bundling.ts';
import { holdToLambdaShare, shareOf } from './cpu-share.ts';
import { connect } from '../../layers/repositories/db.ts';
import { migrate } from '../../layers/repositories/migrate.ts';
import { MAX_RESULTS_PER_BATCH } from '../../layers/services/messages.ts';

const { values: args } = parseArgs({
  options: {
    monitors: { type: 'string', default: '1000' },
    'per-delivery': { type: 'string', default: '83' },
    rounds: { type: 'string', default: '4' },
    'cpu-mb': { type: 'string' },
    database: { type: 'string', default: process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const N = Number(args.monitors);
const PER = Number(args['per-delivery']);
const ROUNDS = Number(args.rounds);

async function main() {
  const dbName = `cost_results_${randomBytes(4).toString('hex')}`;
  const admin = postgres(args.database, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  const url = new URL(args.database);
  url.pathname = `/${dbName}`;
  try {
    const seed = connect({ url: url.toString(), max: 2 });
    await migrate(seed);
    const [owner] = await seed<{ id: number }[]>`INSERT INTO users (email, password_hash, name, role) VALUES ('bench@example.com', 'x', 'Bench', 'admin') RETURNING id`;
    const ids = await seed<{ id: number }[]>`
      INSERT INTO projects (owner_id, key, title, url)
      SELECT ${owner!.id}, 'bench-' || g, 'p' || g, 'https://example.com/' || g FROM generate_series(1, ${N}::int) g RETURNING id`;
    await seed`INSERT INTO monitoring_settings (project_id, check_interval, timeout, retry_count) SELECT id, 60, 30, 3 FROM unnest(${seed.array(ids.map((r) => r.id))}::int[]) id`;
    await seed`INSERT INTO monitor_state (project_id, next_due_at) SELECT id, now() FROM unnest(${seed.array(ids.map((r) => r.id))}::int[]) id`;
    await seed.end();

    // Rounds of one result per monitor (one cycle each), cut into deliveries of PER results in
    // messages of up to 100, as the checker flushes them; every 50th check fails, so alerting runs too.
    const base = Date.now() - ROUNDS * 60_000;
    const deliveries = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < ids.length; i += PER) {
        const results = ids.slice(i, i + PER).map(({ id }, k) => {
          const due = new Date(base + round * 60_000 + ((i + k) * 60_000) / ids.length).toISOString();
          const down = (id + round) % 50 === 0;
          return {
            type: 'http_result', project_id: id, due_at: due, started_at: due, cycle: round + 1,
            result: { is_available: !down, status_code: down ? 503 : 200, response_time: 120, error_kind: down ? 'http_status' : null, error_message: down ? 'HTTP 503' : null, checked_at: due, details: {} },
          };
        });
        const Records = [];
        for (let j = 0; j < results.length; j += MAX_RESULTS_PER_BATCH) {
          Records.push({ messageId: `r${round}-${i}-${j}`, body: JSON.stringify({ type: 'result_batch', results: results.slice(j, j + MAX_RESULTS_PER_BATCH) }), attributes: { ApproximateReceiveCount: '1' } });
        }
        deliveries.push({ Records });
      }
    }

    const outfile = `${os.tmpdir()}/cost-bench-results/index.mjs`;
    await build(houseEsbuildOptions(new URL('./results-invocation.ts', import.meta.url).pathname, outfile));
    const child = spawn(process.execPath, ['--enable-source-maps', outfile], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1' } });
    const release = args['cpu-mb'] ? holdToLambdaShare(child.pid!, Number(args['cpu-mb'])) : undefined;
    child.stdin.end(JSON.stringify({ url: url.toString(), deliveries }));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => child.on('exit', r));
    release?.();
    const rows = JSON.parse(out) as { wallMs: number; cpuMs: number; failed: number }[];
    // The first delivery pays the connection and the JIT: reported apart, as a cold start would be.
    const [first, ...warm] = rows;
    const sorted = warm.map((r) => r.wallMs).sort((a, b) => a - b);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
    console.log(`results consumer: ${N} monitors, ${ROUNDS} rounds, deliveries of ${PER} results (${rows.length} in all), one container, pool of 2`);
    console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; CPU cap: ${args['cpu-mb'] ? `${args['cpu-mb']} MB Lambda share = ${(shareOf(Number(args['cpu-mb'])) * 100).toFixed(1)}% of a core` : 'none'}`);
    console.log(`  first delivery ${first?.wallMs.toFixed(0)} ms; warm: wall mean ${mean(warm.map((r) => r.wallMs)).toFixed(0)} ms, p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms, p90 ${sorted[Math.floor(sorted.length * 0.9)]?.toFixed(0)} ms = ${(mean(warm.map((r) => r.wallMs)) / PER).toFixed(2)} ms per result; CPU ${(mean(warm.map((r) => r.cpuMs)) / PER).toFixed(2)} ms per result; failed records ${rows.reduce((n, r) => n + r.failed, 0)}`);
  } finally {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
  process.exit(0);
}

await main();
