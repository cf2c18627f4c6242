// API benchmark: our whole stack (node:http -> API Gateway event -> router -> auth -> service -> repository)
// against a bare node:http server running the same SQL, on the machine's PostgreSQL.
//   npx tsx bench/api/run.ts        (BENCH_DATABASE_URL overrides postgres://postgres@127.0.0.1:5432/test)
// Each server runs in its own child process; autocannon drives them from this one, one at a time, in
// alternating rounds. Knobs: BENCH_DURATION, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_POOL_MAX,
// BENCH_ONLY=<part of a request name>, BENCH_PROFILE=<dir> (CPU profile of our stack).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { connect } from '../../layers/repositories/db.ts';
import { insertProject, type ProjectFields } from '../../layers/repositories/projects.ts';

const BASE_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const POOL_MAX = process.env['BENCH_POOL_MAX'] ?? '10';
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const DURATION = Number(process.env['BENCH_DURATION'] ?? 10);
/** Each server's DURATION is split into this many alternating rounds. */
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const PROJECTS = 1000;
const GOAL = 0.6;

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

function startChild(file: string, databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  // process.execArgv carries tsx's loader, so the child runs TypeScript the same way.
  // BENCH_PROFILE=<dir> writes a V8 CPU profile of our stack's process there (open it in Chrome DevTools).
  const profile = process.env['BENCH_PROFILE'] && file.includes('stack') ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROFILE']}`] : [];
  const child = spawn(process.execPath, [...profile, ...process.execArgv, here(file), databaseUrl, POOL_MAX], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
  });
}

function seedFields(i: number): ProjectFields {
  return {
    title: `Site ${i}`,
    url: `https://site-${i}.example.com/health`,
    host_name: `site-${i}.example.com`,
    ip_address: null,
    description: i % 3 === 0 ? `Project number ${i}, checked every five minutes` : null,
    time_limit: 5000,
    is_public: i % 2 === 0,
    category: ['shops', 'blogs', 'apis'][i % 3]!,
    tags: ['prod', i % 2 ? 'eu' : 'us'],
    custom_headers: { 'User-Agent': 'Py_Monitor', Accept: 'text/html' },
    content_change_detection: false,
    content_selector: null,
    keyword_monitoring: i % 5 === 0,
    keywords: i % 5 === 0 ? ['error', 'sold out'] : [],
    keyword_alert_on_found: false,
  };
}

interface Figures {
  rps: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, path: () => string, headers: Record<string, string>, duration: number): Promise<Figures> {
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    headers,
    requests: [{ method: 'GET', setupRequest: (req: autocannon.Request) => ({ ...req, path: path() }) }],
  });
  return { rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

async function main(): Promise<void> {
  const dbName = `pym_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
  const [{ server_version: pgVersion } = { server_version: '?' }] = await admin<{ server_version: string }[]>`SHOW server_version`;
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(BASE_URL);
  dbUrl.pathname = `/${dbName}`;
  const children: ChildProcess[] = [];
  const seedSql = connect({ url: dbUrl.toString(), max: 2 });
  try {
    const stack = await startChild('./stack-server.ts', dbUrl.toString());
    children.push(stack.child);
    const bare = await startChild('./bare-server.ts', dbUrl.toString());
    children.push(bare.child);

    // Seed: one admin through the API (it needs a real token), 1,000 projects through the repository.
    const reg = await fetch(`${stack.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password', name: 'Bench' }),
    });
    const ownerId = ((await reg.json()) as { id: number }).id;
    const login = await fetch(`${stack.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password' }),
    });
    const token = ((await login.json()) as { access_token: string }).access_token;
    const ids = await seedSql.begin(async (tx) => {
      const out: number[] = [];
      for (let i = 1; i <= PROJECTS; i++) out.push((await insertProject(tx, ownerId, seedFields(i), 300)).id);
      return out;
    });
    await seedSql`ANALYZE`;

    // Same JSON from both, or the comparison means nothing.
    const auth = { authorization: `Bearer ${token}` };
    for (const path of [`/api/v1/projects/${ids[41]}`, '/api/v1/projects?size=50']) {
      const [a, b] = await Promise.all([
        fetch(stack.url + path, { headers: auth }).then((r) => r.text()),
        fetch(bare.url + path).then((r) => r.text()),
      ]);
      if (a !== b) throw new Error(`responses differ for ${path}:\n stack ${a.slice(0, 300)}\n bare  ${b.slice(0, 300)}`);
    }

    let n = 0;
    const byId = () => `/api/v1/projects/${ids[n++ % ids.length]}`;
    const list = () => '/api/v1/projects?size=50';
    const only = process.env['BENCH_ONLY'];
    const cases = [
      { name: 'GET /api/v1/projects/{id}', path: byId },
      { name: 'GET /api/v1/projects?size=50', path: list },
    ].filter((c) => !only || c.name.includes(only));
    const load0 = loadavg();
    const results: { name: string; stack: Figures; bare: Figures }[] = [];
    // The machine may be shared: alternate short rounds so both servers see the same background load.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const combine = (fs: Figures[]): Figures => ({
      rps: fs.reduce((a, f) => a + f.rps, 0) / fs.length,
      p99: median(fs.map((f) => f.p99)),
      non2xx: fs.reduce((a, f) => a + f.non2xx, 0),
      errors: fs.reduce((a, f) => a + f.errors, 0),
    });
    for (const c of cases) {
      await load(stack.url, c.path, auth, 2); // warm-up (JIT, pools, caches)
      await load(bare.url, c.path, {}, 2);
      const s: Figures[] = [];
      const b: Figures[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const slice = DURATION / ROUNDS;
        if (round % 2 === 0) {
          s.push(await load(stack.url, c.path, auth, slice));
          b.push(await load(bare.url, c.path, {}, slice));
        } else {
          b.push(await load(bare.url, c.path, {}, slice));
          s.push(await load(stack.url, c.path, auth, slice));
        }
      }
      results.push({ name: c.name, stack: combine(s), bare: combine(b) });
    }

    const cpu = cpus();
    console.log('\nPy_Monitor API benchmark');
    console.log(`machine:    ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`);
    console.log(`node:       ${process.version}`);
    console.log(`postgresql: ${pgVersion} (${BASE_URL.replace(/\/\/[^@/]*@/, '//***@')})`);
    console.log(`load:       ${CONNECTIONS} connections, ${DURATION} s per server and request in ${ROUNDS} alternating rounds, pool ${POOL_MAX} each, ${PROJECTS} projects`);
    console.log('figures:    mean req/s over the rounds; p99 is the median of the rounds\' p99');
    console.log(`loadavg:    ${load0.map((l) => l.toFixed(2)).join(' ')} (before the measured runs)\n`);
    const pad = (s: string | number, w: number) => String(s).padStart(w);
    console.log(`${'request'.padEnd(30)} ${pad('stack req/s', 12)} ${pad('p99 ms', 7)} ${pad('bare req/s', 11)} ${pad('p99 ms', 7)} ${pad('ratio', 6)}`);
    for (const r of results) {
      const ratio = r.stack.rps / r.bare.rps;
      console.log(
        `${r.name.padEnd(30)} ${pad(r.stack.rps.toFixed(0), 12)} ${pad(r.stack.p99, 7)} ${pad(r.bare.rps.toFixed(0), 11)} ${pad(r.bare.p99, 7)} ${pad(ratio.toFixed(2), 6)}  ${ratio >= GOAL ? 'meets' : 'BELOW'} the ${GOAL * 100}% goal`,
      );
      for (const [who, f] of [['stack', r.stack], ['bare', r.bare]] as const) {
        if (f.non2xx || f.errors) console.log(`  warning: ${who} had ${f.non2xx} non-2xx responses and ${f.errors} errors`);
      }
    }
  } finally {
    for (const c of children) if (c.pid && c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    await seedSql.end({ timeout: 2 });
    await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
