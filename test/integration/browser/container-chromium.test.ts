import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Sparticuz from '@sparticuz/chromium';
import * as z from 'zod';
import { BrowserPool } from '../../../layers/checks/browser/browser-pool.ts';
import { runDeepCheck, type DeepCheckOptions } from '../../../layers/checks/browser/deep-check.ts';
import { createLambdaChromiumLauncher } from '../../../layers/checks/browser/launcher.ts';
import { parseJourneyScenario, runJourney } from '../../../layers/checks/browser/journey.ts';
import { printHtmlToPdf } from '../../../layers/checks/browser/pdf.ts';
import { openTargetGuard } from '../../../layers/checks/browser/request-guard.ts';
import { captureScreenshot, makeThumbnail } from '../../../layers/checks/browser/screenshot.ts';
import { startPageServer, type PageServer } from '../../support/pages/page-server.ts';

// The browser function's launch: @sparticuz/chromium's own arguments (read from the pinned package)
// through the Lambda launcher, on the system Chromium. Those arguments include --single-process.
const containerModule = new URL('../../support/pages/system-sparticuz.ts', import.meta.url).href;
const local: DeepCheckOptions = { allowPrivateTargets: true, settleMs: 50, quietMs: 300, timeoutMs: 15_000 };

let pages: PageServer;
beforeAll(async () => {
  pages = await startPageServer();
});
afterAll(async () => {
  await pages?.close();
});

function containerPool(concurrency: number): BrowserPool {
  return new BrowserPool({ launcher: createLambdaChromiumLauncher({ moduleName: containerModule }), concurrency });
}

const traceReport = z.object({
  where: z.enum(['top', 'frame']),
  cookie: z.string(),
  local: z.string().nullable(),
  session: z.string().nullable(),
  databases: z.array(z.string()),
  caches: z.array(z.string()),
});

/** What the /traces pages found on arrival, reported since `from`. */
function tracesSince(from: number) {
  return pages
    .reports()
    .slice(from)
    .map((body) => traceReport.parse(JSON.parse(body)));
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("deep checks with the container's Chromium arguments", () => {
  it('launches with the single-process arguments of the pinned @sparticuz/chromium', () => {
    expect(Sparticuz.args).toContain('--single-process');
  });

  it('runs ten deep checks in a row in one browser', async () => {
    const pool = containerPool(1);
    try {
      const started = Date.now();
      for (let i = 1; i <= 10; i += 1) {
        const result = await runDeepCheck(pool, pages.url('/plain'), local);
        expect(result.error_kind, `check ${i}: ${result.error_message ?? ''}`).toBeNull();
        expect(result.status_code, `check ${i}`).toBe(200);
      }
      // Printed, not asserted: the figure the README quotes (machine load varies).
      console.info(`ten deep checks in one single-process browser: ${Math.round((Date.now() - started) / 10)} ms per check`);
      // A single-process Chromium hosts one context in its life: the checks share it, one after another.
      expect(pool.stats()).toMatchObject({ launches: 1, crashes: 0, watchdogTimeouts: 0 });
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('runs two deep checks at once, twice, in two browsers', async () => {
    const pool = containerPool(2);
    try {
      for (let round = 1; round <= 2; round += 1) {
        const results = await Promise.all([runDeepCheck(pool, pages.url('/plain'), local), runDeepCheck(pool, pages.url('/plain'), local)]);
        for (const result of results) expect(result.error_kind, `round ${round}: ${result.error_message ?? ''}`).toBeNull();
      }
      expect(pool.stats()).toMatchObject({ launches: 2, crashes: 0 });
    } finally {
      await pool.close();
    }
  });
});

describe('checks sharing the single-process browser', () => {
  it('leaves the next check no cookie, storage, cache entry or cached response of the previous one', async () => {
    const pool = containerPool(1);
    const port = new URL(pages.origin).port;
    const traces = pages.url(`/traces?port=${port}`);
    try {
      // Control: within one check (one context, nothing cleared) the second visit finds the first one's traces.
      const before = pages.reports().length;
      const guard = await openTargetGuard({ policy: { allowPrivateTargets: true } });
      try {
        await pool.run(
          async (context) => {
            for (let visit = 1; visit <= 2; visit += 1) {
              const page = await context.newPage();
              await page.goto(traces);
              await until(() => pages.reports().length >= before + visit * 2);
              await page.close();
            }
          },
          { watchdogMs: 30_000, contextOptions: guard.contextOptions },
        );
      } finally {
        await guard.close();
      }
      const again = tracesSince(before + 2);
      expect(again.find((r) => r.where === 'top')).toMatchObject({
        local: 'top',
        databases: ['trace-db'],
        caches: ['trace-cache'],
        cookie: expect.stringContaining('plain_trace=top'),
      });
      expect(pages.cookiesSent('/traces')[1]).toContain('server_trace=1');
      expect(again.find((r) => r.where === 'frame')).toMatchObject({ local: 'frame', databases: ['trace-db'], caches: ['trace-cache'] });
      expect(pages.hits('/cacheable.js')).toBe(1);

      // The next check, in the same browser: a cold start, as if in a new browser.
      const next = pages.reports().length;
      const result = await runDeepCheck(pool, traces, { ...local, quietMs: 500 });
      expect(result.error_kind, result.error_message ?? '').toBeNull();
      await until(() => pages.reports().length >= next + 2);
      const fresh = tracesSince(next);
      expect(fresh).toHaveLength(2);
      for (const report of fresh) {
        expect(report, report.where).toMatchObject({ cookie: '', local: null, session: null, databases: [], caches: [] });
      }
      expect(pages.cookiesSent('/traces')[2]).toBe('');
      // Served again, not from the HTTP cache.
      expect(pages.hits('/cacheable.js')).toBe(2);
      expect(pool.stats().launches).toBe(1);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('holds each check to its own address policy and reports only its own blocked requests', async () => {
    const pool = containerPool(1);
    try {
      // Keeps asking the metadata address until its page is closed.
      const first = await runDeepCheck(pool, pages.url('/ssrf-forever'), { ...local, maxObserveMs: 1_000 });
      expect(first.error_kind).toBeNull();
      expect(first.blocked_requests.map((b) => b.url)).toContain('http://169.254.169.254/latest/meta-data/');

      const hits = pages.hits('/plain');
      const refused = await runDeepCheck(pool, pages.url('/plain'), { ...local, allowPrivateTargets: false });
      expect(refused.error_kind).toBe('blocked_target');
      expect(refused.error_message).toContain('target address not allowed: 127.0.0.1');
      expect(pages.hits('/plain')).toBe(hits);

      const allowed = await runDeepCheck(pool, pages.url('/plain'), local);
      expect(allowed).toMatchObject({ error_kind: null, status_code: 200, blocked_requests: [] });
      expect(pages.hits('/plain')).toBeGreaterThan(hits);

      const subresources = await runDeepCheck(pool, pages.url('/ssrf-subresources'), local);
      expect(subresources.blocked_requests.map((b) => b.url)).toEqual(
        expect.arrayContaining(['http://169.254.169.254/latest/meta-data/iam.png', 'ws://169.254.169.254/socket']),
      );
      expect(subresources.blocked_requests.map((b) => b.url)).not.toContain('http://169.254.169.254/latest/meta-data/');
      expect(pool.stats().launches).toBe(1);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("gives each check's pages its own viewport and user agent", async () => {
    const pool = containerPool(1);
    try {
      const seen = [];
      for (const [width, userAgent] of [
        [900, 'PyMonitorTest/1'],
        [1200, undefined],
      ] as const) {
        seen.push(
          await pool.run(
            async (context) => {
              const page = await context.newPage();
              return page.evaluate('({ width: innerWidth, ua: navigator.userAgent })');
            },
            { watchdogMs: 20_000, contextOptions: { viewport: { width, height: 700 }, ...(userAgent ? { userAgent } : {}) } },
          ),
        );
      }
      expect(seen[0]).toEqual({ width: 900, ua: 'PyMonitorTest/1' });
      expect(seen[1]).toMatchObject({ width: 1200, ua: expect.stringContaining('Chrome') });
      expect(pool.stats().launches).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('runs a journey, a screenshot, a thumbnail and an offline PDF in the same browser, and a deep check after them', async () => {
    const pool = containerPool(1);
    try {
      const parsed = parseJourneyScenario({
        steps: [
          { action: 'navigate', value: pages.url('/form') },
          { action: 'type', selector: '#name', value: 'Ada' },
          { action: 'click', selector: '#go' },
          { action: 'assert_text', selector: '#msg', value: 'Welcome, Ada (free)' },
        ],
        settings: { timeout: 5_000 },
      });
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      const journey = await runJourney(pool, parsed.scenario, { allowPrivateTargets: true });
      expect(journey, journey.error_message ?? '').toMatchObject({ status: 'passed' });

      const png = await captureScreenshot(pool, pages.url('/plain'), { allowPrivateTargets: true, width: 800, height: 600, settleMs: 50 });
      expect(png.byteLength).toBeGreaterThan(100);
      const thumbnail = await makeThumbnail(pool, png, { width: 200 });
      expect([...thumbnail.subarray(0, 2)]).toEqual([0xff, 0xd8]);

      // Offline, scripts off and every request refused: none of it may outlive the PDF job.
      const { pdf, blockedRequests } = await printHtmlToPdf(pool, `<h1>Report</h1><img src="${pages.url('/pixel.png')}">`);
      expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
      expect(blockedRequests).toBeGreaterThan(0);

      const after = await runDeepCheck(pool, pages.url('/plain'), local);
      expect(after, after.error_message ?? '').toMatchObject({ error_kind: null, status_code: 200, is_js_healthy: true });
      expect(after.resource_count).toBeGreaterThanOrEqual(2);
      expect(pool.stats()).toMatchObject({ launches: 1, crashes: 0 });
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('times out a page whose script never yields, and the next check gets a working browser', async () => {
    const pool = new BrowserPool({ launcher: createLambdaChromiumLauncher({ moduleName: containerModule }), concurrency: 1, closeTimeoutMs: 2_000 });
    try {
      const stuck = await runDeepCheck(pool, pages.url('/infinite-loop'), { ...local, timeoutMs: 3_000 });
      expect(stuck.error_kind).toBe('timeout');
      const next = await runDeepCheck(pool, pages.url('/plain'), local);
      expect(next.error_kind, next.error_message ?? '').toBeNull();
      // The stuck page does not close within closeTimeoutMs, so the wipe fails and the browser is retired,
      // not handed on with a page still spinning in its only renderer process.
      expect(pool.stats()).toMatchObject({ launches: 2, crashes: 0 });
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('retires the browser after a check that outlived its watchdog', async () => {
    const pool = containerPool(1);
    try {
      const hung = pool.run(() => new Promise(() => undefined), { watchdogMs: 500 });
      await expect(hung).rejects.toThrow(/watchdog/);
      const next = await runDeepCheck(pool, pages.url('/plain'), local);
      expect(next.error_kind, next.error_message ?? '').toBeNull();
      expect(pool.stats()).toMatchObject({ launches: 2, watchdogTimeouts: 1 });
    } finally {
      await pool.close();
    }
  });
});
