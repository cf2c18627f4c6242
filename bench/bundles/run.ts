// Bundle size and cold-init time of every zip function, built exactly as lib/house-function.ts builds
// them (the shared options in lib/bundling.ts). Run: npx tsx bench/bundles/run.ts [--runs 7]
// Goals: under 1.5 MB zipped, module init under 150 ms.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { houseBundle, houseEsbuildOptions } from '../../lib/bundling.ts';
import { projectRoot } from '../../lib/house-function.ts';

/** The zip functions of the stack (the browser function is a container image). */
const FUNCTIONS = ['api', 'tools', 'ws', 'scheduler', 'checker', 'results', 'notifier', 'daily', 'migrate'];
const SIZE_GOAL = 1.5 * 1024 * 1024;
const INIT_GOAL_MS = 150;

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;

/** What the stack sets, with placeholders, so module-scope code finds its configuration. */
const LAMBDA_ENV: Record<string, string> = {
  MODE: 'aws',
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  NODE_OPTIONS: '--enable-source-maps',
  DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db',
  JWT_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:jwt',
  DATABASE_POOL_MAX: '2',
  REDIS_URL: 'rediss://cache.example.internal:6379',
  CHECK_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/check',
  BROWSER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/browser',
  RESULTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/results',
  NOTIFY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/notify',
  CONNECTIONS_TABLE: 'connections',
  WS_ENDPOINT: 'https://ws.execute-api.us-east-1.amazonaws.com/live',
  BLOB_BUCKET: 'blobs',
  SES_FROM: 'alerts@example.com',
  PUBLIC_URL: 'https://d111111abcdef8.cloudfront.net',
};

interface Row {
  name: string;
  rawBytes: number;
  zipBytes: number;
  initMs: number | undefined;
  initCpuMs: number | undefined;
  initError?: string;
  top: string;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Largest packages in the bundle, by bytes of output. */
function topPackages(meta: Metafile, n = 3): string {
  const byPkg = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = m ? (m[1] as string) : path.split('/')[0] ?? path;
      byPkg.set(key, (byPkg.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...byPkg.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${(v / 1024).toFixed(0)}K`)
    .join(', ');
}

/**
 * Wall and CPU time of importing the handler module in a fresh node. CPU time is the steadier figure
 * on a shared machine; wall time is what a cold start waits for.
 */
function initOnce(file: string): { wall: number; cpu: number } {
  const probe =
    `const c0 = process.cpuUsage(); const t0 = performance.now(); await import(${JSON.stringify(file)});` +
    `const c = process.cpuUsage(c0); process.stdout.write(JSON.stringify({ wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 }));`;
  const out = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', probe], {
    env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENV, NODE_OPTIONS: '' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (out.status !== 0) {
    const lines = (out.stderr || out.stdout).trim().split('\n');
    throw new Error(lines.find((l) => /Error|Cannot/.test(l))?.trim() ?? lines.slice(0, 3).join(' | '));
  }
  return JSON.parse(out.stdout) as { wall: number; cpu: number };
}

async function measure(name: string, workDir: string): Promise<Row | undefined> {
  const entry = join(projectRoot, 'functions', `${name}.ts`);
  if (!existsSync(entry)) return undefined;
  const outdir = join(workDir, name);
  const outfile = join(outdir, houseBundle.outfileName);
  const result = await build({ ...houseEsbuildOptions(entry, outfile), metafile: true, logLevel: 'error' });
  // CDK zips the asset directory (bundle and map); `zip -9` is within a few percent of its archiver.
  const zipFile = join(workDir, `${name}.zip`);
  execFileSync('zip', ['-q', '-9', '-r', zipFile, '.'], { cwd: outdir });
  const rawBytes = statSync(outfile).size + (existsSync(`${outfile}.map`) ? statSync(`${outfile}.map`).size : 0);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let initError: string | undefined;
  try {
    initOnce(outfile); // warm the OS file cache, as Lambda's is after the first download
    for (let i = 0; i < RUNS; i++) {
      const t = initOnce(outfile);
      times.push(t.wall);
      cpuTimes.push(t.cpu);
    }
  } catch (err) {
    initError = err instanceof Error ? err.message : String(err);
  }
  return {
    name,
    rawBytes,
    zipBytes: statSync(zipFile).size,
    initMs: times.length > 0 ? median(times) : undefined,
    initCpuMs: cpuTimes.length > 0 ? median(cpuTimes) : undefined,
    ...(initError ? { initError } : {}),
    top: topPackages(result.metafile),
  };
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

async function main(): Promise<void> {
  const startLoad = loadavg();
  const workDir = mkdtempSync(join(tmpdir(), 'pym-bundles-'));
  const rows: Row[] = [];
  const missing: string[] = [];
  try {
    for (const name of FUNCTIONS) {
      const row = await measure(name, workDir);
      if (row) rows.push(row);
      else missing.push(`functions/${name}.ts`);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Zip function bundles — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${cpus().length} x ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
  console.log(`load average ${startLoad.map((l) => l.toFixed(1)).join(' ')} at start`);
  console.log(`esbuild ${houseBundle.format} ${houseBundle.target}, minify, source map without sources; init = median of ${RUNS} fresh \`node\` imports`);
  console.log('');
  const header = ['function', 'bundle+map', 'zipped', '< 1.5 MB', 'init wall ms', 'init CPU ms', '< 150 ms', 'largest inputs'];
  const table = rows.map((r) => [
    r.name,
    kb(r.rawBytes),
    kb(r.zipBytes),
    r.zipBytes < SIZE_GOAL ? 'yes' : 'NO',
    r.initMs === undefined ? 'error' : r.initMs.toFixed(0),
    r.initCpuMs === undefined ? 'error' : r.initCpuMs.toFixed(0),
    r.initMs === undefined ? '-' : r.initMs < INIT_GOAL_MS ? 'yes' : 'NO',
    r.top,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table) console.log(line(row));
  for (const r of rows) if (r.initError) console.log(`\n${r.name}: init failed: ${r.initError}`);
  if (missing.length > 0) console.log(`\nnot built (entry missing): ${missing.join(', ')}`);
  writeFileSync(join(tmpdir(), 'pym-bundles.json'), JSON.stringify(rows, null, 2));
}

await main();
