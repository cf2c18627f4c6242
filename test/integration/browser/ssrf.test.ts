import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserPool } from '../../../layers/checks/browser/browser-pool.ts';
import { runDeepCheck } from '../../../layers/checks/browser/deep-check.ts';
import { dnsServersResolver, systemResolver } from '../../../layers/checks/browser/address-policy.ts';
import { openTargetGuard } from '../../../layers/checks/browser/request-guard.ts';
import { startPageServer, type PageServer } from '../../support/pages/page-server.ts';
import { startDnsServer } from '../../support/servers/dns-server.ts';
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
    const result = await runDeepCheck(pool, pages.url('/ssrf-subresources'), { allowPrivateTargets: true, quietMs: 300 });
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
            `<img src="${pages.url('/pixel.png')}"><img src="http://10.1.2.3/x.png"><img src="http://localhost:8081/y.png"><img src="https://10.9.8.7/secret.png">` +
              `<script>fetch('http://192.168.1.1/admin').catch(() => {})</script>`,
          );
          await page.waitForTimeout(300);
          return guard.blocked().map((b) => b.url);
        },
        { watchdogMs: 20_000, contextOptions: guard.contextOptions },
      );
      expect(blocked).toEqual(
        expect.arrayContaining([pages.url('/pixel.png'), 'http://10.1.2.3/x.png', 'http://localhost:8081/y.png', 'http://192.168.1.1/admin', 'https://10.9.8.7/secret.png']),
      );
      expect(pages.hits('/pixel.png')).toBe(before);
    } finally {
      await guard.close();
    }
  });

  it('gives WebRTC no UDP, even to an allowed address, and records the attempt as blocked', async () => {
    const stun = dgram.createSocket('udp4');
    let packets = 0;
    stun.on('message', () => {
      packets += 1;
    });
    await new Promise<void>((resolve) => stun.bind(0, '127.0.0.1', resolve));
    const { port } = stun.address() as AddressInfo;
    try {
      const result = await runDeepCheck(pool, pages.url(`/webrtc?port=${port}`), { allowPrivateTargets: true, settleMs: 1500 });
      expect(result.error_kind).toBeNull();
      // The page's own code is not broken by the block.
      expect(result.js_errors).toEqual([]);
      expect(packets).toBe(0);
      expect(result.blocked_requests).toContainEqual({ url: `stun:127.0.0.1:${port}`, reason: expect.stringContaining('WebRTC') });
    } finally {
      stun.close();
    }
  });

  it('resolves names with the configured DNS servers, for the pre-flight and for every request', async () => {
    const dns = await startDnsServer(new Map([['site.test', [{ type: 'A', ttl: 60, address: '127.0.0.1' }]]]));
    try {
      const port = new URL(pages.origin).port;
      const before = pages.hits('/plain');
      const result = await runDeepCheck(pool, `http://site.test:${port}/plain`, { allowPrivateTargets: true, quietMs: 100, resolveHost: dnsServersResolver([dns.server]) });
      expect(result).toMatchObject({ error_kind: null, status_code: 200 });
      expect(pages.hits('/plain')).toBeGreaterThan(before);
      expect(dns.queries).toContain('site.test A');
      // What those servers answer is held to the policy like any other answer.
      const refused = await runDeepCheck(pool, `http://site.test:${port}/plain`, { allowPrivateTargets: false, resolveHost: dnsServersResolver([dns.server]) });
      expect(refused).toMatchObject({ error_kind: 'blocked_target' });
    } finally {
      await dns.close();
    }
  });

  it('holds worker and shared-worker traffic to the policy (it never reaches the refused host)', async () => {
    const result = await runDeepCheck(pool, pages.url('/workers'), {
      allowPrivateTargets: true,
      quietMs: 800,
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
    // Public for the first answer (the pre-flight), loopback afterwards: a rebinding attack.
    const rebinding = async () => (++lookups <= 1 ? ['93.184.216.34'] : ['127.0.0.1']);
    const port = new URL(pages.origin).port;
    const before = pages.hits('/plain');
    const result = await runDeepCheck(pool, `http://rebind.example.com:${port}/plain`, {
      allowPrivateTargets: false,
      screenshot: true,
      quietMs: 100,
      resolveHost: rebinding,
    });
    expect(lookups).toBeGreaterThanOrEqual(2);
    expect(result.error_kind).toBe('blocked_target');
    expect(result.error_message).toContain('target address not allowed: 127.0.0.1');
    expect(result.screenshot).toBeNull();
    expect(pages.hits('/plain')).toBe(before);
  });
});
