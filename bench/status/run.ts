// The public status page under load (issue 12):
//   npx tsx bench/status/run.ts      (BENCH_DATABASE_URL overrides postgres://postgres@127.0.0.1:5432/test;
//                                      BENCH_REDIS_URL puts the cache on Redis instead of memory)
// A fresh database gets BENCH_PROJECTS public projects (100) with BENCH_DAYS (90) days of history at
// BENCH_INTERVAL seconds (300), loaded through the history import API. Then, through the real local
// server: the status list and detail p95 uncached (the server's cache emptied before each request) and
// cached, a badge cached; and BENCH_CONNECTIONS (200) anonymous clients for BENCH_DURATION (60) s on the
// list, every detail and the badges, counting every query the database gets (postgres.js's debug hook,
// set here only: a counting wrapper around the one pool the server uses).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { loadConfig } from '../../layers/config.ts';
import { STATUS_LIST_KEY, statusDetailKey } from '../../layers/services/status-keys.ts';
import { startLocalSystem } from '../../layers/wiring/local/runner.ts';

const BASE_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const PROJECTS = Number(process.env['BENCH_PROJECTS'] ?? 100);
const DAYS = Number(process.env['BENCH_DAYS'] ?? 90);
const INTERVAL = Number(process.env['BENCH_INTERVAL'] ?? 300);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 200);
const DURATION = Number(process.env['BENCH_DURATION'] ?? 60);
const SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 200);
const CHUNK = 8000;

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const fmt = (x: number) => x.toFixed(2);

async function main() {
  // BENCH_REUSE=<database> runs again on a database a BENCH_KEEP=1 run left behind (no import).
  const reuse = process.env['BENCH_REUSE'];
  const name = reuse ?? `pym_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
  if (!reuse) await admin.unsafe(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(BASE_URL);
  dbUrl.pathname = `/${name}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'pym-bench-status-'));
  const config = loadConfig({
    MODE: 'local',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: dbUrl.toString(),
    DATABASE_POOL_MAX: '10',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'bench-secret-0123456789-0123456789-0123456789',
    PASSWORD_SCRYPT_LOG_N: '10',
    SCHEDULER_ENABLED: 'false',
    AUTH_RATE_LIMIT_PER_IP: '100000',
    AUTH_RATE_LIMIT_PER_ACCOUNT: '100000',
    CACHE_PREFIX: `pymbench:${randomBytes(4).toString('hex')}:`,
    ...(process.env['BENCH_REDIS_URL'] ? { REDIS_URL: process.env['BENCH_REDIS_URL'] } : {}),
  });
  const system = await startLocalSystem(config);
  const base = system.url;
  const { ctx } = system;
  try {
    const api = async (method: string, path: string, body?: unknown, token?: string) => {
      const res = await fetch(base + path, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    };
    if (!reuse) await api('POST', '/api/v1/auth/register', { email: 'bench@example.com', password: 'bench-password-1', name: 'Bench' });
    const token = String((await api('POST', '/api/v1/auth/login', { email: 'bench@example.com', password: 'bench-password-1' }))['access_token']);

    // The installation and its history, through the import API.
    const now = Date.now();
    const ids: number[] = [];
    let rows = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < PROJECTS && reuse; i++) ids.push(i + 1);
    for (let i = 0; i < PROJECTS && !reuse; i++) {
      const p = await api('POST', '/api/v1/projects', { title: `Public site ${i}`, url: `https://site-${i}.example.com/`, is_public: true, category: ['shops', 'apis'][i % 2], status_interval: INTERVAL, time_limit: 2000 }, token);
      const id = Number(p['id']);
      ids.push(id);
      const results = [];
      const start = Math.ceil((now - DAYS * 86_400_000) / (INTERVAL * 1000)) * INTERVAL * 1000;
      // Every tenth project had a two-hour outage one day; responses vary around 200 ms.
      const outageAt = now - ((i % 80) + 3) * 86_400_000;
      for (let t = start; t <= now; t += INTERVAL * 1000) {
        const up = i % 10 !== 0 || t < outageAt || t >= outageAt + 7_200_000;
        results.push({ checked_at: new Date(t).toISOString(), is_available: up, status_code: up ? 200 : 503, response_time: up ? 150 + ((t / 1000 + i * 7) % 100) : null, error_message: up ? null : 'HTTP 503' });
      }
      for (let j = 0; j < results.length; j += CHUNK) await api('POST', `/api/v1/projects/${id}/results/import`, { results: results.slice(j, j + CHUNK) }, token);
      rows += results.length;
    }
    const importS = ms(t0) / 1000;

    // Every query the server's pool sends from here on (bench only).
    let queries = 0;
    const byKind = new Map<string, number>();
    (ctx.sql as unknown as { options: { debug: unknown } }).options.debug = (_conn: number, text: string) => {
      queries++;
      const kind = text.replace(/\s+/g, ' ').trim().slice(0, 60);
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    };

    const time = async (path: string, before?: () => Promise<void>) => {
      if (before) await before();
      const t = process.hrtime.bigint();
      const res = await fetch(base + path);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return ms(t);
    };
    const sample = async (n: number, path: (i: number) => string, before?: (i: number) => Promise<void>) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push(await time(path(i), before && (() => before(i))));
      return out;
    };
    const pick = (i: number) => ids[i % ids.length]!;

    // One computation of each answer, to count its queries: the second of each, since the first on a
    // connection also asks PostgreSQL for the array types (postgres.js, once per connection).
    for (let i = 0; i < 12; i++) {
      await ctx.cache.del(STATUS_LIST_KEY);
      await ctx.cache.del(statusDetailKey(pick(i)));
      await ctx.cache.del(`badge:v1:uptime:${pick(i)}:30d`);
      await Promise.all([time('/api/v1/status'), time(`/api/v1/status/${pick(i)}`), time(`/api/v1/badge/${pick(i)}/uptime`)]);
    }
    await ctx.cache.del(STATUS_LIST_KEY);
    let q0 = queries;
    await time('/api/v1/status');
    const listQueries = queries - q0;
    await ctx.cache.del(statusDetailKey(pick(0)));
    q0 = queries;
    await time(`/api/v1/status/${pick(0)}`);
    const detailQueries = queries - q0;
    await ctx.cache.del(`badge:v1:uptime:${pick(0)}:30d`);
    q0 = queries;
    await time(`/api/v1/badge/${pick(0)}/uptime`);
    const badgeQueries = queries - q0;

    const n = Math.max(20, Math.floor(SAMPLES / 4));
    const listUncached = await sample(n, () => '/api/v1/status', () => ctx.cache.del(STATUS_LIST_KEY));
    const detailUncached = await sample(n, (i) => `/api/v1/status/${pick(i)}`, (i) => ctx.cache.del(statusDetailKey(pick(i))));
    await sample(PROJECTS, (i) => `/api/v1/status/${pick(i)}`);
    const listCached = await sample(SAMPLES, () => '/api/v1/status');
    const detailCached = await sample(SAMPLES, (i) => `/api/v1/status/${pick(i)}`);
    await sample(PROJECTS, (i) => `/api/v1/badge/${pick(i)}/uptime`);
    const badgeCached = await sample(SAMPLES, (i) => `/api/v1/badge/${pick(i)}/uptime`);

    // The burst: anonymous visitors on the list, the details and the badges, caches cold at the start.
    await ctx.cache.del(STATUS_LIST_KEY);
    for (const id of ids) {
      await ctx.cache.del(statusDetailKey(id));
      await ctx.cache.del(`badge:v1:uptime:${id}:30d`);
    }
    byKind.clear();
    q0 = queries;
    let k = 0;
    const paths = () => {
      const i = k++;
      const r = i % 4;
      return r === 0 ? '/api/v1/status/' : r === 1 ? `/api/v1/status/${pick(i >> 2)}` : r === 2 ? `/api/v1/badge/${pick(i >> 2)}/uptime` : `/api/v1/badge/${pick(i >> 2)}/status`;
    };
    const burstStart = Date.now();
    const timeoutsAt: number[] = [];
    const burst = await new Promise<autocannon.Result>((resolve, reject) => {
      const options = {
        url: base,
        connections: CONNECTIONS,
        duration: DURATION,
        requests: [{ method: 'GET' as const, setupRequest: (req: autocannon.Request) => ({ ...req, path: paths() }) }],
      };
      const run = autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
      run.on('reqError', () => timeoutsAt.push(Math.round((Date.now() - burstStart) / 1000)));
    });
    const burstQueries = queries - q0;
    const distinctPaths = 1 + PROJECTS * 3;
    const periods = { list: Math.ceil(DURATION / 60), detail: Math.ceil(DURATION / 120), badge: Math.ceil(DURATION / 300) };
    const bound = periods.list * listQueries + PROJECTS * (periods.detail * detailQueries + periods.badge * badgeQueries + periods.badge * 1);

    console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, load ${loadavg().map((l) => l.toFixed(2)).join(' ')} (shared with other work)`);
    console.log(`cache: ${config.REDIS_URL ? 'Redis' : 'memory'}; PostgreSQL pool 10; autocannon in the server's process`);
    if (reuse) console.log(`data: the database ${name}, imported by an earlier run`);
    else console.log(`data: ${PROJECTS} public projects x ${DAYS} days at ${INTERVAL} s = ${rows.toLocaleString('en')} results, imported in ${importS.toFixed(1)} s (${Math.round(rows / importS).toLocaleString('en')} rows/s)`);
    console.log('');
    console.log('| request | p50 ms | p95 ms | goal (p95) | DB queries per computation |');
    console.log('|---|---:|---:|---|---:|');
    console.log(`| status list, uncached | ${fmt(quantile(listUncached, 0.5))} | ${fmt(quantile(listUncached, 0.95))} | < 50 ms | ${listQueries} |`);
    console.log(`| status detail, uncached (the list cached, as after any visit) | ${fmt(quantile(detailUncached, 0.5))} | ${fmt(quantile(detailUncached, 0.95))} | < 30 ms | ${detailQueries} |`);
    console.log(`| status list, cached | ${fmt(quantile(listCached, 0.5))} | ${fmt(quantile(listCached, 0.95))} | < 3 ms | 0 |`);
    console.log(`| status detail, cached | ${fmt(quantile(detailCached, 0.5))} | ${fmt(quantile(detailCached, 0.95))} | < 3 ms | 0 |`);
    console.log(`| uptime badge, cached | ${fmt(quantile(badgeCached, 0.5))} | ${fmt(quantile(badgeCached, 0.95))} | < 2 ms | ${badgeQueries} uncached |`);
    console.log('');
    console.log(`burst: ${CONNECTIONS} clients for ${DURATION} s over ${distinctPaths} paths (list, each detail, two badges each): ${burst.requests.total.toLocaleString('en')} requests, ` +
      `${Math.round(burst.requests.average).toLocaleString('en')} req/s, p50 ${burst.latency.p50} ms, p99 ${burst.latency.p99} ms, non-2xx ${burst.non2xx}, ` +
      `errors ${burst.errors} (of which timeouts ${burst.timeouts}, resets ${burst.resets}; at second ${[...new Set(timeoutsAt)].join(', ') || '-'})`);
    console.log(`database queries during the burst: ${burstQueries} (${(burstQueries / burst.requests.total).toFixed(4)} per request); ` +
      `the bound of one computation per path per cache period (list 60 s, detail 120 s, badge 300 s) is ${bound}`);
    const top = [...byKind.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
    for (const [kind, count] of top) console.log(`  ${String(count).padStart(6)}  ${kind}`);
    console.log(`Uptime Kuma's status page (its issue #3252) makes one query per monitor for each uncached page: ${PROJECTS} monitors -> at least ${PROJECTS} queries per list. ` +
      `Ours: ${listQueries} for the list whatever the number of projects, ${detailQueries} per detail, each at most once per cache period per path.`);
  } finally {
    await system.close();
    await rm(dataDir, { recursive: true, force: true });
    if (process.env['BENCH_KEEP']) console.log(`kept the database ${name} (BENCH_REUSE=${name} runs on it again; drop it when done)`);
    else await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
