import { expect } from 'vitest';
import type { TestApp } from '../../support/app.ts';

type Response = Awaited<ReturnType<TestApp['request']>>;

/** Asserts the appendix's error body: exactly {detail, code, errors: [{field, message}]}, no stack trace. */
export function expectErrorBody(res: Response, status: number, field?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(res.body).sort()).toEqual(['code', 'detail', 'errors']);
  expect(typeof res.body.detail).toBe('string');
  expect(res.body.detail.length).toBeGreaterThan(0);
  expect(typeof res.body.code).toBe('string');
  expect(Array.isArray(res.body.errors)).toBe(true);
  for (const e of res.body.errors) {
    expect(Object.keys(e).sort()).toEqual(['field', 'message']);
    expect(typeof e.field).toBe('string');
    expect(typeof e.message).toBe('string');
  }
  expect(res.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  if (field !== undefined) {
    expect(res.body.errors.length, res.text).toBeGreaterThan(0);
    expect(res.body.errors[0].field, res.text).toBe(field);
  }
}

/** A 400 naming `field` first. */
export function expectInvalid(res: Response, field: string): void {
  expectErrorBody(res, 400, field);
  expect(res.body.code).toBe('VALIDATION');
}

export const PASSWORD = 'correct-horse-1';

let n = 0;
/** An email no other test in this run uses. */
export function uniqueEmail(prefix = 'person'): string {
  return `${prefix}-${process.pid}-${++n}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/** Registers and logs in a user through the API, returning the new account and its token. */
export async function signUp(app: TestApp, opts: { email?: string; name?: string } = {}) {
  const email = opts.email ?? uniqueEmail();
  const reg = await app.request('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD, name: opts.name ?? 'Person' } });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${reg.text}`);
  const login = await app.request('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
  return { id: reg.body.id as number, email, role: reg.body.role as string, token: login.body.access_token as string };
}

/** Creates a project as `token` and returns its id. */
export async function createProject(app: TestApp, token: string, body: Record<string, unknown> = {}): Promise<number> {
  const res = await app.request('POST', '/api/v1/projects', {
    token,
    body: { title: 'Site', url: 'https://example.com', ...body },
  });
  if (res.status !== 201) throw new Error(`create project failed: ${res.status} ${res.text}`);
  return res.body.id as number;
}
