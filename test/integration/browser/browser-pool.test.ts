import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserMonitoringError, BrowserPool } from '../../../layers/checks/browser/browser-pool.ts';
import { createLambdaChromiumLauncher, createSystemChromiumLauncher } from '../../../layers/checks/browser/launcher.ts';
import { runDeepCheck } from '../../../layers/checks/browser/deep-check.ts';
import { startPageServer, type PageServer } from '../../support/pages/page-server.ts';
import { createTestPool } from './browser-fixture.ts';

let pool: BrowserPool;
let pages: PageServer;

beforeAll(async () => {
  pages = await startPageServer();
  pool = createTestPool({ concurrency: 2, closeTimeoutMs: 1_000 });
  await pool.warm();
});

afterAll(async () => {
  await pool?.close();
  await pages?.close();
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(25);
  }
}

describe('browser pool', () => {
  it('runs at most two checks at once and queues the rest', async () => {
    let running = 0;
    let peak = 0;
    const contexts = new Set<unknown>();
    const task = async (context: unknown) => {
      contexts.add(context);
      running += 1;
      peak = Math.max(peak, running);
      await sleep(150);
      running -= 1;
      return 'done';
    };
    const runs = Array.from({ length: 5 }, () => pool.run(task, { watchdogMs: 10_000 }));
    await until(() => pool.stats().queued === 3);
    expect(await Promise.all(runs)).toEqual(Array(5).fill('done'));
    expect(peak).toBe(2);
    expect(contexts.size).toBe(5);
    expect(pool.stats()).toMatchObject({ active: 0, queued: 0 });
  });

  it('restarts a crashed browser and reports the interrupted check as a monitoring_error', async () => {
    const pid = pool.browserPid();
    expect(pid).toBeGreaterThan(0);
    const before = pool.stats();
    const hitsBefore = pages.hits('/slow');
    const check = runDeepCheck(pool, pages.url('/slow'), { allowPrivateTargets: true });
    await until(() => pages.hits('/slow') > hitsBefore);
    process.kill(pid ?? 0, 'SIGKILL');
    const result = await check;
    expect(result.error_kind).toBe('monitoring_error');
    expect(result.error_message).toMatch(/crashed or disconnected/);

    const next = await runDeepCheck(pool, pages.url('/plain'), { allowPrivateTargets: true, quietMs: 100 });
    expect(next.error_kind).toBeNull();
    expect(pool.browserPid()).not.toBe(pid);
    expect(pool.stats().crashes).toBe(before.crashes + 1);
    expect(pool.stats().launches).toBe(before.launches + 1);
  });

  it('times out a page whose script never yields, and the worker carries on', async () => {
    const result = await runDeepCheck(pool, pages.url('/infinite-loop'), { allowPrivateTargets: true, timeoutMs: 5_000 });
    expect(result.error_kind).toBe('timeout');
    const next = await runDeepCheck(pool, pages.url('/plain'), { allowPrivateTargets: true, quietMs: 100 });
    expect(next.error_kind).toBeNull();
  });

  it('kills and replaces a hung browser once the watchdog fires', async () => {
    const pid = pool.browserPid() ?? 0;
    process.kill(pid, 'SIGSTOP');
    try {
      const hung = pool.run(async (context) => (await context.newPage()).url(), { watchdogMs: 1_500 });
      await expect(hung).rejects.toBeInstanceOf(BrowserMonitoringError);
      await expect(hung).rejects.toThrow(/watchdog/);
    } finally {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // killed by the pool, as intended
      }
    }
    await until(() => !isAlive(pid));
    const url = await pool.run(async (context) => {
      const page = await context.newPage();
      await page.goto(pages.url('/plain'));
      return page.url();
    }, { watchdogMs: 10_000 });
    expect(url).toBe(pages.url('/plain'));
    expect(pool.browserPid()).not.toBe(pid);
  });

  it('launches through the @sparticuz/chromium interface when running on Lambda', async () => {
    const lambdaPool = new BrowserPool({
      launcher: createLambdaChromiumLauncher({ moduleName: new URL('../../support/pages/system-sparticuz.ts', import.meta.url).href }),
      concurrency: 1,
    });
    try {
      const result = await runDeepCheck(lambdaPool, pages.url('/plain'), { allowPrivateTargets: true, quietMs: 50 });
      expect(result.error_kind).toBeNull();
    } finally {
      await lambdaPool.close();
    }
  });

  it('reports a browser that cannot start as a monitoring error', async () => {
    const broken = new BrowserPool({ launcher: createSystemChromiumLauncher({ executablePath: '/nonexistent/chromium' }) });
    const result = await runDeepCheck(broken, pages.url('/plain'), { allowPrivateTargets: true });
    expect(result.error_kind).toBe('monitoring_error');
    expect(result.error_message).toMatch(/browser failed to start/);
    await broken.close();
  });

  it('fails checks with a monitoring error once closed', async () => {
    const closing = createTestPool();
    await closing.close();
    const result = await runDeepCheck(closing, pages.url('/plain'), { allowPrivateTargets: true });
    expect(result.error_kind).toBe('monitoring_error');
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
