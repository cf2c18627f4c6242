// CPU per check of the probe alone, at a fixed rate, against loopback targets in another process
// (issue 18: where the pipeline's per-check CPU goes at 50 checks/s). Each mode runs N checks started
// at `--rate` per second (one timer per start, or every start due within `--slot` ms together) and
// prints process.cpuUsage per check:
//   idle   a timer at the rate doing nothing (the cost of a wake-up)
//   net    a bare GET on a fresh node:net connection, the response read to its end
//   undici a bare undici request on a fresh Client (closed after)
//   probe  probeHttp as the checker calls it
//   check  runHttpCheck (probe plus the result message)
//   batch  runCheckBatch over all N checks with their due times spread at the rate (a local queue stub)
// Run: npx tsx bench/scheduler/probe-cpu.ts --modes idle,net,probe,check,batch --checks 1000 --rate 50 [--slot 0]
// Profile one mode: node --import tsx --cpu-prof --cpu-prof-dir /tmp/prof bench/scheduler/probe-cpu.ts --modes check
import { spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    root: { type: 'string', default: '.' },
    modes: { type: 'string', default: 'idle,net,undici,probe,check,batch' },
    checks: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '50' },
    slot: { type: 'string', default: '0' },
    warmup: { type: 'string', default: '200' },
  },
});
const ROOT = resolve(args.root);
const N = Number(args.checks);
const RATE = Number(args.rate);
const SLOT = Number(args.slot);
const WARMUP = Number(args.warmup);
const load = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(resolve(ROOT, rel)).href)) as T;

/** Calls `fn` n times at the rate (coalesced into slots of SLOT ms if set); resolves when all have settled. */
function atRate(n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  return new Promise((done) => {
    const t0 = Date.now();
    let next = 0;
    let left = n;
    const settle = () => {
      if (--left === 0) done();
    };
    const tick = () => {
      const now = Date.now();
      while (next < n && t0 + (next * 1000) / RATE <= now + SLOT) {
        fn(next++).then(settle, settle);
      }
      if (next < n) setTimeout(tick, Math.max(0, t0 + (next * 1000) / RATE - Date.now()));
    };
    tick();
  });
}

function bareGet(port: number): Promise<void> {
  return new Promise((res, rej) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.setNoDelay(true);
    s.once('connect', () => s.write(`GET / HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nuser-agent: bench\r\naccept: */*\r\nconnection: close\r\n\r\n`));
    s.on('data', () => undefined);
    s.once('end', () => {
      s.destroy();
      res();
    });
    s.once('error', rej);
  });
}

/** The main thread's sleeps so far (each one ends in a wake-up). */
const sleeps = () => Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${process.pid}/task/${process.pid}/status`, 'utf8'))?.[1] ?? NaN);

async function main() {
  const targets = spawn(process.execPath, [fileURLToPath(new URL('./target-server.mjs', import.meta.url)), '8'], { stdio: ['ignore', 'pipe', 'inherit'] });
  process.on('exit', () => targets.kill('SIGTERM'));
  const { ports } = JSON.parse((await createInterface({ input: targets.stdout! })[Symbol.asyncIterator]().next()).value as string) as { ports: number[] };
  const { probeHttp, checkBudgetMs } = await load<typeof import('../../layers/checks/http.ts')>('layers/checks/http.ts');
  const { runHttpCheck, runCheckBatch } = await load<typeof import('../../layers/services/checker.ts')>('layers/services/checker.ts');
  const sent: unknown[] = [];
  const log = { debug() {}, info() {}, warn() {}, error() {}, child() { return log; } };
  const ctx = {
    queue: { send: async (_q: string, m: unknown[]) => void sent.push(...m) },
    log,
    allowPrivateTargets: true,
  } as unknown as Parameters<typeof runHttpCheck>[0];
  const url = (i: number) => `http://127.0.0.1:${ports[i % ports.length]}/`;
  const message = (i: number, due: Date) => ({
    kind: 'http' as const,
    project_id: i + 1,
    due_at: due,
    cycle: 1,
    target: {
      url: url(i),
      timeout: 5,
      retry_count: 1,
      custom_headers: {},
      accepted_status_codes: ['200-299'],
      time_limit: null,
      content_change_detection: false,
      content_selector: null,
      keyword_monitoring: false,
      keywords: [],
      keyword_alert_on_found: false,
    },
  }) as unknown as Parameters<typeof runHttpCheck>[1];
  let undici: typeof import('undici') | undefined;
  try {
    undici = await import('undici');
  } catch {
    undici = undefined;
  }

  const modes: Record<string, (n: number) => Promise<void>> = {
    idle: (n) => atRate(n, async () => undefined),
    net: (n) => atRate(n, (i) => bareGet(ports[i % ports.length]!)),
    undici: (n) =>
      atRate(n, async (i) => {
        const client = new undici!.Client(`http://127.0.0.1:${ports[i % ports.length]}`, { pipelining: 0 });
        const r = await client.request({ path: '/', method: 'GET' });
        await r.body.text();
        await client.close();
      }),
    probe: (n) =>
      atRate(n, (i) =>
        probeHttp(url(i), { allowPrivateTargets: true, headers: {}, expectedStatus: ['200-299'], timeoutMs: 5000, retryCount: 1, budgetMs: checkBudgetMs(5000, 1, Infinity), captureBody: false }),
      ),
    check: (n) => atRate(n, (i) => runHttpCheck(ctx, message(i, new Date()))),
    batch: async (n) => {
      const t0 = Date.now() + 50;
      const checks = Array.from({ length: n }, (_, i) => message(i, new Date(t0 + (i * 1000) / RATE)));
      await runCheckBatch(ctx, checks as never, { remainingMs: () => 600_000 });
    },
  };

  console.log(`probe CPU: ${N} checks at ${RATE}/s, slot ${SLOT} ms; root ${ROOT}; ${os.cpus()[0]?.model} x${os.cpus().length}, node ${process.version}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const mode of args.modes.split(',')) {
    const run = modes[mode];
    if (!run || (mode === 'undici' && !undici)) {
      console.log(`${mode}: unavailable`);
      continue;
    }
    await run(Math.min(WARMUP, N));
    const s0 = sleeps();
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await run(N);
    const c = process.cpuUsage(c0);
    const wall = (performance.now() - w0) / 1000;
    const woke = (sleeps() - s0) / N;
    console.log(
      `${mode.padEnd(7)} ${(((c.user + c.system) / 1000) / N).toFixed(3)} ms per check (user ${(c.user / 1000 / N).toFixed(3)}, system ${(c.system / 1000 / N).toFixed(3)}); ${woke.toFixed(2)} wake-ups per check; ${wall.toFixed(1)} s wall`,
    );
  }
  targets.kill('SIGTERM');
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
