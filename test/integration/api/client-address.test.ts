import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { signUp } from './helpers.ts';

// Sign-in limits are keyed by the client's address. The local server believes X-Forwarded-For only
// from the proxies TRUST_PROXY names; otherwise anyone could pick a fresh address per attempt.

const LIMIT = { AUTH_RATE_LIMIT_PER_IP: '3', AUTH_RATE_LIMIT_PER_ACCOUNT: '1000' };

async function failedLogins(app: TestApp, email: string, forwardedFor: string[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const xff of forwardedFor) {
    const r = await app.request('POST', '/api/v1/auth/login', { body: { email, password: 'wrong-password-1' }, headers: { 'x-forwarded-for': xff } });
    statuses.push(r.status);
  }
  return statuses;
}

describe('the client address behind a reverse proxy', () => {
  let direct: TestApp;
  let proxied: TestApp;
  beforeAll(async () => {
    direct = await startTestApp(LIMIT);
    proxied = await startTestApp({ ...LIMIT, TRUST_PROXY: 'loopback' });
  });
  afterAll(async () => {
    await direct?.close();
    await proxied?.close();
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set: a new header value per try does not reset the limit', async () => {
    const { email } = await signUp(direct);
    const statuses = await failedLogins(direct, email, ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4', '198.51.100.5']);
    // The registration counted too (same address): two failures, then refused whatever the header says.
    expect(statuses).toEqual([401, 401, 429, 429, 429]);
  });

  it('with TRUST_PROXY, keys by the address the trusted proxy names, and never by what the client wrote before it', async () => {
    const { email } = await signUp(proxied);
    // The client prepends a fresh address each time; the proxy appends the one it saw (the same).
    const spoofed = ['1.1.1.1, 198.51.100.7', '2.2.2.2, 198.51.100.7', '3.3.3.3, 198.51.100.7', '4.4.4.4, 198.51.100.7'];
    expect(await failedLogins(proxied, email, spoofed)).toEqual([401, 401, 401, 429]);
    // Another client behind the same proxy has its own budget.
    expect(await failedLogins(proxied, email, ['198.51.100.8'])).toEqual([401]);
  });
});
