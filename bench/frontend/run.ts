// Frontend benchmark (issue 17): bytes each page loads, time until the dashboard is usable with 1,000
// projects (seeded through the API), and uPlot render time for 43,200 points (30 days at one minute).
//   npx tsx bench/frontend/run.ts      (npm run bench:frontend)
// Uses the machine's PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test);
// BENCH_EMBEDDED=1 uses the embedded PGlite instead. BENCH_RUNS sets the repetitions (default 7);
// BENCH_ONLY=bytes|dashboard|chart runs one part.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { launchChromium } from '../../test/e2e/frontend-browser.ts';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 7);
const ONLY = process.env['BENCH_ONLY'];
const part = (name: string) => !ONLY || ONLY === name;
const PROJECTS = 1000;
const POINTS = 43_200;
if (!process.env['BENCH_EMBEDDED']) process.env['TEST_DATABASE_URL'] = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)] ?? NaN;
const ms = (x: number) => `${x.toFixed(1)} ms`;
const kb = (x: number) => `${(x / 1024).toFixed(1)} KB`;

function machine() {
  let chromium = 'unknown';
  try {
    chromium = execFileSync(process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    /* shown as unknown */
  }
  return `${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}, ${chromium}`;
}

async function seed(app: TestApp, token: string) {
  let next = 0;
  const worker = async () => {
    while (next < PROJECTS) {
      const i = next++;
      const r = await app.request('POST', '/api/v1/projects', {
        token,
        body: { title: `Site ${String(i).padStart(4, '0')}`, url: `http://127.0.0.1:9/site/${i}`, tags: i % 2 ? 'prod, eu' : 'prod, us', category: ['shops', 'blogs', 'apis'][i % 3] },
      });
      if (r.status !== 201) throw new Error(`seed ${i}: ${r.status} ${r.text}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

async function signedInPage(browser: Browser, appUrl: string, token: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${appUrl}/frontend/favicon.svg`);
  await page.evaluate((t) => localStorage.setItem('pym.token', t), token);
  return page;
}

/** Every response of one page load, by kind: the files (raw and as gzip would send them) and the API. */
async function bytesOf(page: Page, url: string) {
  const seen: { url: string; api: boolean; bytes: number; body: Buffer }[] = [];
  const onResponse = async (res: import('playwright-core').Response) => {
    try {
      const body = await res.body();
      seen.push({ url: res.url(), api: new URL(res.url()).pathname.startsWith('/api/'), bytes: body.length, body });
    } catch {
      /* redirects and sockets have no body */
    }
  };
  page.on('response', onResponse);
  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.waitForLoadState('networkidle');
  page.off('response', onResponse);
  const files = seen.filter((s) => !s.api);
  const api = seen.filter((s) => s.api);
  return {
    requests: seen.length,
    files: files.reduce((a, s) => a + s.bytes, 0),
    filesGzip: files.reduce((a, s) => a + gzipSync(s.body, { level: 9 }).length, 0),
    api: api.reduce((a, s) => a + s.bytes, 0),
  };
}

async function main() {
  console.log(`machine: ${machine()}`);
  const app = await startTestApp();
  const admin = await app.user('admin', 'Bench Admin');
  if (part('bytes') || part('dashboard')) {
    const t0 = performance.now();
    await seed(app, admin.token);
    console.log(`seeded ${PROJECTS} projects through the API in ${((performance.now() - t0) / 1000).toFixed(1)} s (${process.env['BENCH_EMBEDDED'] ? 'PGlite' : 'PostgreSQL'})`);
  }
  // A fresh browser for each part, so no part runs in what an earlier one left behind.
  for (const [name, measure] of [['bytes', measureBytes], ['dashboard', measureDashboard], ['chart', measureChart]] as const) {
    if (!part(name)) continue;
    const browser = await launchChromium();
    await measure(browser, app, admin.token);
    await browser.close();
  }

  const vendor = readFileSync(new URL('../../frontend/vendor/uplot/uPlot.esm.min.js', import.meta.url));
  console.log(`\nuPlot as served: ${kb(vendor.length)} raw, ${kb(gzipSync(vendor, { level: 9 }).length)} gzip (loaded only by pages that draw a chart)`);
  await app.close();
}

async function measureBytes(browser: Browser, app: TestApp, token: string) {
  const at = (p: string) => `${app.url}/frontend/html/${p}`;
  console.log('\nbytes each page loads (files raw / gzip -9 as CloudFront would compress / API JSON), signed in as admin, 1,000 projects');
  const page = await signedInPage(browser, app.url, token);
  for (const path of ['login.html', 'register.html', 'index.html', 'project.html', 'project.html?id=1', 'report.html?id=1', 'profile.html', 'tools.html', 'status.html']) {
    const b = await bytesOf(page, at(path));
    console.log(`  ${path.padEnd(18)} ${String(b.requests).padStart(3)} requests  files ${kb(b.files).padStart(9)} / ${kb(b.filesGzip).padStart(8)}  API ${kb(b.api).padStart(9)}`);
  }
  await page.context().close();
}

async function measureDashboard(browser: Browser, app: TestApp, token: string) {
  const at = (p: string) => `${app.url}/frontend/html/${p}`;
  const ready: number[] = [];
  const charted: number[] = [];
  const filter: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    // A fresh context each run: nothing cached but the token (first visit of a session).
    const p = await signedInPage(browser, app.url, token);
    await p.goto(at('index.html'));
    await p.locator('body[data-ready="true"]').waitFor();
    await p.locator('#dashboard-chart[data-points]').waitFor();
    const r = await p.evaluate(async () => {
      const readyAt = performance.getEntriesByName('pm-ready')[0]?.startTime ?? NaN;
      const chartAt = performance.getEntriesByName('pm-chart')[0]?.startTime ?? NaN;
      const input = document.getElementById('filter') as HTMLInputElement;
      const t = performance.now();
      input.value = 'site 09';
      input.dispatchEvent(new Event('input'));
      const rows = document.querySelectorAll('#projects-body tr[data-key]').length;
      await new Promise((res) => requestAnimationFrame(() => setTimeout(res, 0)));
      return { readyAt, chartAt, filterMs: performance.now() - t, rows, total: document.getElementById('stat-total')?.textContent };
    });
    if (r.total !== String(PROJECTS) || r.rows !== 50) throw new Error(`dashboard shows ${r.total} projects, ${r.rows} rows`);
    ready.push(r.readyAt);
    charted.push(r.chartAt);
    filter.push(r.filterMs);
    await p.context().close();
  }
  console.log(`\ndashboard with ${PROJECTS} projects, ${RUNS} fresh loads (navigation start -> usable: lean list with 24 h uptime in pages of 500, stats, alerts, table page of 50 rows):`);
  console.log(`  usable after   median ${ms(median(ready))}  p95 ${ms(p95(ready))}  (goal < 1000 ms; table, stat cards and alerts shown)`);
  console.log(`  chart drawn    median ${ms(median(charted))}  p95 ${ms(p95(charted))}  (the 24 h chart of all projects, loaded alongside)`);
  console.log(`  filter 1,000   median ${ms(median(filter))} from keystroke to the next frame`);
}

async function measureChart(browser: Browser, app: TestApp, token: string) {
  const at = (p: string) => `${app.url}/frontend/html/${p}`;
  const cp = await signedInPage(browser, app.url, token);
  await cp.addInitScript('window.pmImport = (path) => import(path);');
  await cp.goto(at('status.html'));
  await cp.locator('body[data-ready="true"]').waitFor();
  const chart = await cp.evaluate(
    async ({ points, runs }) => {
      const load = (window as unknown as { pmImport(p: string): Promise<Record<string, (...a: unknown[]) => { destroy(): void; plot: { data: unknown[][] } }>> }).pmImport;
      const { createTimeSeriesChart } = await load('/frontend/js/components/time-series-chart.js');
      const start = Date.parse('2026-09-16T00:00:00Z');
      // As the API sends them: ISO times, one point per minute for 30 days.
      const data = Array.from({ length: points }, (_, i) => ({ time: new Date(start + i * 60_000).toISOString(), avg: 120 + 40 * Math.sin(i / 300) + (i % 17), p95: 260 + 60 * Math.sin(i / 300) + (i % 23) }));
      const host = document.createElement('div');
      host.style.width = '1100px';
      document.querySelector('main')!.append(host);
      const times: number[] = [];
      for (let run = 0; run < runs + 1; run++) {
        const t = performance.now();
        const c = createTimeSeriesChart!(host, { kind: 'response-time', points: data }, { label: 'rt', height: 300 });
        // uPlot draws in a microtask after construction; a macrotask later it has drawn.
        await new Promise((r) => setTimeout(r, 0));
        const took = performance.now() - t;
        if (c.plot.data[0]!.length !== points) throw new Error('wrong point count');
        c.destroy();
        if (run > 0) times.push(took);
      }
      return times;
    },
    { points: POINTS, runs: RUNS },
  );
  console.log(`\nchart render, ${POINTS.toLocaleString('en')} points (avg line + p95 band, 1100x300 px, from ISO times to drawn), ${RUNS} runs after one warm-up:`);
  console.log(`  median ${ms(median(chart))}  p95 ${ms(p95(chart))}  (goal < 100 ms)`);
  await cp.context().close();
}

await main();
