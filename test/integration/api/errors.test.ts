import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authRoutes } from '../../../layers/endpoints/routes/auth.ts';
import { metaRoutes } from '../../../layers/endpoints/routes/meta.ts';
import { projectRoutes } from '../../../layers/endpoints/routes/projects.ts';
import { userRoutes } from '../../../layers/endpoints/routes/users.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { createProject, expectErrorBody, expectInvalid, signUp } from './helpers.ts';

// The appendix: one error body {detail, code, errors: [{field, message}]} and the listed statuses,
// never a 500 and never a stack trace.

let app: TestApp;
let admin: Awaited<ReturnType<typeof signUp>>;
let projectId: number;

beforeAll(async () => {
  app = await startTestApp();
  admin = await signUp(app, { name: 'Admin' });
  projectId = await createProject(app, admin.token);
});
afterAll(async () => app?.close());

describe('400: the request cannot be read', () => {
  it('answers malformed JSON with 400 naming the body', async () => {
    const res = await app.request('POST', '/api/v1/projects', { token: admin.token, raw: '{"title": "x", ' });
    expectInvalid(res, 'body');
  });

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['a string', '"project"'],
    ['a number', '42'],
    ['nothing', ''],
  ])('answers a JSON body that is %s where an object belongs with 400', async (_what, raw) => {
    expectInvalid(await app.request('POST', '/api/v1/projects', { token: admin.token, raw }), 'body');
  });

  it('answers a field of the wrong type with 400 naming it', async () => {
    expectInvalid(await app.request('POST', '/api/v1/projects', { token: admin.token, body: { title: ['x'], url: 'https://example.com' } }), 'title');
    expectInvalid(await app.request('PUT', '/api/v1/users/me/settings', { token: admin.token, body: { email_notifications: 1 } }), 'email_notifications');
  });

  it.each(['abc', '0', '-1', '1.5', '1e3', '99999999999', '2147483648'])('answers the project id %j with 400 naming id', async (id) => {
    expectInvalid(await app.request('GET', `/api/v1/projects/${id}`, { token: admin.token }), 'id');
  });

  it('answers a malformed percent-encoding in the path with 400', async () => {
    expectInvalid(await app.request('GET', '/api/v1/projects/%E0%A4%A', { token: admin.token }), 'id');
  });

  it('answers a body over 1 MiB with 413 naming the body', async () => {
    const raw = JSON.stringify({ title: 'big', url: 'https://example.com', description: 'x'.repeat(1024 * 1024) });
    const res = await app.request('POST', '/api/v1/projects', { token: admin.token, raw });
    expectErrorBody(res, 413, 'body');
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('reads a body just under 1 MiB and judges its fields', async () => {
    const raw = JSON.stringify({ title: 'big', url: 'https://example.com', description: 'x'.repeat(1000 * 1000) });
    expectInvalid(await app.request('POST', '/api/v1/projects', { token: admin.token, raw }), 'description');
  });

  it('answers a NUL character in a text field or query with 400 naming it (PostgreSQL cannot store one)', async () => {
    expectInvalid(await app.request('POST', '/api/v1/projects', { token: admin.token, body: { title: 'a\u0000b', url: 'https://example.com' } }), 'title');
    expectInvalid(await app.request('POST', '/api/v1/projects', { token: admin.token, body: { ...{ title: 't', url: 'https://example.com' }, keywords: ['ok', 'x\u0000'] } }), 'keywords.1');
    expectInvalid(await app.request('POST', '/api/v1/auth/login', { body: { email: 'a\u0000@example.com', password: 'whatever1' } }), 'email');
    expectInvalid(await app.request('GET', '/api/v1/projects?search=%00', { token: admin.token }), 'search');
  });

  it('answers a deeply nested body with 400, not a crash', async () => {
    const raw = `{"title":"t","url":"https://example.com","keywords":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    expectErrorBody(await app.request('POST', '/api/v1/projects', { token: admin.token, raw }), 400);
  });
});

describe('401: not authenticated', () => {
  it('answers a protected route without a token with 401 and WWW-Authenticate: Bearer', async () => {
    const res = await app.request('GET', '/api/v1/projects');
    expectErrorBody(res, 401);
    expect(res.body.code).toBe('UNAUTHORIZED');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('answers a non-Bearer Authorization header with 401', async () => {
    expectErrorBody(await app.request('GET', '/api/v1/users/me', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }), 401);
  });

  it('checks the token before the input: a bad body without a token is 401', async () => {
    expectErrorBody(await app.request('POST', '/api/v1/projects', { raw: '{broken' }), 401);
  });
});

describe('404: nothing there', () => {
  it('answers an unknown project id with 404', async () => {
    const res = await app.request('GET', '/api/v1/projects/424242', { token: admin.token });
    expectErrorBody(res, 404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  it('answers an unknown user id with 404', async () => {
    expectErrorBody(await app.request('PATCH', '/api/v1/users/424242/role', { token: admin.token, body: { role: 'viewer' } }), 404);
  });

  it.each([
    ['GET', '/api/v1/nothing-here'],
    ['GET', '/api/v2/projects'],
    ['DELETE', '/api/v1/health'],
    ['POST', '/api/v1/users/me/settings'],
    ['GET', '/api/v1/projects/1/unknown'],
  ])('answers %s %s (no such route) with 404', async (method, path) => {
    expectErrorBody(await app.request(method, path, { token: admin.token }), 404);
  });
});

describe('no 500 and no stack trace, whatever the input', () => {
  const routes = [...authRoutes, ...userRoutes, ...projectRoutes, ...metaRoutes(() => [])];
  const bodies = ['', 'null', '[]', '"x"', '{', '{"a":1}', '{"title":{"$gt":""},"url":["https://x"]}', '{"id":1e400,"page":-0}', `{"name":"${'\\ud800'}"}`, '{"__proto__":{"role":"admin"}}'];
  const ids = [() => String(projectId), () => '424242', () => 'x', () => '%ZZ', () => '1%00'];

  it.each(routes.map((r) => [`${r.method} ${r.path}`] as const))('%s', async (name) => {
    const [method, template] = name.split(' ') as [string, string];
    const seen: string[] = [];
    for (const id of template.includes('{id}') ? ids : [() => '']) {
      const path = template.replace('{id}', id());
      for (const raw of method === 'GET' ? [undefined] : bodies) {
        for (const query of ['', '?page=-1&size=1e9&search=%00&is_public=2&include_inactive=1']) {
          const res = await app.request(method, path + query, { token: admin.token, ...(raw !== undefined ? { raw } : {}) });
          if (res.status >= 500 || /\n\s+at /.test(res.text)) seen.push(`${res.status} ${path}${query} ${raw}: ${res.text.slice(0, 200)}`);
          if (res.status >= 400) expectErrorBody(res, res.status);
        }
      }
    }
    expect(seen).toEqual([]);
  });
});
