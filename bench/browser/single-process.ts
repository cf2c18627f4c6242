import { cpus, loadavg } from 'node:os';
import { BrowserPool } from '../../layers/checks/browser/browser-pool.ts';
import { runDeepCheck, type DeepCheckOptions } from '../../layers/checks/browser/deep-check.ts';
import { createLambdaChromiumLauncher } from '../../layers/checks/browser/launcher.ts';
import { startPageServer } from '../../test/support/pages/page-server.ts';

// What keeping the single-process browser between checks saves: rounds of ten deep checks in a row with
// the container's launch (@sparticuz/chromium's arguments, on the system Chromium), once in one browser
// (the pool as it is) and once with a browser launched and closed per check (as before issue 13.1).
// Run: npx tsx bench/browser/single-process.ts [--rounds 3] [--quiet 300]

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i] ?? '', process.argv[i + 1] ?? '');
const rounds = Number(args.get('--rounds') ?? 3);
const options: DeepCheckOptions = { allowPrivateTargets: true, settleMs: 50, quietMs: Number(args.get('--quiet') ?? 300), timeoutMs: 15_000 };
const launcher = createLambdaChromiumLauncher({ moduleName: new URL('../../test/support/pages/system-sparticuz.ts', import.meta.url).href });
const pages = await startPageServer();
const url = pages.url('/plain');

async function tenInOneBrowser(): Promise<number[]> {
  const pool = new BrowserPool({ launcher, concurrency: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < 10; i += 1) times.push(await timed(() => runDeepCheck(pool, url, options)));
    if (pool.stats().launches !== 1) throw new Error(`expected one launch, saw ${pool.stats().launches}`);
  } finally {
    await pool.close();
  }
  return times;
}

async function tenRelaunched(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    times.push(
      await timed(async () => {
        const pool = new BrowserPool({ launcher, concurrency: 1 });
        try {
          return await runDeepCheck(pool, url, options);
        } finally {
          await pool.close();
        }
      }),
    );
  }
  return times;
}

async function timed(check: () => Promise<{ error_kind: string | null; error_message: string | null }>): Promise<number> {
  const started = performance.now();
  const result = await check();
  if (result.error_kind) throw new Error(`check failed: ${result.error_message ?? result.error_kind}`);
  return performance.now() - started;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const shared: number[] = [];
const relaunched: number[] = [];
try {
  for (let round = 0; round < rounds; round += 1) {
    // Alternated, so the machine's load hits both alike.
    relaunched.push(...(await tenRelaunched()));
    shared.push(...(await tenInOneBrowser()));
  }
} finally {
  await pages.close();
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()[0]?.toFixed(1)}; ${rounds} rounds of 10 deep checks, quiet window ${options.quietMs} ms`);
console.log(`relaunched per check: mean ${Math.round(mean(relaunched))} ms, median ${Math.round(median(relaunched))} ms`);
console.log(`one browser:          mean ${Math.round(mean(shared))} ms, median ${Math.round(median(shared))} ms (the first check of each round includes the launch)`);
console.log(`saved per check:      mean ${Math.round(mean(relaunched) - mean(shared))} ms`);
