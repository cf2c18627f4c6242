import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { Client } from 'undici';
import { probeHttp } from '../../layers/checks/http.ts';

// HTTP probe vs a bare undici loop, both with a fresh connection per request, against a loopback
// server (separate process) that answers after 50 ms. Run: npx tsx bench/checks/run.ts [checks] [rounds]
//
// Two servers hold the requests. The ruler is delay-server.c (compiled here with the machine's C
// compiler): epoll and an absolute timerfd per request, accurate to tens of microseconds, so the
// error measured is the probe's and the network's, not the server's. The goals are judged on it.
// delay-server.ts (Node, 1 ms timer wheel, its own GC) is run too, for comparison; without a C
// compiler it is the only server and the goals are judged on it.
//
// With --wire (needs tcpdump and the right to capture on lo, e.g. root) every connection is also
// timed by the kernel's packet timestamps, from the client's SYN to the last byte of the answer, and
// the probe's own error is reported apart from the machine's: measured minus what the wire took.

const DELAY_MS = 50;
const CONCURRENCY = 10;
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const WIRE = process.argv.includes('--wire');
const CHECKS = Number(args[0] ?? 500);
const ROUNDS = Number(args[1] ?? 6);

/** Measured response time, how long the server actually held the request, and the client's port. */
interface Timing {
  measured: number;
  held: number;
  port: number;
}
type Check = (url: string) => Promise<Timing>;

const probe: Check = async (url) => {
  const r = await probeHttp(url, { allowPrivateTargets: true, timeoutMs: 10_000 });
  if (!r.is_available) throw new Error(`probe failed: ${r.error_message}`);
  return { measured: r.response_time, held: Number(r.headers['x-held-ms']), port: Number(r.headers['x-client-port']) };
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
    return { measured, held: Number(res.headers['x-held-ms']), port: Number(res.headers['x-client-port']) };
  } finally {
    await client.destroy();
  }
};

/**
 * The floor: no HTTP library at all. A socket, a hand-written request, and the clock read in the
 * 'data' callback that completes the body. Nothing that measures in JavaScript can do better on this
 * machine; what it shows is the loopback, the scheduler and the garbage collector.
 */
const raw: Check = (url) =>
  new Promise((resolve, reject) => {
    const u = new URL(url);
    const started = performance.now();
    const socket = net.connect({ host: u.hostname, port: Number(u.port) }, () => {
      socket.write(`GET ${u.pathname} HTTP/1.1\r\nhost: ${u.host}\r\nconnection: close\r\n\r\n`);
    });
    socket.setNoDelay(true);
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const length = /content-length: *(\d+)/i.exec(text);
      if (end < 0 || !length || text.length < end + 4 + Number(length[1])) return;
      const measured = performance.now() - started;
      socket.destroy();
      resolve({
        measured,
        held: Number(/x-held-ms: *([\d.]+)/i.exec(text)?.[1]),
        port: Number(/x-client-port: *(\d+)/i.exec(text)?.[1]),
      });
    });
    socket.once('error', reject);
  });

interface RunStats {
  checks: number;
  wallMs: number;
  cpuUs: number;
  times: Timing[];
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

/** Per client port: the kernel's time from the client's SYN to the last byte the server sent. */
type WireTimes = Map<number, number>;

function summarize(name: string, runs: RunStats[], wire?: WireTimes) {
  const checks = runs.reduce((s, r) => s + r.checks, 0);
  const wall = runs.reduce((s, r) => s + r.wallMs, 0);
  // Median of the rounds' CPU per check: other work on a shared machine inflates single rounds.
  const perRound = runs.map((r) => r.cpuUs / r.checks).sort((a, b) => a - b);
  const cpuMedian = perRound[Math.floor(perRound.length / 2)] ?? NaN;
  const errors = runs.flatMap((r) => r.times.map((t) => t.measured - DELAY_MS)).sort((a, b) => a - b);
  const vsHeld = runs.flatMap((r) => r.times.map((t) => t.measured - t.held)).sort((a, b) => a - b);
  const timed = wire ? runs.flatMap((r) => r.times).filter((t) => wire.has(t.port)) : [];
  const vsWire = timed.map((t) => t.measured - wire!.get(t.port)!).sort((a, b) => a - b);
  const wireVs50 = timed.map((t) => wire!.get(t.port)! - DELAY_MS).sort((a, b) => a - b);
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
    wireMatched: timed.length,
    wireP50: pct(vsWire, 50),
    wireP99: pct(vsWire, 99),
    wireVs50P99: pct(wireVs50, 99),
  };
}

interface Capture {
  stop: () => Promise<WireTimes>;
}

/** tcpdump on lo for one port; null when it cannot run here. */
async function startCapture(port: number): Promise<Capture | null> {
  const child = spawn('tcpdump', ['-i', 'lo', '-n', '-tt', '--time-stamp-precision=micro', '-l', '-U', `tcp port ${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const started = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false));
    const poll = setInterval(() => {
      if (err.includes('listening on')) {
        clearInterval(poll);
        resolve(true);
      } else if (child.exitCode !== null) {
        clearInterval(poll);
        resolve(false);
      }
    }, 20);
  });
  if (!started) {
    console.log(`--wire: tcpdump could not capture on lo (${err.trim().split('\n').pop() || 'not installed'}); no wire times`);
    return null;
  }
  return {
    stop: async () => {
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGINT');
      await new Promise((r) => child.once('close', r));
      const syn = new Map<number, number>();
      const last = new Map<number, number>();
      const line = /^(\d+\.\d+) IP 127\.0\.0\.1\.(\d+) > 127\.0\.0\.1\.(\d+): Flags \[([^\]]+)\].*length (\d+)/;
      for (const l of out.split('\n')) {
        const m = line.exec(l);
        if (!m) continue;
        const [, ts, src, dst, flags, len] = m;
        if (Number(dst) === port && flags === 'S') syn.set(Number(src), Number(ts));
        else if (Number(src) === port && Number(len) > 0) last.set(Number(dst), Number(ts));
      }
      const wire: WireTimes = new Map();
      for (const [client, t0] of syn) {
        const t1 = last.get(client);
        if (t1 !== undefined) wire.set(client, (t1 - t0) * 1000);
      }
      return wire;
    },
  };
}

interface Server {
  name: string;
  port: number;
  stop: () => void;
}

async function startCServer(): Promise<Server | null> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'py-monitor-bench-'));
  const bin = path.join(dir, 'delay-server');
  try {
    execFileSync(process.env.CC ?? 'cc', ['-O2', '-o', bin, fileURLToPath(new URL('./delay-server.c', import.meta.url))], { stdio: 'pipe' });
  } catch (err) {
    console.log(`no C compiler (${(err as Error).message.split('\n')[0]}): the Node server is the only ruler`);
    fs.rmSync(dir, { recursive: true, force: true });
    return null;
  }
  const child: ChildProcess = spawn(bin, [String(DELAY_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    child.once('error', reject);
  });
  return {
    name: 'C server (epoll + timerfd)',
    port,
    stop: () => {
      child.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startNodeServer(): Promise<Server> {
  const child = fork(fileURLToPath(new URL('./delay-server.ts', import.meta.url)), [String(DELAY_MS)], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  return {
    name: 'Node server (setTimeout)',
    port,
    stop: () => {
      child.disconnect();
      child.kill();
    },
  };
}

const SIDES = [
  { name: 'probeHttp (fresh connection per check)', check: probe },
  { name: 'bare undici (fresh Client per request)', check: bare },
  { name: 'raw socket, no HTTP library (the floor)', check: raw },
] as const;

type Summary = ReturnType<typeof summarize>;

async function measure(server: Server): Promise<{ p: Summary; b: Summary; r: Summary }> {
  const url = `http://127.0.0.1:${server.port}/`;
  for (const side of SIDES) await run(side.check, url, 200);
  const capture = WIRE ? await startCapture(server.port) : null;
  const runs: RunStats[][] = SIDES.map(() => []);
  // Rotate the order so that drifting machine load does not favour one side.
  for (let i = 0; i < ROUNDS; i++) {
    for (let k = 0; k < SIDES.length; k++) {
      const j = (i + k) % SIDES.length;
      runs[j]!.push(await run(SIDES[j]!.check, url, CHECKS));
    }
  }
  const wire = capture ? await capture.stop() : undefined;
  const [p, b, r] = SIDES.map((side, j) => summarize(side.name, runs[j]!, wire));
  return { p: p!, b: b!, r: r! };
}

async function main() {
  const cpus = os.cpus();
  console.log(`machine: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores, node ${process.version}, ${os.platform()} ${os.release()}`);
  console.log(`setup: loopback HTTP server in another process answering after ${DELAY_MS} ms, concurrency ${CONCURRENCY}, ${ROUNDS} x ${CHECKS} checks per side`);
  const precise = await startCServer();
  const servers: Server[] = precise ? [precise, await startNodeServer()] : [await startNodeServer()];
  const results: { server: Server; p: Summary; b: Summary; r: Summary }[] = [];
  try {
    for (const server of servers) results.push({ server, ...(await measure(server)) });
  } finally {
    for (const server of servers) server.stop();
  }
  console.log(`load average after the run (1/5/15 min): ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}`);
  const row = (s: Summary) =>
    `  ${s.name.padEnd(40)} ${s.checksPerSecond.toFixed(1).padStart(8)} checks/s  ${s.cpuUsPerCheck.toFixed(0).padStart(6)} µs CPU/check (median)  ` +
    `error vs 50 ms: p50 ${s.errP50.toFixed(2)} p99 ${s.errP99.toFixed(2)} max ${s.errMax.toFixed(2)} ms  ` +
    `vs server-held time: p50 ${s.heldP50.toFixed(2)} p99 ${s.heldP99.toFixed(2)} ms`;
  for (const { server, b, p, r } of results) {
    console.log('');
    console.log(`${server.name}:`);
    console.log(row(p));
    console.log(row(b));
    console.log(row(r));
    if (p.wireMatched > 0) {
      console.log('  packet capture (kernel timestamps on lo, SYN to the last byte of the answer):');
      for (const s of [p, b, r]) {
        console.log(
          `    ${s.name.padEnd(40)} measured minus wire time: p50 ${s.wireP50.toFixed(2)} p99 ${s.wireP99.toFixed(2)} ms;` +
            ` wire time minus 50 ms p99 ${s.wireVs50P99.toFixed(2)} ms (${s.wireMatched} connections matched)`,
        );
      }
    }
    console.log(`  CPU µs/check per round (sorted): bare ${b.cpuRounds.map((x) => x.toFixed(0)).join(' ')} | probe ${p.cpuRounds.map((x) => x.toFixed(0)).join(' ')}`);
  }
  const { server, b, p, r } = results[0]!;
  const overhead = (p.cpuUsPerCheck / b.cpuUsPerCheck - 1) * 100;
  console.log('');
  console.log(`goals, judged on the ${server.name}:`);
  console.log(`CPU per check (median of rounds) vs bare loop: ${overhead >= 0 ? '+' : ''}${overhead.toFixed(1)}% (goal <= +25%): ${overhead <= 25 ? 'MET' : 'NOT MET'}`);
  console.log(`probe response-time error p99 vs the nominal 50 ms: ${p.errP99.toFixed(2)} ms (goal < 5 ms): ${p.errP99 < 5 ? 'MET' : 'NOT MET'}`);
  console.log(`probe response-time error p99 vs the time the server really held the request: ${p.heldP99.toFixed(2)} ms (goal < 5 ms): ${p.heldP99 < 5 ? 'MET' : 'NOT MET'}`);
  console.log(`for scale, the floor on this machine (raw socket) p99: ${r.errP99.toFixed(2)} ms vs 50 ms, ${r.heldP99.toFixed(2)} ms vs held`);
  if (p.wireMatched > 0) {
    console.log(`the probe's own error (measured minus the wire's time) p99: ${p.wireP99.toFixed(2)} ms (raw socket ${r.wireP99.toFixed(2)} ms)`);
  }
}

await main();
