import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../layers/config.ts';
import { DomainError } from '../../../layers/errors.ts';
import { issueToken, verifyToken } from '../../../layers/services/auth.ts';

// Access tokens: HS256 with issuer py-monitor. Verified tokens are remembered, so expiry must still bite.

const secret = new TextEncoder().encode('unit-secret-0123456789-0123456789-0123456789');
const clockAt = (ms: number) => ({ now: () => new Date(ms) });
const user = { id: 7, email: 'kim@example.com', role: 'manager' as const };

const reason = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: unknown) => (e instanceof DomainError ? `${e.code}: ${e.message}` : String(e)),
  );

describe('access tokens', () => {
  it('round-trips the user id, role, email and token version', async () => {
    const t0 = Date.UTC(2030, 0, 1);
    const token = await issueToken({ jwtSecret: secret, clock: clockAt(t0) }, user, 3600);
    expect(await verifyToken({ jwtSecret: secret, clock: clockAt(t0 + 1000) }, token)).toEqual({ userId: 7, role: 'manager', email: 'kim@example.com', version: 0 });
    const bumped = await issueToken({ jwtSecret: secret, clock: clockAt(t0) }, { ...user, token_version: 3 }, 3600);
    expect((await verifyToken({ jwtSecret: secret, clock: clockAt(t0 + 1000) }, bumped)).version).toBe(3);
    // A second look (from the verified-token memo) answers the same.
    expect((await verifyToken({ jwtSecret: secret, clock: clockAt(t0 + 2000) }, bumped)).version).toBe(3);
  });

  it('rejects a token after its expiry even when it was verified before', async () => {
    const t0 = Date.UTC(2030, 0, 2);
    const token = await issueToken({ jwtSecret: secret, clock: clockAt(t0) }, user, 60);
    expect(await reason(verifyToken({ jwtSecret: secret, clock: clockAt(t0 + 59_000) }, token))).toBe('accepted');
    expect(await reason(verifyToken({ jwtSecret: secret, clock: clockAt(t0 + 60_000) }, token))).toBe('UNAUTHORIZED: token expired');
    expect(await reason(verifyToken({ jwtSecret: secret, clock: clockAt(t0 + 61_000) }, token))).toBe('UNAUTHORIZED: token expired');
  });

  it('does not accept a token verified under one key when checked with another', async () => {
    const t0 = Date.UTC(2030, 0, 3);
    const token = await issueToken({ jwtSecret: secret, clock: clockAt(t0) }, user, 3600);
    await verifyToken({ jwtSecret: secret, clock: clockAt(t0) }, token);
    const other = new TextEncoder().encode('another-secret-0123456789-0123456789-01234');
    expect(await reason(verifyToken({ jwtSecret: other, clock: clockAt(t0) }, token))).toMatch(/^UNAUTHORIZED/);
  });

  it('rejects a verified token with one changed character', async () => {
    const t0 = Date.UTC(2030, 0, 4);
    const token = await issueToken({ jwtSecret: secret, clock: clockAt(t0) }, user, 3600);
    await verifyToken({ jwtSecret: secret, clock: clockAt(t0) }, token);
    const flipped = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
    expect(await reason(verifyToken({ jwtSecret: secret, clock: clockAt(t0) }, flipped))).toMatch(/^UNAUTHORIZED/);
  });

  it('rejects a well-signed token without an expiry', async () => {
    const t0 = Date.UTC(2030, 0, 5);
    const forever = await new SignJWT({ role: 'admin', email: user.email, ver: 0 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(user.id))
      .setIssuedAt(t0 / 1000)
      .setIssuer('py-monitor')
      .sign(secret);
    expect(await reason(verifyToken({ jwtSecret: secret, clock: clockAt(t0 + 1000) }, forever))).toMatch(/^UNAUTHORIZED/);
  });
});

describe('the token key (JWT_SECRET)', () => {
  it('must be at least 32 bytes: a shorter one stops the start naming the variable', () => {
    expect(() => loadConfig({ JWT_SECRET: 'x'.repeat(31) })).toThrow(ConfigError);
    expect(() => loadConfig({ JWT_SECRET: 'x'.repeat(31) })).toThrow(/JWT_SECRET: must be at least 32 bytes/);
    // Bytes, not characters: 11 Hangul syllables are 33 bytes.
    expect(loadConfig({ JWT_SECRET: '가'.repeat(11) }).JWT_SECRET).toBe('가'.repeat(11));
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(32) }).JWT_SECRET).toHaveLength(32);
    // Unset or empty: the local runner generates one into DATA_DIR.
    expect(loadConfig({ JWT_SECRET: '' }).JWT_SECRET).toBeUndefined();
  });
});
