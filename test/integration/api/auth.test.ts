import { request } from 'node:http';
import { SignJWT, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { PASSWORD, expectErrorBody, expectInvalid, signUp, uniqueEmail } from './helpers.ts';

// Spec 2.1: registration, OAuth2 password login, bearer tokens with an expiry, last_login_at.

const TEST_SECRET = new TextEncoder().encode('test-secret-0123456789-0123456789-0123456789');

async function signToken(claims: { sub: number; role: string; email: string }, opts: { expOffset: number; secret?: Uint8Array; issuer?: string }) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: claims.role, email: claims.email })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(claims.sub))
    .setIssuer(opts.issuer ?? 'py-monitor')
    .setIssuedAt(now - 7200)
    .setExpirationTime(now + opts.expOffset)
    .sign(opts.secret ?? TEST_SECRET);
}

let app: TestApp;
let first: Awaited<ReturnType<typeof signUp>>;
let second: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  app = await startTestApp();
  first = await signUp(app, { name: 'First' });
  second = await signUp(app, { name: 'Second' });
});
afterAll(async () => app?.close());

describe('registration', () => {
  it('returns 201 with the new user and no password or hash anywhere in the body', async () => {
    const email = uniqueEmail('fresh');
    const res = await app.request('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD, name: 'Fresh' } });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ email, name: 'Fresh', role: 'user', is_active: true, last_login_at: null });
    expect(Number.isInteger(res.body.id)).toBe(true);
    expect(Object.keys(res.body)).not.toContain('password');
    expect(Object.keys(res.body)).not.toContain('password_hash');
    expect(res.text).not.toContain(PASSWORD);
    expect(res.text).not.toMatch(/scrypt/i);
  });

  it('makes the first account of an installation admin and later accounts user', () => {
    expect(first.role).toBe('admin');
    expect(second.role).toBe('user');
  });

  it('stores the email in lower case and rejects the same address in another case with 409', async () => {
    const email = uniqueEmail('Mixed.Case').replace('@example.com', '@Example.COM');
    const ok = await app.request('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD, name: 'Mixed' } });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.email).toBe(email.toLowerCase());
    const dup = await app.request('POST', '/api/v1/auth/register', { body: { email: email.toUpperCase(), password: PASSWORD, name: 'Again' } });
    expectErrorBody(dup, 409, 'email');
    expect(dup.body.code).toBe('CONFLICT');
  });

  it('never lists a password hash in the admin user list', async () => {
    const res = await app.request('GET', '/api/v1/users?size=100', { token: first.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(2);
    expect(res.text).not.toMatch(/password|scrypt/i);
  });
});

describe('registration when ALLOW_REGISTRATION=false', () => {
  let closed: TestApp;
  beforeAll(async () => {
    closed = await startTestApp({ ALLOW_REGISTRATION: 'false' });
  });
  afterAll(async () => closed?.close());

  it('still creates the first account, as admin, then answers 403 to self-registration', async () => {
    const admin = await closed.request('POST', '/api/v1/auth/register', { body: { email: uniqueEmail('owner'), password: PASSWORD, name: 'Owner' } });
    expect(admin.status, admin.text).toBe(201);
    expect(admin.body.role).toBe('admin');
    const denied = await closed.request('POST', '/api/v1/auth/register', { body: { email: uniqueEmail('late'), password: PASSWORD, name: 'Late' } });
    expectErrorBody(denied, 403);
    expect(denied.body.code).toBe('FORBIDDEN');
    const users = await closed.request('POST', '/api/v1/auth/login', { body: { email: admin.body.email, password: PASSWORD } });
    const list = await closed.request('GET', '/api/v1/users', { token: users.body.access_token });
    expect(list.body.total).toBe(1);
  });
});

describe('login', () => {
  it('accepts the OAuth2 password form with the email as username', async () => {
    const res = await app.request('POST', '/api/v1/auth/login', { form: { username: second.email, password: PASSWORD } });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(res.body.token_type).toBe('bearer');
  });

  it('accepts JSON {email, password} in any letter case of the email', async () => {
    const res = await app.request('POST', '/api/v1/auth/login', { body: { email: second.email.toUpperCase(), password: PASSWORD } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.token_type).toBe('bearer');
  });

  it('issues a bearer token whose lifetime is expires_in seconds (ACCESS_TOKEN_EXPIRE_MINUTES)', async () => {
    const res = await app.request('POST', '/api/v1/auth/login', { body: { email: second.email, password: PASSWORD } });
    expect(res.body.expires_in).toBe(app.config.ACCESS_TOKEN_EXPIRE_MINUTES * 60);
    const claims = decodeJwt(res.body.access_token);
    expect(claims.exp! - claims.iat!).toBe(res.body.expires_in);
    expect(claims.sub).toBe(String(second.id));
    const me = await app.request('GET', '/api/v1/users/me', { token: res.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(second.id);
  });

  it('records last_login_at on login', async () => {
    const email = uniqueEmail('stamp');
    const reg = await app.request('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD, name: 'Stamp' } });
    expect(reg.body.last_login_at).toBeNull();
    const login = await app.request('POST', '/api/v1/auth/login', { form: { username: email, password: PASSWORD } });
    const me = await app.request('GET', '/api/v1/users/me', { token: login.body.access_token });
    expect(me.body.last_login_at).not.toBeNull();
    expect(Number.isNaN(Date.parse(me.body.last_login_at))).toBe(false);
    expect(Date.parse(me.body.last_login_at)).toBeGreaterThanOrEqual(Date.parse(reg.body.created_at) - 1000);
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const wrong = await app.request('POST', '/api/v1/auth/login', { body: { email: second.email, password: 'not-the-password' } });
    const unknown = await app.request('POST', '/api/v1/auth/login', { body: { email: uniqueEmail('nobody'), password: 'not-the-password' } });
    expectErrorBody(wrong, 401);
    expectErrorBody(unknown, 401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('rejects a login without an email or username, or without a password, with 400', async () => {
    expectInvalid(await app.request('POST', '/api/v1/auth/login', { body: { password: PASSWORD } }), 'email');
    expectInvalid(await app.request('POST', '/api/v1/auth/login', { form: { username: second.email } }), 'password');
  });
});

describe('bearer tokens', () => {
  it('accepts a token signed with the installation key that has not expired', async () => {
    const token = await signToken({ sub: second.id, role: 'user', email: second.email }, { expOffset: 3600 });
    const res = await app.request('GET', '/api/v1/users/me', { token });
    expect(res.status, res.text).toBe(200);
  });

  it('rejects an expired token with 401', async () => {
    const token = await signToken({ sub: second.id, role: 'user', email: second.email }, { expOffset: -60 });
    const res = await app.request('GET', '/api/v1/users/me', { token });
    expectErrorBody(res, 401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('rejects a token whose payload was changed after signing', async () => {
    const [header, , signature] = second.token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(second.token), role: 'admin', sub: String(first.id) })).toString('base64url');
    const res = await app.request('GET', '/api/v1/users', { token: `${header}.${forged}.${signature}` });
    expectErrorBody(res, 401);
  });

  it('rejects a token signed with another key, another issuer or no signature', async () => {
    const otherKey = await signToken({ sub: first.id, role: 'admin', email: first.email }, { expOffset: 3600, secret: new TextEncoder().encode('x'.repeat(48)) });
    const otherIssuer = await signToken({ sub: first.id, role: 'admin', email: first.email }, { expOffset: 3600, issuer: 'someone-else' });
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${second.token.split('.')[1]}.`;
    for (const token of [otherKey, otherIssuer, none, 'not-a-jwt']) {
      expectErrorBody(await app.request('GET', '/api/v1/users/me', { token }), 401);
    }
  });

  it('rejects a token for a user id that does not exist', async () => {
    const token = await signToken({ sub: 999_999, role: 'admin', email: 'ghost@example.com' }, { expOffset: 3600 });
    expectErrorBody(await app.request('GET', '/api/v1/users/me', { token }), 401);
  });

  it('takes the role from the account, not from the token claims', async () => {
    const token = await signToken({ sub: second.id, role: 'admin', email: second.email }, { expOffset: 3600 });
    expectErrorBody(await app.request('GET', '/api/v1/users', { token }), 403);
  });
});

describe('login rate limit per client IP', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({ AUTH_RATE_LIMIT_PER_IP: '4', AUTH_RATE_LIMIT_PER_ACCOUNT: '100000' });
  });
  afterAll(async () => limited?.close());

  it('answers 429 with Retry-After once one IP exceeds AUTH_RATE_LIMIT_PER_IP attempts, whatever the account', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await limited.request('POST', '/api/v1/auth/login', { body: { email: uniqueEmail(`ip${i}`), password: 'wrong-password' } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    expectErrorBody(last!, 429);
    expect(last!.body.code).toBe('RATE_LIMITED');
    const retry = Number(last!.headers.get('retry-after'));
    expect(Number.isInteger(retry)).toBe(true);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(limited.config.AUTH_RATE_LIMIT_WINDOW_SECONDS);
    // Registration from the same IP is limited by the same counter.
    const reg = await limited.request('POST', '/api/v1/auth/register', { body: { email: uniqueEmail('late'), password: PASSWORD, name: 'Late' } });
    expectErrorBody(reg, 429);
  });
});

/** A JSON POST whose client socket is bound to `from`, another loopback address (127.0.0.2). */
function postFrom(app: TestApp, from: string, path: string, body: unknown): Promise<{ status: number; retryAfter: string | undefined; text: string }> {
  const url = new URL(app.url + path);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress: from, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => {
          const retry = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, retryAfter: Array.isArray(retry) ? retry[0] : retry, text });
        });
      },
    );
    req.once('error', reject).end(data);
  });
}

describe('login failures per account and address (no lockout of the owner)', () => {
  let limited: TestApp;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let bystander: Awaited<ReturnType<typeof signUp>>;
  const ATTACKER = '127.0.0.2';
  beforeAll(async () => {
    limited = await startTestApp({ AUTH_RATE_LIMIT_PER_IP: '100000', AUTH_RATE_LIMIT_PER_ACCOUNT: '3' });
    owner = await signUp(limited);
    bystander = await signUp(limited);
  });
  afterAll(async () => limited?.close());

  it('does not count successful sign-ins', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await limited.request('POST', '/api/v1/auth/login', { body: { email: bystander.email, password: PASSWORD } });
      expect(res.status, res.text).toBe(200);
    }
  });

  it('answers 429 with Retry-After to the address that failed too often on the account, even with the right password', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await postFrom(limited, ATTACKER, '/api/v1/auth/login', { email: owner.email, password: 'wrong-password' })).status);
    expect(statuses).toEqual([401, 401, 401]);
    const locked = await postFrom(limited, ATTACKER, '/api/v1/auth/login', { email: owner.email, password: PASSWORD });
    expect(locked.status, locked.text).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);
    expect(Number(locked.retryAfter)).toBeLessThanOrEqual(limited.config.AUTH_RATE_LIMIT_WINDOW_SECONDS);
  });

  it('lets the owner in with the right password from an address without failures', async () => {
    const res = await limited.request('POST', '/api/v1/auth/login', { body: { email: owner.email, password: PASSWORD } });
    expect(res.status, res.text).toBe(200);
  });

  it('refuses, while the account is under attack, an address that failed on it; other accounts are free', async () => {
    const typo = await limited.request('POST', '/api/v1/auth/login', { body: { email: owner.email, password: 'typo-password' } });
    expect(typo.status).toBe(401);
    expectErrorBody(await limited.request('POST', '/api/v1/auth/login', { body: { email: owner.email, password: PASSWORD } }), 429);
    const other = await limited.request('POST', '/api/v1/auth/login', { body: { email: bystander.email, password: PASSWORD } });
    expect(other.status, other.text).toBe(200);
  });
});

describe('password change rate limit', () => {
  let limited: TestApp;
  let who: Awaited<ReturnType<typeof signUp>>;
  beforeAll(async () => {
    limited = await startTestApp({ AUTH_RATE_LIMIT_PER_IP: '100000', AUTH_RATE_LIMIT_PER_ACCOUNT: '3' });
    who = await signUp(limited);
  });
  afterAll(async () => limited?.close());

  it('answers 429 past AUTH_RATE_LIMIT_PER_ACCOUNT attempts per user, before hashing anything', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await limited.request('POST', '/api/v1/users/me/password', { token: who.token, body: { current_password: `guess-${i}`, new_password: 'brand-new-pass' } });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([400, 400, 400, 429]);
    const right = await limited.request('POST', '/api/v1/users/me/password', { token: who.token, body: { current_password: PASSWORD, new_password: 'brand-new-pass' } });
    expectErrorBody(right, 429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
