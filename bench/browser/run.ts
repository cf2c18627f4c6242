import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { BrowserPool } from '../../layers/checks/browser/browser-pool.ts';
import { runDeepCheck } from '../../layers/checks/browser/deep-check.ts';
import { createSystemChromiumLauncher } from '../../layers/checks/browser/launcher.ts';
import { startPageServer } from '../../test/support/pages/page-server.ts';

// Deep check + screenshot on a loopback page with a warm browser: latency p50/p95 with one worker,
// then sustained checks per minute with two workers (spec 6.2), and peak memory of this process plus
// the Chromium process tree. Run: npx tsx bench/browser/run.ts [--chromium /usr/bin/chromium] [--n 30] [--seconds 30]
// [--quiet 3000] (the quiet window that ends observation after load; the page is quiet at load, so each
// check observes for about that long).

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i] ?? '', process.argv[i + 1] ?? '');
const chromiumPath = args.get('--chromium') ?? '/usr/bin/chromium';
const samples = Number(args.get('--n') ?? 30);
const seconds = Number(args.get('--seconds') ?? 30);
const quietMs = Number(args.get('--quiet') ?? 3000);

/** RSS and PSS (kB) of a process tree; PSS splits shared pages, so it does not double count Chromium's. */
function treeMemoryKb(rootPids: number[]): { rss: number; pss: number } {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // exited
    }
  }
  const seen = new Set<number>();
  const stack = [...rootPids];
  let rss = 0;
  let pss = 0;
  while (stack.length > 0) {
    const pid = stack.pop() ?? 0;
    if (seen.has(pid)) continue;
    seen.add(pid);
    stack.push(...(children.get(pid) ?? []));
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // exited or not readable
    }
  }
  return { rss, pss };
}

/** CPU seconds used by a process tree, including reaped children (Chromium's renderers exit per context). */
function treeCpuSeconds(rootPid: number): number {
  const children = new Map<number, number[]>();
  const times = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      // utime, stime, cutime, cstime are fields 14-17 of /proc/pid/stat (11-14 after the command).
      times.set(Number(entry), [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0));
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // exited
    }
  }
  let ticks = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() ?? 0;
    ticks += times.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}

function cpuNow(browserPid: number | undefined): number {
  const self = process.cpuUsage();
  return (self.user + self.system) / 1e6 + (browserPid ? treeCpuSeconds(browserPid) : 0);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const pages = await startPageServer();
  const launcher = createSystemChromiumLauncher({ executablePath: chromiumPath });
  const single = new BrowserPool({ launcher, concurrency: 1 });
  await single.warm();
  const version = await single.run(async (context) => context.browserVersion(), { watchdogMs: 10_000 });

  console.log('machine');
  console.log(`  cpu       ${cpus()[0]?.model ?? 'unknown'} x ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM`);
  console.log(`  node      ${process.version} (${process.platform}/${process.arch})`);
  console.log(`  chromium  ${version} (${chromiumPath})`);
  console.log(`  load avg  ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on the machine inflates every figure)`);
  console.log(`  workload  runDeepCheck + PNG screenshot of ${pages.url('/plain')}, observed until quiet for ${quietMs} ms after load`);

  let peak = { rss: 0, pss: 0 };
  let sampling: Array<number | undefined> = [];
  const sampler = setInterval(() => {
    const now = treeMemoryKb([process.pid, ...sampling.filter((p): p is number => p !== undefined)]);
    if (now.pss > peak.pss) peak = now;
  }, 100);

  const options = { allowPrivateTargets: true, screenshot: true, quietMs } as const;
  for (let i = 0; i < 3; i += 1) await runDeepCheck(single, pages.url('/plain'), options); // warm-up
  sampling = [single.browserPid()];
  const latencies: number[] = [];
  const cpuBefore = cpuNow(single.browserPid());
  for (let i = 0; i < samples; i += 1) {
    const started = performance.now();
    const result = await runDeepCheck(single, pages.url('/plain'), options);
    if (result.error_kind) throw new Error(`check failed: ${result.error_kind} ${result.error_message}`);
    latencies.push(performance.now() - started);
  }
  const cpuPerCheck = ((cpuNow(single.browserPid()) - cpuBefore) / samples) * 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  const onePeak = peak;
  console.log(`\none worker, ${samples} sequential checks (warm browser)`);
  console.log(`  per check p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms`);
  console.log(`  of which the quiet window after load: ${quietMs} ms`);
  console.log(`  CPU per check (node + chromium tree): ${cpuPerCheck.toFixed(0)} ms, so ${cpus().length} idle cores could sustain about ${((cpus().length * 60_000) / cpuPerCheck).toFixed(0)} checks/min`);
  console.log(`  peak memory (node + chromium tree): PSS ${(onePeak.pss / 1024).toFixed(0)} MiB, RSS sum ${(onePeak.rss / 1024).toFixed(0)} MiB`);
  await single.close();

  const pair = new BrowserPool({ launcher, concurrency: 2 });
  await pair.warm();
  for (let i = 0; i < 2; i += 1) await runDeepCheck(pair, pages.url('/plain'), options);
  peak = { rss: 0, pss: 0 };
  sampling = [pair.browserPid()];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const pairCpuBefore = cpuNow(pair.browserPid());
  const pairLatencies: number[] = [];
  let failures = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      const result = await runDeepCheck(pair, pages.url('/plain'), options);
      if (result.error_kind) failures += 1;
      pairLatencies.push(performance.now() - t);
    }
  };
  await Promise.all([worker(), worker()]);
  const elapsed = (performance.now() - started) / 1000;
  const pairCpu = cpuNow(pair.browserPid()) - pairCpuBefore;
  const pairSorted = [...pairLatencies].sort((a, b) => a - b);
  console.log(`\ntwo workers (one browser, two contexts at once) for ${elapsed.toFixed(1)} s`);
  console.log(`  ${pairLatencies.length} checks, ${failures} failed: ${((pairLatencies.length / elapsed) * 60).toFixed(0)} checks/min`);
  console.log(`  per check p50 ${percentile(pairSorted, 50).toFixed(0)} ms, p95 ${percentile(pairSorted, 95).toFixed(0)} ms`);
  console.log(`  CPU used: ${((pairCpu / elapsed) * 100).toFixed(0)}% of one core (${((pairCpu / pairLatencies.length) * 1000).toFixed(0)} ms per check)`);
  console.log(`  peak memory (node + chromium tree): PSS ${(peak.pss / 1024).toFixed(0)} MiB, RSS sum ${(peak.rss / 1024).toFixed(0)} MiB`);

  clearInterval(sampler);
  await pair.close();
  await pages.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
