import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { PASSWORD, expectErrorBody, expectInvalid, signUp, uniqueEmail } from './helpers.ts';

// Spec 2.1 (registration rules), 2.3 (settings and their defaults), 2.4 (profile, password, roles).

let app: TestApp;
let admin: Awaited<ReturnType<typeof signUp>>;
let member: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  app = await startTestApp();
  admin = await signUp(app, { name: 'Admin' });
  member = await signUp(app, { name: 'Member' });
});
afterAll(async () => app?.close());

const userCount = async () => (await app.request('GET', '/api/v1/users', { token: admin.token })).body.total as number;

describe('registration input', () => {
  const valid = () => ({ email: uniqueEmail('reg'), password: PASSWORD, name: 'Valid' });
  const invalidCases: [string, string, Record<string, unknown>][] = [
    ['a password shorter than 8 characters', 'password', { password: '1234567' }],
    ['a missing password', 'password', { password: undefined }],
    ['a password longer than 128 characters', 'password', { password: 'p'.repeat(129) }],
    ['an email without @', 'email', { email: 'not-an-email' }],
    ['an email without a domain', 'email', { email: 'someone@' }],
    ['a missing email', 'email', { email: undefined }],
    ['a missing name', 'name', { name: undefined }],
    ['a blank name', 'name', { name: '   ' }],
    ['a name that is not a string', 'name', { name: 42 }],
  ];

  it.each(invalidCases)('rejects %s with 400 naming %s, and creates no account', async (_what, field, change) => {
    const before = await userCount();
    const res = await app.request('POST', '/api/v1/auth/register', { body: { ...valid(), ...change } });
    expectInvalid(res, field);
    expect(await userCount()).toBe(before);
  });

  it('accepts a password of exactly 8 characters', async () => {
    const res = await app.request('POST', '/api/v1/auth/register', { body: { ...valid(), password: '12345678' } });
    expect(res.status, res.text).toBe(201);
  });
});

describe('profile (2.4)', () => {
  it('changes name, profile image and phone, and shows them on /users/me', async () => {
    const res = await app.request('PATCH', '/api/v1/users/me', {
      token: member.token,
      body: { name: 'Kim Member', profile_image: 'https://example.com/me.png', phone: '+82 10-1234-5678' },
    });
    expect(res.status, res.text).toBe(200);
    const me = await app.request('GET', '/api/v1/users/me', { token: member.token });
    expect(me.body).toMatchObject({ name: 'Kim Member', profile_image: 'https://example.com/me.png', phone: '+82 10-1234-5678', email: member.email });
  });

  it('clears the phone with null', async () => {
    const res = await app.request('PATCH', '/api/v1/users/me', { token: member.token, body: { phone: null } });
    expect(res.status).toBe(200);
    expect(res.body.phone).toBeNull();
  });

  it.each([
    ['a blank name', 'name', { name: '' }],
    ['a phone with letters', 'phone', { phone: 'call me' }],
    ['an empty change', 'body', {}],
  ])('rejects %s with 400 naming %s and keeps the profile', async (_what, field, body) => {
    const before = (await app.request('GET', '/api/v1/users/me', { token: member.token })).body;
    expectInvalid(await app.request('PATCH', '/api/v1/users/me', { token: member.token, body }), field);
    const after = (await app.request('GET', '/api/v1/users/me', { token: member.token })).body;
    expect(after).toEqual(before);
  });

  it('does not let a profile change touch the role or email', async () => {
    const res = await app.request('PATCH', '/api/v1/users/me', { token: member.token, body: { name: 'Still Member', role: 'admin', email: 'x@example.com' } });
    expectErrorBody(res, 400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['role', 'email']);
    const me = await app.request('GET', '/api/v1/users/me', { token: member.token });
    expect(me.body.role).toBe('user');
    expect(me.body.email).toBe(member.email);
  });
});

describe('settings (2.3)', () => {
  it('starts at light, ko, Asia/Seoul and email notifications on', async () => {
    const fresh = await signUp(app);
    const res = await app.request('GET', '/api/v1/users/me/settings', { token: fresh.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ theme: 'light', language: 'ko', timezone: 'Asia/Seoul', email_notifications: true });
  });

  it('replaces the settings and returns omitted ones to their defaults', async () => {
    const fresh = await signUp(app);
    const full = { theme: 'dark', language: 'en', timezone: 'Europe/Berlin', email_notifications: false };
    const put = await app.request('PUT', '/api/v1/users/me/settings', { token: fresh.token, body: full });
    expect(put.body).toEqual(full);
    expect((await app.request('GET', '/api/v1/users/me/settings', { token: fresh.token })).body).toEqual(full);
    const partial = await app.request('PUT', '/api/v1/users/me/settings', { token: fresh.token, body: { theme: 'system' } });
    expect(partial.body).toEqual({ theme: 'system', language: 'ko', timezone: 'Asia/Seoul', email_notifications: true });
  });

  it('stores a time zone in its canonical IANA spelling', async () => {
    const res = await app.request('PUT', '/api/v1/users/me/settings', { token: member.token, body: { timezone: 'america/new_york' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.timezone).toBe('America/New_York');
  });

  it.each([
    ['an unknown theme', 'theme', { theme: 'blue' }],
    ['an unsupported language', 'language', { language: 'fr' }],
    ['a made-up time zone', 'timezone', { timezone: 'Mars/Olympus_Mons' }],
    ['a non-boolean email_notifications', 'email_notifications', { email_notifications: 'yes' }],
  ])('rejects %s with 400 naming %s and keeps the settings', async (_what, field, body) => {
    const before = (await app.request('GET', '/api/v1/users/me/settings', { token: member.token })).body;
    expectInvalid(await app.request('PUT', '/api/v1/users/me/settings', { token: member.token, body }), field);
    expect((await app.request('GET', '/api/v1/users/me/settings', { token: member.token })).body).toEqual(before);
  });
});

describe('password change (2.4)', () => {
  it('requires the current password', async () => {
    const who = await signUp(app);
    const res = await app.request('POST', '/api/v1/users/me/password', { token: who.token, body: { current_password: 'wrong-one', new_password: 'brand-new-pass' } });
    expectInvalid(res, 'current_password');
    const login = await app.request('POST', '/api/v1/auth/login', { body: { email: who.email, password: PASSWORD } });
    expect(login.status).toBe(200);
  });

  it('rejects a new password shorter than 8 characters', async () => {
    expectInvalid(await app.request('POST', '/api/v1/users/me/password', { token: member.token, body: { current_password: PASSWORD, new_password: 'short' } }), 'new_password');
  });

  it('replaces the password: the old one stops working and the new one logs in', async () => {
    const who = await signUp(app);
    const res = await app.request('POST', '/api/v1/users/me/password', { token: who.token, body: { current_password: PASSWORD, new_password: 'brand-new-pass' } });
    expect(res.status, res.text).toBe(200);
    expect((await app.request('POST', '/api/v1/auth/login', { body: { email: who.email, password: PASSWORD } })).status).toBe(401);
    expect((await app.request('POST', '/api/v1/auth/login', { body: { email: who.email, password: 'brand-new-pass' } })).status).toBe(200);
  });

  it('ends every other session: tokens issued before the change are refused, the one it returns works', async () => {
    const who = await signUp(app);
    const otherBrowser = await app.request('POST', '/api/v1/auth/login', { body: { email: who.email, password: PASSWORD } });
    const other = otherBrowser.body.access_token as string;
    // Both sessions are in use (and cached) before the change.
    expect((await app.request('GET', '/api/v1/users/me', { token: other })).status).toBe(200);
    expect((await app.request('GET', '/api/v1/users/me', { token: who.token })).status).toBe(200);

    const res = await app.request('POST', '/api/v1/users/me/password', { token: who.token, body: { current_password: PASSWORD, new_password: 'brand-new-pass' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ detail: 'password changed', token_type: 'bearer', expires_in: expect.any(Number) });

    for (const stale of [who.token, other]) {
      const denied = await app.request('GET', '/api/v1/users/me', { token: stale });
      expect(denied.status).toBe(401);
      expect(denied.body.detail).toMatch(/token revoked/);
    }
    const fresh = await app.request('GET', '/api/v1/users/me', { token: res.body.access_token });
    expect(fresh.status, fresh.text).toBe(200);
    expect(fresh.body.email).toBe(who.email);
    // A failed change revokes nothing.
    const wrong = await app.request('POST', '/api/v1/users/me/password', { token: res.body.access_token, body: { current_password: 'not-it-at-all', new_password: 'another-pass' } });
    expect(wrong.status).toBe(400);
    expect((await app.request('GET', '/api/v1/users/me', { token: res.body.access_token })).status).toBe(200);
  });
});

describe('user management (2.2, 2.4)', () => {
  it('lists users with pagination for an admin', async () => {
    const total = await userCount();
    const page = await app.request('GET', '/api/v1/users?page=2&size=2', { token: admin.token });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total, page: 2, size: 2, pages: Math.ceil(total / 2) });
    expect(page.body.items).toHaveLength(2);
  });

  it('changes the role of another user', async () => {
    const who = await signUp(app);
    const res = await app.request('PATCH', `/api/v1/users/${who.id}/role`, { token: admin.token, body: { role: 'manager' } });
    expect(res.status).toBe(200);
    expect(res.body.role).toBe('manager');
  });

  it('refuses an admin changing their own role with 403', async () => {
    const res = await app.request('PATCH', `/api/v1/users/${admin.id}/role`, { token: admin.token, body: { role: 'viewer' } });
    expect(res.status).toBe(403);
    expect((await app.request('GET', '/api/v1/users/me', { token: admin.token })).body.role).toBe('admin');
  });

  it('rejects an unknown role with 400 naming role and keeps the old one', async () => {
    expectInvalid(await app.request('PATCH', `/api/v1/users/${member.id}/role`, { token: admin.token, body: { role: 'superuser' } }), 'role');
    expect((await app.request('GET', '/api/v1/users/me', { token: member.token })).body.role).toBe('user');
  });
});
