// Reports on a large history (issue 19): import rate through the import API, SLA report 90d p95,
// dashboard chart 30d over all projects p95, dashboard stats p95 (uncached).
//   npx tsx bench/reports/run.ts
//   BENCH_PROJECTS=1000 BENCH_DAYS=90 BENCH_INTERVAL=300 BENCH_IMPORT_CONCURRENCY=3 BENCH_REQUESTS=40
//   (BENCH_KEEP=1 keeps the database for later reads; BENCH_CLIENT=inline makes each CSV while the import runs)
//   (BENCH_DATABASE_URL overrides postgres://postgres@127.0.0.1:5432/test; a fresh database is made and dropped)
// The issue's size is 1,000 projects x 90 days at 300 s (about 26 million results); the size is a
// flag so the biggest one that fits the time at hand can run, and the figures say which ran.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import postgres from 'postgres';
import { loadConfig } from '../../layers/config.ts';
import { startLocalSystem } from '../../layers/wiring/local/runner.ts';

const BASE_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const PROJECTS = Number(process.env['BENCH_PROJECTS'] ?? 1000);
const DAYS = Number(process.env['BENCH_DAYS'] ?? 90);
const INTERVAL = Number(process.env['BENCH_INTERVAL'] ?? 300);
// Three requests at a time: with two, one request's database work and the other's parsing leave this
// 2-core machine ~20% idle (top: the process ~80% of a core, its two PostgreSQL backends ~38% each);
// with four they contend (fifth session, 100 projects: 2 -> ~80,000, 3 -> 95,636, 4 -> 90,483 rows/s).
const CONCURRENCY = Number(process.env['BENCH_IMPORT_CONCURRENCY'] ?? 3);
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 40);

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const summary = (xs: number[]) => `median ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms (n=${xs.length})`;

/**
 * The import's client, in a worker thread (plain JavaScript, evaluated there), so the server's thread
 * in this process spends its time on the import only, as with a client on another machine. It first
 * makes each project's history as the import's CSV (mostly up, an outage now and then, log-normal
 * response times) into a file, untimed: making 100 MB of CSV is the client's work, and on a 2-core
 * machine it would take CPU from the server it measures (BENCH_CLIENT=inline makes each CSV just
 * before sending it, as the benchmark did until the fifth session). Then, timed, it sends them,
 * `concurrency` requests at a time, one per project.
 */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync, writeFileSync } = require('node:fs');
const { url, token, ids, concurrency, days, interval, end, dir, inline } = workerData;
function historyCsv(seed) {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const lines = ['checked_at,is_available,status_code,response_time,error_message'];
  const start = end - days * 86400000;
  let downFor = 0;
  for (let t = start; t < end; t += interval * 1000) {
    if (downFor === 0 && rand() < 0.0005) downFor = 1 + Math.floor(rand() * 6);
    const up = downFor === 0;
    if (downFor > 0) downFor--;
    const rt = Math.round(Math.exp(4.5 + 0.5 * (rand() + rand() + rand() - 1.5)) * 10) / 10;
    lines.push(new Date(t).toISOString() + ',' + up + ',' + (up ? 200 : 503) + ',' + (up ? rt : '') + ',' + (up ? '' : 'HTTP 503'));
  }
  return { csv: lines.join('\\n') + '\\n', rows: lines.length - 1 };
}
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
(async () => {
  let next = 0, rows = 0, bytes = 0, genMs = 0;
  const counts = [];
  if (!inline) {
    const g = process.hrtime.bigint();
    for (let i = 0; i < ids.length; i++) {
      const h = historyCsv(i + 1);
      writeFileSync(dir + '/' + i + '.csv', h.csv);
      counts.push(h.rows);
    }
    genMs = ms(g);
  }
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < ids.length) {
      const i = next++;
      let body, n;
      if (inline) {
        const g = process.hrtime.bigint();
        const h = historyCsv(i + 1);
        genMs += ms(g);
        body = h.csv;
        n = h.rows;
      } else {
        body = readFileSync(dir + '/' + i + '.csv');
        n = counts[i];
      }
      const res = await fetch(url + '/api/v1/projects/' + ids[i] + '/results/import', {
        method: 'POST', headers: { authorization: 'Bearer ' + token, 'content-type': 'text/csv' }, body,
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error('project ' + ids[i] + ': ' + res.status + ' ' + text.slice(0, 300));
      const out = JSON.parse(text);
      if (out.imported !== n) throw new Error('project ' + ids[i] + ': imported ' + out.imported + ' of ' + n);
      rows += n;
      bytes += body.length;
    }
  }));
  parentPort.postMessage({ rows, bytes, genMs, importMs: ms(t0) });
})().catch((err) => parentPort.postMessage({ error: String(err && err.stack || err) }));
`;

const INLINE = process.env['BENCH_CLIENT'] === 'inline';

/** Runs the import's client worker to its end. */
function runClient(data: { url: string; token: string; ids: number[]; concurrency: number; end: number; dir: string }) {
  return new Promise<{ rows: number; bytes: number; genMs: number; importMs: number }>((resolve, reject) => {
    const worker = new Worker(CLIENT, { eval: true, workerData: { ...data, days: DAYS, interval: INTERVAL, inline: INLINE } });
    worker.once('message', (m: { rows: number; bytes: number; genMs: number; importMs: number } | { error: string }) => {
      void worker.terminate();
      if ('error' in m) reject(new Error(m.error));
      else resolve(m);
    });
    worker.once('error', reject);
  });
}

async function main() {
  const name = `${process.env['BENCH_DB_PREFIX'] ?? 'pym_bench'}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  // BENCH_LOG_STATEMENTS=<ms>: the server logs every statement slower than that (where the time goes).
  if (process.env['BENCH_LOG_STATEMENTS']) await admin.unsafe(`ALTER DATABASE ${name} SET log_min_duration_statement = ${Number(process.env['BENCH_LOG_STATEMENTS'])}`);
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const dir = await mkdtemp(join(tmpdir(), 'pym-bench-reports-'));
  const config = loadConfig({
    MODE: 'local', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false',
    JWT_SECRET: 'bench-secret-0123456789-0123456789-0123456789', PASSWORD_SCRYPT_LOG_N: '10',
    DATABASE_URL: url.toString(), DATABASE_POOL_MAX: '6',
  });
  const system = await startLocalSystem(config);
  try {
    const req = async (method: string, path: string, opts: { token?: string; body?: string; type?: string } = {}) => {
      const res = await fetch(system.url + path, {
        method,
        headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body !== undefined ? { 'content-type': opts.type ?? 'application/json' } : {}) },
        body: opts.body,
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
      return text ? JSON.parse(text) : undefined;
    };
    await req('POST', '/api/v1/auth/register', { body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password-1', name: 'Bench' }) });
    await system.ctx.sql`UPDATE users SET role = 'admin', timezone = 'UTC'`;
    const token = (await req('POST', '/api/v1/auth/login', { body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password-1' }) })).access_token as string;
    const ids: number[] = [];
    for (let i = 0; i < PROJECTS; i++) ids.push((await req('POST', '/api/v1/projects', { token, body: JSON.stringify({ title: `Site ${i}`, url: `https://site-${i}.example.com/` }) })).id);
    // Scheduled checks would add live results: keep the history as imported.
    await system.ctx.sql`UPDATE monitor_state SET is_running = false`;

    const end = Math.floor(Date.now() / 300_000) * 300_000 - 300_000;
    const { rows, bytes, genMs, importMs } = await runClient({ url: system.url, token, ids, concurrency: CONCURRENCY, end, dir });
    await system.ctx.sql`ANALYZE`;

    const sla: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const id = ids[Math.floor((i * 7919) % ids.length)]!;
      const t = process.hrtime.bigint();
      const r = await req('GET', `/api/v1/projects/${id}/reports/sla?period=90d`, { token });
      sla.push(ms(t));
      if (i === 0) console.log(`sample SLA: availability ${r.availability}, downtime ${r.downtime_minutes} min, incidents ${r.incident_count}, p95 ${r.response_time.p95} ms (${r.response_time.source}), ${r.daily.length} days`);
    }
    // The stats before the chart (whose 7 MB answers leave garbage a collection would sweep during
    // the stats' timings).
    const stats: number[] = [];
    const cached: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      await system.ctx.cache.del('dashboard:stats:v1');
      await system.ctx.cache.del(`dashboard:unread:1`);
      let t = process.hrtime.bigint();
      await req('GET', '/api/v1/dashboard/stats', { token });
      stats.push(ms(t));
      t = process.hrtime.bigint();
      await req('GET', '/api/v1/dashboard/stats', { token });
      cached.push(ms(t));
    }
    // The chart timed to its last byte, not parsed: parsing 1.7 MB of JSON is the client's work, and
    // the client shares this process's thread with the server. The first read after the import reads
    // every project's packed days (the import moved every project's count of changes).
    const chart: number[] = [];
    for (let i = 0; i < Math.max(5, Math.floor(REQUESTS / 4)); i++) {
      const t = process.hrtime.bigint();
      const res = await fetch(`${system.url}/api/v1/charts/dashboard?period=30d`, { headers: { authorization: `Bearer ${token}` } });
      const text = await res.text();
      chart.push(ms(t));
      if (res.status !== 200) throw new Error(`chart: ${res.status} ${text.slice(0, 300)}`);
      if (i === 0) {
        const r = JSON.parse(text);
        console.log(`sample dashboard chart: ${r.projects.length} projects x ${r.buckets.length} buckets of ${r.bucket_seconds} s (${r.source}); first read after the import ${chart[0]!.toFixed(1)} ms`);
      }
    }
    const [size] = await system.ctx.sql<{ results: string; rollups: string }[]>`
      SELECT pg_size_pretty(pg_total_relation_size('check_results_default')) AS results,
        pg_size_pretty(pg_total_relation_size('rollups_hourly') + pg_total_relation_size('rollups_daily')) AS rollups`;
    const cpu = cpus()[0];
    console.log(`machine: ${cpus().length} x ${cpu?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
    console.log(`size: ${PROJECTS} projects x ${DAYS} days at ${INTERVAL} s = ${rows.toLocaleString('en')} results (${(bytes / 2 ** 20).toFixed(0)} MiB of CSV); stored: results ${size?.results}, rollups ${size?.rollups}`);
    console.log(`import (HTTP, text/csv, ${CONCURRENCY} at a time, one request per project): ${(importMs / 1000).toFixed(1)} s, ${Math.round(rows / (importMs / 1000)).toLocaleString('en')} rows/s (the client in a worker thread; ${INLINE ? `each CSV made just before it is sent, in all ${(genMs / 1000).toFixed(1)} s of the import's time` : `the CSVs made before, untimed: ${(genMs / 1000).toFixed(1)} s`})`);
    console.log(`GET /projects/{id}/reports/sla?period=90d: ${summary(sla)}`);
    console.log(`GET /charts/dashboard?period=30d (all ${PROJECTS} projects): ${summary(chart)}`);
    console.log(`GET /dashboard/stats uncached: ${summary(stats)}; cached: ${summary(cached)}`);
  } finally {
    await system.close();
    await rm(dir, { recursive: true, force: true });
    if (process.env['BENCH_KEEP']) console.log(`kept database ${name}`);
    else await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
