import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserPool } from '../../../layers/checks/browser/browser-pool.ts';
import { runDeepCheck } from '../../../layers/checks/browser/deep-check.ts';
import { systemResolver } from '../../../layers/checks/browser/address-policy.ts';
import { openTargetGuard } from '../../../layers/checks/browser/request-guard.ts';
import { startPageServer, type PageServer } from '../../support/pages/page-server.ts';
import { createTestPool } from './browser-fixture.ts';

let pool: BrowserPool;
let pages: PageServer;

beforeAll(async () => {
  pages = await startPageServer();
  // If Chromium ever resolved inner.test itself it would reach this page server; the policy proxy must
  // resolve it instead (to a refused address in these tests).
  pool = createTestPool({ extraArgs: ['--host-resolver-rules=MAP inner.test 127.0.0.1'] });
  await pool.warm();
});

afterAll(async () => {
  await pool?.close();
  await pages?.close();
});

describe('SSRF policy in the browser', () => {
  it('refuses a private target when private targets are not allowed, without contacting it', async () => {
    const result = await runDeepCheck(pool, pages.url('/plain'), { allowPrivateTargets: false });
    expect(result.error_kind).toBe('blocked_target');
    expect(result.error_message).toContain('target address not allowed: 127.0.0.1');
    expect(pages.hits('/plain')).toBe(0);
  });

  it('blocks every request of the page to refused hosts: subresources and fetch to cloud metadata', async () => {
    const result = await runDeepCheck(pool, pages.url('/ssrf-subresources'), { allowPrivateTargets: true, settleMs: 300 });
    expect(result.error_kind).toBeNull();
    expect(result.status_code).toBe(200);
    const blocked = result.blocked_requests.map((b) => b.url);
    expect(blocked).toEqual(
      expect.arrayContaining([
        'http://169.254.169.254/latest/meta-data/iam.png',
        'http://[fd00:ec2::254]/latest/meta-data/',
        'http://169.254.169.254/latest/api/token',
        'ws://169.254.169.254/socket',
      ]),
    );
    expect(result.failed_resources).toBeGreaterThanOrEqual(2);
  });

  it('blocks a redirect of the main navigation to the metadata address', async () => {
    const result = await runDeepCheck(pool, pages.url('/redirect-to-metadata'), { allowPrivateTargets: true });
    expect(result.error_kind).toBe('blocked_target');
    expect(result.error_message).toContain('169.254.169.254');
  });

  it('blocks subresources to private hosts when private targets are not allowed', async () => {
    const before = pages.hits('/pixel.png');
    const guard = await openTargetGuard({ policy: { allowPrivateTargets: false } });
    try {
      const blocked = await pool.run(
        async (context) => {
          await guard.install(context);
          const page = await context.newPage();
          await page.setContent(
            `<img src="${pages.url('/pixel.png')}"><img src="http://10.1.2.3/x.png"><img src="http://localhost:1/y.png">` +
              `<script>fetch('http://192.168.1.1/admin').catch(() => {})</script>`,
          );
          await page.waitForTimeout(300);
          return guard.blocked().map((b) => b.url);
        },
        { watchdogMs: 20_000, contextOptions: guard.contextOptions },
      );
      expect(blocked).toEqual(
        expect.arrayContaining([pages.url('/pixel.png'), 'http://10.1.2.3/x.png', 'http://localhost:1/y.png', 'http://192.168.1.1/admin']),
      );
      expect(pages.hits('/pixel.png')).toBe(before);
    } finally {
      await guard.close();
    }
  });

  it('holds worker and shared-worker traffic to the policy (it never reaches the refused host)', async () => {
    const result = await runDeepCheck(pool, pages.url('/workers'), {
      allowPrivateTargets: true,
      settleMs: 800,
      resolveHost: async (host) => (host === 'inner.test' ? ['169.254.169.254'] : systemResolver(host)),
    });
    expect(result.error_kind).toBeNull();
    expect(pages.hits('/from-worker')).toBe(0);
    expect(pages.hits('/from-shared-worker')).toBe(0);
    expect(pages.hits('/ws-from-worker')).toBe(0);
    const port = new URL(pages.origin).port;
    const blocked = result.blocked_requests.map((b) => b.url);
    expect(blocked).toContain(`http://inner.test:${port}/from-shared-worker`);
    expect(blocked).toContain(`http://inner.test:${port}/from-worker`);
  });

  it('connects to the address it checked, so a name rebinding to a private address is refused', async () => {
    let lookups = 0;
    // Public for the first answers (pre-flight and router), loopback afterwards: a rebinding attack.
    const rebinding = async () => (++lookups <= 2 ? ['93.184.216.34'] : ['127.0.0.1']);
    const port = new URL(pages.origin).port;
    const before = pages.hits('/plain');
    const result = await runDeepCheck(pool, `http://rebind.example.com:${port}/plain`, {
      allowPrivateTargets: false,
      screenshot: true,
      settleMs: 100,
      resolveHost: rebinding,
    });
    expect(lookups).toBeGreaterThanOrEqual(3);
    expect(result.error_kind).toBe('blocked_target');
    expect(result.error_message).toContain('target address not allowed: 127.0.0.1');
    expect(result.screenshot).toBeNull();
    expect(pages.hits('/plain')).toBe(before);
  });
});
