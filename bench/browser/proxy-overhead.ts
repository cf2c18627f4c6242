import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContextOptions } from 'playwright-core';
import type { CheckContext } from '../../layers/checks/browser/check-context.ts';
import { BrowserPool } from '../../layers/checks/browser/browser-pool.ts';
import { createSystemChromiumLauncher } from '../../layers/checks/browser/launcher.ts';
import { spawn } from 'node:child_process';
import * as z from 'zod';

// What the SSRF guard (policy proxy, and in older versions a per-request router) adds to TTFB and FCP:
// the same loopback page loaded in a bare context and in guarded ones, in turn, over HTTP and HTTPS.
// Run: npx tsx bench/browser/proxy-overhead.ts [--n 40] [--compare path/to/older/request-guard.ts]
// (`--compare` adds a third case, another copy of the guard, e.g. from a checkout of an older commit,
// measured in the same rounds so that the machine's load hits every case alike.)

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i] ?? '', process.argv[i + 1] ?? '');
const samples = Number(args.get('--n') ?? 40);
const chromiumPath = args.get('--chromium') ?? '/usr/bin/chromium';
const guardPath = new URL('../../layers/checks/browser/request-guard.ts', import.meta.url).pathname;
const comparePath = args.get('--compare') ? resolve(args.get('--compare') ?? '') : undefined;

interface Guard {
  contextOptions: Pick<BrowserContextOptions, 'proxy'>;
  install(context: CheckContext): Promise<void>;
  close(): Promise<void>;
}
type OpenGuard = (o: { policy: { allowPrivateTargets: boolean } }) => Promise<Guard>;

const sorted = (xs: number[]) => xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
const median = (xs: number[]) => {
  const s = sorted(xs);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const p90 = (xs: number[]) => {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)] ?? Number.NaN;
};

/** Starts bench/browser/origin-server.ts in a child process and returns its URLs. */
async function startOrigin(): Promise<{ http: string; https: string; stop: () => void }> {
  const child = spawn(process.execPath, [...process.execArgv, new URL('./origin-server.ts', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolveLine, reject) => {
    let buf = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      if (buf.includes('\n')) resolveLine(buf.slice(0, buf.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`origin server exited (${code})`)));
  });
  const urls = z.object({ http: z.string(), https: z.string() }).parse(JSON.parse(line));
  return { ...urls, stop: () => child.stdin.end() };
}

async function main(): Promise<void> {
  const guards: Array<[string, OpenGuard | undefined]> = [
    ['bare', undefined],
    ['guarded', ((await import(pathToFileURL(guardPath).href)) as { openTargetGuard: OpenGuard }).openTargetGuard],
  ];
  if (comparePath) guards.push(['compared', ((await import(pathToFileURL(comparePath).href)) as { openTargetGuard: OpenGuard }).openTargetGuard]);
  // The site runs in its own process, as a real one does, so this process holds only Playwright and the proxy.
  // Over HTTPS the guard tunnels (CONNECT) instead of forwarding requests.
  const origin = await startOrigin();
  const pool = new BrowserPool({ launcher: createSystemChromiumLauncher({ executablePath: chromiumPath }), concurrency: 1 });
  await pool.warm();
  const version = await pool.run(async (context) => context.browserVersion(), { watchdogMs: 10_000 });

  const load = async (url: string, open: OpenGuard | undefined) => {
    const guard = open ? await open({ policy: { allowPrivateTargets: true } }) : undefined;
    try {
      return await pool.run(
        async (context) => {
          await guard?.install(context);
          const page = await context.newPage();
          await page.goto(url, { waitUntil: 'load' });
          const m = (await page.evaluate(`(async () => {
            await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));
            const nav = performance.getEntriesByType('navigation')[0];
            const fcp = performance.getEntriesByName('first-contentful-paint')[0];
            return { ttfb: nav.responseStart, fcp: fcp ? fcp.startTime : NaN };
          })()`)) as { ttfb: number; fcp: number };
          return m;
        },
        { watchdogMs: 30_000, contextOptions: { ...(guard?.contextOptions ?? {}), ignoreHTTPSErrors: true } },
      );
    } finally {
      await guard?.close();
    }
  };

  console.log('machine');
  console.log(`  cpu       ${cpus()[0]?.model ?? 'unknown'} x ${cpus().length} cores, Node ${process.version}, Chromium ${version}`);
  console.log(`  load avg  ${loadavg().map((l) => l.toFixed(2)).join(' ')} at start (other work on the machine inflates every figure)`);
  console.log(`  guarded   ${guardPath}`);
  if (comparePath) console.log(`  compared  ${comparePath}`);
  console.log(`  workload  ${samples} rounds; each round loads a page (HTML + one image) once per case, in turn`);
  for (const [label, url] of [
    ['http ', `${origin.http}/plain`],
    ['https', `${origin.https}/plain`],
  ] as const) {
    for (let i = 0; i < 3; i++) for (const [, open] of guards) await load(url, open);
    const figures = guards.map(() => ({ ttfb: [] as number[], fcp: [] as number[] }));
    for (let i = 0; i < samples; i++) {
      for (const [j, [, open]] of guards.entries()) {
        const m = await load(url, open);
        figures[j]?.ttfb.push(m.ttfb);
        figures[j]?.fcp.push(m.fcp);
      }
    }
    for (const metric of ['ttfb', 'fcp'] as const) {
      const base = median(figures[0]?.[metric] ?? []);
      const cells = guards.map(([name], j) => {
        const xs = figures[j]?.[metric] ?? [];
        const extra = j === 0 ? '' : `, +${(median(xs) - base).toFixed(1)}`;
        return `${name} p50 ${median(xs).toFixed(1)} (p90 ${p90(xs).toFixed(1)}${extra})`;
      });
      console.log(`  ${label} ${metric.toUpperCase().padEnd(4)} ms: ${cells.join('; ')}`);
    }
  }
  console.log(`  load avg  ${loadavg().map((l) => l.toFixed(2)).join(' ')} at end`);
  await pool.close();
  origin.stop();
}

await main();
