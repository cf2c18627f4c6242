import { fork } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Client } from 'undici';
import { probeHttp } from '../../layers/checks/http.ts';

// HTTP probe vs a bare undici loop, both with a fresh connection per request, against a loopback
// server (separate process) that answers after 50 ms. Run: npx tsx bench/checks/run.ts [checks] [rounds]

const DELAY_MS = 50;
const CONCURRENCY = 10;
const CHECKS = Number(process.argv[2] ?? 500);
const ROUNDS = Number(process.argv[3] ?? 6);

/** Measured response time and how long the server actually held the request. */
type Check = (url: string) => Promise<{ measured: number; held: number }>;

const probe: Check = async (url) => {
  const r = await probeHttp(url, { allowPrivateTargets: true, timeoutMs: 10_000 });
  if (!r.is_available) throw new Error(`probe failed: ${r.error_message}`);
  return { measured: r.response_time, held: Number(r.headers['x-held-ms']) };
};

const bare: Check = async (url) => {
  const u = new URL(url);
  const started = performance.now();
  const client = new Client(u.origin, { pipelining: 1 });
  try {
    const res = await client.request({ path: u.pathname, method: 'GET' });
    for await (const _ of res.body) {
      // drain
    }
    const measured = performance.now() - started;
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
    return { measured, held: Number(res.headers['x-held-ms']) };
  } finally {
    await client.destroy();
  }
};

interface RunStats {
  checks: number;
  wallMs: number;
  cpuUs: number;
  times: { measured: number; held: number }[];
}

async function run(check: Check, url: string, n: number): Promise<RunStats> {
  const times: RunStats['times'] = [];
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        next++;
        times.push(await check(url));
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { checks: n, wallMs, cpuUs: cpu.user + cpu.system, times };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

function summarize(name: string, runs: RunStats[]) {
  const checks = runs.reduce((s, r) => s + r.checks, 0);
  const wall = runs.reduce((s, r) => s + r.wallMs, 0);
  // Median of the rounds' CPU per check: other work on a shared machine inflates single rounds.
  const perRound = runs.map((r) => r.cpuUs / r.checks).sort((a, b) => a - b);
  const cpuMedian = perRound[Math.floor(perRound.length / 2)] ?? NaN;
  const errors = runs.flatMap((r) => r.times.map((t) => t.measured - DELAY_MS)).sort((a, b) => a - b);
  const vsHeld = runs.flatMap((r) => r.times.map((t) => t.measured - t.held)).sort((a, b) => a - b);
  return {
    name,
    checks,
    checksPerSecond: (checks / wall) * 1000,
    cpuUsPerCheck: cpuMedian,
    cpuRounds: perRound,
    errP50: pct(errors, 50),
    errP99: pct(errors, 99),
    errMax: errors[errors.length - 1] ?? NaN,
    heldP50: pct(vsHeld, 50),
    heldP99: pct(vsHeld, 99),
  };
}

async function main() {
  const child = fork(fileURLToPath(new URL('./delay-server.ts', import.meta.url)), [String(DELAY_MS)], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const url = `http://127.0.0.1:${port}/`;
  try {
    await run(bare, url, 200);
    await run(probe, url, 200);
    const bareRuns: RunStats[] = [];
    const probeRuns: RunStats[] = [];
    // Alternate the order so that drifting machine load does not favour one side.
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        bareRuns.push(await run(bare, url, CHECKS));
        probeRuns.push(await run(probe, url, CHECKS));
      } else {
        probeRuns.push(await run(probe, url, CHECKS));
        bareRuns.push(await run(bare, url, CHECKS));
      }
    }
    const b = summarize('bare undici (fresh Client per request)', bareRuns);
    const p = summarize('probeHttp (fresh connection per check)', probeRuns);
    const cpus = os.cpus();
    console.log(`machine: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores, node ${process.version}, ${os.platform()} ${os.release()}`);
    console.log(`load average during the run (1/5/15 min): ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}`);
    console.log(`setup: loopback HTTP server in a child process answering after ${DELAY_MS} ms, concurrency ${CONCURRENCY}, ${ROUNDS} x ${CHECKS} checks per side`);
    console.log('');
    const row = (s: ReturnType<typeof summarize>) =>
      `${s.name.padEnd(42)} ${s.checksPerSecond.toFixed(1).padStart(8)} checks/s  ${s.cpuUsPerCheck.toFixed(0).padStart(6)} µs CPU/check (median)  ` +
      `error vs 50 ms: p50 ${s.errP50.toFixed(2)} p99 ${s.errP99.toFixed(2)} max ${s.errMax.toFixed(2)} ms  ` +
      `vs server-held time: p50 ${s.heldP50.toFixed(2)} p99 ${s.heldP99.toFixed(2)} ms`;
    console.log(row(b));
    console.log(row(p));
    console.log(`CPU µs/check per round (sorted): bare ${b.cpuRounds.map((x) => x.toFixed(0)).join(' ')} | probe ${p.cpuRounds.map((x) => x.toFixed(0)).join(' ')}`);
    const overhead = (p.cpuUsPerCheck / b.cpuUsPerCheck - 1) * 100;
    console.log('');
    console.log(`CPU per check (median of rounds) vs bare loop: ${overhead >= 0 ? '+' : ''}${overhead.toFixed(1)}% (goal <= +25%): ${overhead <= 25 ? 'MET' : 'NOT MET'}`);
    console.log(`probe response-time error p99 vs the nominal 50 ms: ${p.errP99.toFixed(2)} ms (goal < 5 ms): ${p.errP99 < 5 ? 'MET' : 'NOT MET'}`);
    console.log(`probe response-time error p99 vs the time the server really held the request: ${p.heldP99.toFixed(2)} ms (goal < 5 ms): ${p.heldP99 < 5 ? 'MET' : 'NOT MET'}`);
  } finally {
    child.disconnect();
    child.kill();
  }
}

await main();
