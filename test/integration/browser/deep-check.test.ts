import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserPool } from '../../../layers/checks/browser/browser-pool.ts';
import { runDeepCheck, type DeepCheckOptions } from '../../../layers/checks/browser/deep-check.ts';
import { startPageServer, type PageServer } from '../../support/pages/page-server.ts';
import { createTestPool } from './browser-fixture.ts';

let pool: BrowserPool;
let pages: PageServer;
const local: DeepCheckOptions = { allowPrivateTargets: true, quietMs: 1_000, timeoutMs: 15_000 };

beforeAll(async () => {
  pages = await startPageServer();
  pool = createTestPool();
  await pool.warm();
});

afterAll(async () => {
  await pool?.close();
  await pages?.close();
});

describe('deep page check (spec 4.2)', () => {
  it('reports all sixteen metrics for a healthy page', async () => {
    const result = await runDeepCheck(pool, pages.url('/plain'), local);
    expect(result.error_kind).toBeNull();
    expect(result.status_code).toBe(200);
    expect(result.time_to_first_byte).toBeGreaterThan(0);
    expect(result.dom_content_loaded).toBeGreaterThanOrEqual(result.time_to_first_byte ?? 0);
    expect(result.page_load_time).toBeGreaterThanOrEqual(result.dom_content_loaded ?? 0);
    expect(result.first_contentful_paint).toBeGreaterThan(0);
    expect(result.largest_contentful_paint).toBeGreaterThanOrEqual(result.first_contentful_paint ?? 0);
    expect(result.cumulative_layout_shift).toBe(0);
    expect(result.total_blocking_time).toBeGreaterThanOrEqual(0);
    expect(result.console_errors).toBe(0);
    expect(result.js_errors).toEqual([]);
    expect(result.resource_count).toBe(2);
    expect(result.resource_size).toBeGreaterThan(200);
    expect(result.failed_resources).toBe(0);
    expect(result.redirect_count).toBe(0);
    expect(result.js_heap_size).toBeGreaterThan(0);
    expect(result.is_dom_ready).toBe(true);
    expect(result.is_js_healthy).toBe(true);
    // The grade depends on timings; its arithmetic is tested in metrics.test.ts.
    expect(result.performance_grade).toMatch(/^[A-F]$/);
    expect(result.screenshot).toBeNull();
  });

  it('measures the blocking time of a 250 ms task after first paint', async () => {
    const result = await runDeepCheck(pool, pages.url('/busy'), local);
    expect(result.error_kind).toBeNull();
    // The page's loop alone blocks 250 - 50 = 200 ms (5 ms for timer rounding); a busy machine can only
    // add to that, and nothing is counted past the check's own time budget.
    expect(result.total_blocking_time).toBeGreaterThanOrEqual(195);
    expect(result.total_blocking_time).toBeLessThan(local.timeoutMs!);
  });

  it('measures a late layout shift', async () => {
    const result = await runDeepCheck(pool, pages.url('/shift'), local);
    expect(result.error_kind).toBeNull();
    expect(result.cumulative_layout_shift).toBeGreaterThan(0);
  });

  it('keeps observing until the page is quiet, so a shift, a long task and the LCP image two seconds after load count', async () => {
    const result = await runDeepCheck(pool, pages.url('/late'), { allowPrivateTargets: true, timeoutMs: 15_000 });
    expect(result.error_kind).toBeNull();
    expect(result.observation_end).toBe('quiet');
    const load = result.page_load_time ?? Number.POSITIVE_INFINITY;
    // The LCP candidate is the image that arrived after the two-second timer.
    expect(result.largest_contentful_paint).toBeGreaterThanOrEqual(load + 2000);
    expect(result.cumulative_layout_shift).toBeGreaterThan(0.02);
    expect(result.total_blocking_time).toBeGreaterThanOrEqual(150);
    expect(result.observed_until).toBeGreaterThan(result.largest_contentful_paint ?? Number.POSITIVE_INFINITY);
  });

  it('stops observing a page that is never quiet at the cap after load, and says so', async () => {
    const result = await runDeepCheck(pool, pages.url('/restless'), { allowPrivateTargets: true, quietMs: 1_000, maxObserveMs: 2_000 });
    expect(result.error_kind).toBeNull();
    expect(result.observation_end).toBe('cap');
    expect(result.observed_until).toBeGreaterThanOrEqual((result.page_load_time ?? 0) + 2_000);
    expect(result.cumulative_layout_shift).toBeGreaterThan(0);
  });

  it('counts one console error and one uncaught error, and the missing image as a failed resource', async () => {
    const result = await runDeepCheck(pool, pages.url('/errors'), local);
    expect(result.error_kind).toBeNull();
    expect(result.console_errors).toBe(1);
    expect(result.console_messages).toEqual(['deliberate console error']);
    expect(result.js_errors).toHaveLength(1);
    expect(result.js_errors[0]?.message).toContain('deliberate uncaught error');
    expect(result.is_js_healthy).toBe(false);
    expect(result.failed_resources).toBeGreaterThanOrEqual(1);
    expect(result.failed_resource_urls).toContain(pages.url('/missing.png'));
  });

  it('counts two redirects of the main navigation', async () => {
    const result = await runDeepCheck(pool, pages.url('/redirect-2'), local);
    expect(result.error_kind).toBeNull();
    expect(result.redirect_count).toBe(2);
    expect(result.final_url).toBe(pages.url('/plain'));
  });

  it('reports a 5xx document as an http_error with metrics', async () => {
    const result = await runDeepCheck(pool, pages.url('/server-error'), local);
    expect(result.status_code).toBe(500);
    expect(result.error_kind).toBe('http_error');
    expect(result.is_dom_ready).toBe(true);
  });

  it('reports a refused connection as connection_error', async () => {
    const result = await runDeepCheck(pool, `http://127.0.0.1:${await closedPort()}/`, local);
    expect(result.error_kind).toBe('connection_error');
    expect(result.error_message).toContain('ERR_CONNECTION_REFUSED');
  });

  it('takes a PNG screenshot in the same run', async () => {
    const result = await runDeepCheck(pool, pages.url('/plain'), { ...local, screenshot: true });
    expect(result.error_kind).toBeNull();
    expect(Buffer.from(result.screenshot ?? []).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });
});

/** A loopback port that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
