import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Sparticuz from '@sparticuz/chromium';
import { BrowserPool } from '../../../layers/checks/browser/browser-pool.ts';
import { runDeepCheck, type DeepCheckOptions } from '../../../layers/checks/browser/deep-check.ts';
import { createLambdaChromiumLauncher } from '../../../layers/checks/browser/launcher.ts';
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

describe("deep checks with the container's Chromium arguments", () => {
  it('launches with the single-process arguments of the pinned @sparticuz/chromium', () => {
    expect(Sparticuz.args).toContain('--single-process');
  });

  it('runs ten deep checks in a row without losing the browser', async () => {
    const pool = containerPool(1);
    try {
      for (let i = 1; i <= 10; i += 1) {
        const result = await runDeepCheck(pool, pages.url('/plain'), local);
        expect(result.error_kind, `check ${i}: ${result.error_message ?? ''}`).toBeNull();
        expect(result.status_code, `check ${i}`).toBe(200);
      }
      expect(pool.stats().crashes).toBe(0);
      // A single-process Chromium hosts one context in its life: each check gets a browser of its own, so
      // none meets a browser its predecessor's closed context took down.
      expect(pool.stats().launches).toBe(10);
    } finally {
      await pool.close();
    }
    // Each check launches its own single-process browser: ten launches need more than the default 30 s on a busy machine.
  }, 120_000);

  it('runs two deep checks at once, twice', async () => {
    const pool = containerPool(2);
    try {
      for (let round = 1; round <= 2; round += 1) {
        const results = await Promise.all([runDeepCheck(pool, pages.url('/plain'), local), runDeepCheck(pool, pages.url('/plain'), local)]);
        for (const result of results) expect(result.error_kind, `round ${round}: ${result.error_message ?? ''}`).toBeNull();
      }
      expect(pool.stats().crashes).toBe(0);
    } finally {
      await pool.close();
    }
  });
});
