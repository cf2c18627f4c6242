import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authRoutes } from '../../../layers/endpoints/routes/auth.ts';
import { metaRoutes } from '../../../layers/endpoints/routes/meta.ts';
import { projectRoutes } from '../../../layers/endpoints/routes/projects.ts';
import { userRoutes } from '../../../layers/endpoints/routes/users.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { PASSWORD, createProject, signUp, uniqueEmail } from './helpers.ts';

// Spec 2.2 as a table: who may call which route of the foundation, with the exact status.
//   admin   everything, user management, role changes (not their own)
//   manager create, change and delete any project
//   user    create projects, change their own, never delete
//   viewer  read only
// `own` targets a project the caller created (the viewer created theirs before being demoted);
// anonymous callers have no projects, so their `own` target is someone else's. `other` targets a project
// of an unrelated user; `unknown` an id that does not exist. DELETE targets a spare project of the same kind,
// so one cell's deletion does not change another's answer.

type Actor = 'anonymous' | 'viewer' | 'user' | 'manager' | 'admin';
type Statuses = Record<Actor, number>;
type Target = 'own' | 'other' | 'unknown' | 'self';

const actors: Actor[] = ['anonymous', 'viewer', 'user', 'manager', 'admin'];
//                                                                     anon  viewer user  manager admin
const s = (anonymous: number, viewer: number, user: number, manager: number, admin: number): Statuses => ({ anonymous, viewer, user, manager, admin });

interface Case {
  route: string;
  target?: Target;
  expect: Statuses;
}

const matrix: Case[] = [
  // meta
  { route: 'GET /api/v1/health', /*                          */ expect: s(200, 200, 200, 200, 200) },
  { route: 'GET /api/v1/openapi.json', /*                    */ expect: s(200, 200, 200, 200, 200) },
  { route: 'GET /api/v1/docs', /*                            */ expect: s(200, 200, 200, 200, 200) },
  // auth (2.1)
  { route: 'POST /api/v1/auth/register', /*                  */ expect: s(201, 201, 201, 201, 201) },
  { route: 'POST /api/v1/auth/login', /*                     */ expect: s(200, 200, 200, 200, 200) },
  // own account (2.3, 2.4): every signed-in role
  { route: 'GET /api/v1/users/me', /*                        */ expect: s(401, 200, 200, 200, 200) },
  { route: 'PATCH /api/v1/users/me', /*                      */ expect: s(401, 200, 200, 200, 200) },
  { route: 'GET /api/v1/users/me/settings', /*               */ expect: s(401, 200, 200, 200, 200) },
  { route: 'PUT /api/v1/users/me/settings', /*               */ expect: s(401, 200, 200, 200, 200) },
  { route: 'POST /api/v1/users/me/password', /*              */ expect: s(401, 200, 200, 200, 200) },
  // user management (2.2, 2.4): admin only, never their own role
  { route: 'GET /api/v1/users', /*                           */ expect: s(401, 403, 403, 403, 200) },
  { route: 'PATCH /api/v1/users/{id}/role', target: 'other', expect: s(401, 403, 403, 403, 200) },
  { route: 'PATCH /api/v1/users/{id}/role', target: 'self', /**/ expect: s(401, 403, 403, 403, 403) },
  { route: 'PATCH /api/v1/users/{id}/role', target: 'unknown', expect: s(401, 403, 403, 403, 404) },
  // projects (3): viewer reads; user creates and changes own; manager and admin change and delete any
  { route: 'GET /api/v1/projects', /*                        */ expect: s(401, 200, 200, 200, 200) },
  { route: 'POST /api/v1/projects', /*                       */ expect: s(401, 403, 201, 201, 201) },
  { route: 'GET /api/v1/projects/{id}', target: 'own', /*    */ expect: s(401, 200, 200, 200, 200) },
  { route: 'GET /api/v1/projects/{id}', target: 'other', /*  */ expect: s(401, 200, 200, 200, 200) },
  { route: 'GET /api/v1/projects/{id}', target: 'unknown', /**/ expect: s(401, 404, 404, 404, 404) },
  { route: 'PUT /api/v1/projects/{id}', target: 'own', /*    */ expect: s(401, 403, 200, 200, 200) },
  { route: 'PUT /api/v1/projects/{id}', target: 'other', /*  */ expect: s(401, 403, 403, 200, 200) },
  { route: 'PUT /api/v1/projects/{id}', target: 'unknown', /**/ expect: s(401, 403, 404, 404, 404) },
  { route: 'PATCH /api/v1/projects/{id}', target: 'own', /*  */ expect: s(401, 403, 200, 200, 200) },
  { route: 'PATCH /api/v1/projects/{id}', target: 'other', /**/ expect: s(401, 403, 403, 200, 200) },
  { route: 'PATCH /api/v1/projects/{id}', target: 'unknown', expect: s(401, 403, 404, 404, 404) },
  // restore (issue 17): admins only; a project that is not deleted is a 409
  { route: 'GET /api/v1/projects/deleted', /*                */ expect: s(401, 403, 403, 403, 200) },
  { route: 'POST /api/v1/projects/{id}/restore', target: 'own', expect: s(401, 403, 403, 403, 409) },
  { route: 'POST /api/v1/projects/{id}/restore', target: 'other', expect: s(401, 403, 403, 403, 409) },
  { route: 'POST /api/v1/projects/{id}/restore', target: 'unknown', expect: s(401, 403, 403, 403, 404) },
  { route: 'DELETE /api/v1/projects/{id}', target: 'own', /* */ expect: s(401, 403, 403, 204, 204) },
  { route: 'DELETE /api/v1/projects/{id}', target: 'other', /**/ expect: s(401, 403, 403, 204, 204) },
  { route: 'DELETE /api/v1/projects/{id}', target: 'unknown', expect: s(401, 403, 403, 404, 404) },
  { route: 'PUT /api/v1/projects/{id}/maintenance', target: 'own', /*         */ expect: s(401, 403, 200, 200, 200) },
  { route: 'PUT /api/v1/projects/{id}/maintenance', target: 'other', /*       */ expect: s(401, 403, 403, 200, 200) },
  { route: 'PUT /api/v1/projects/{id}/maintenance', target: 'unknown', /*     */ expect: s(401, 403, 404, 404, 404) },
  { route: 'GET /api/v1/projects/{id}/monitoring-settings', target: 'own', /* */ expect: s(401, 200, 200, 200, 200) },
  { route: 'GET /api/v1/projects/{id}/monitoring-settings', target: 'other', /**/ expect: s(401, 200, 200, 200, 200) },
  { route: 'GET /api/v1/projects/{id}/monitoring-settings', target: 'unknown', expect: s(401, 404, 404, 404, 404) },
  { route: 'PUT /api/v1/projects/{id}/monitoring-settings', target: 'own', /* */ expect: s(401, 403, 200, 200, 200) },
  { route: 'PUT /api/v1/projects/{id}/monitoring-settings', target: 'other', /**/ expect: s(401, 403, 403, 200, 200) },
  { route: 'PUT /api/v1/projects/{id}/monitoring-settings', target: 'unknown', expect: s(401, 403, 404, 404, 404) },
];

/** A valid body for each route that takes one, so only the role and ownership decide the answer. */
const bodies: Record<string, (me: Fixture) => unknown> = {
  'POST /api/v1/auth/register': () => ({ email: uniqueEmail('matrix'), password: PASSWORD, name: 'Matrix' }),
  'POST /api/v1/auth/login': (me) => ({ email: me.email, password: PASSWORD }),
  'PATCH /api/v1/users/me': () => ({ name: 'Renamed' }),
  'PUT /api/v1/users/me/settings': () => ({ theme: 'dark' }),
  'POST /api/v1/users/me/password': () => ({ current_password: PASSWORD, new_password: PASSWORD }),
  'PATCH /api/v1/users/{id}/role': () => ({ role: 'user' }),
  'POST /api/v1/projects': () => ({ title: 'Matrix', url: 'https://example.com' }),
  'PUT /api/v1/projects/{id}': () => ({ title: 'Replaced', url: 'https://example.org' }),
  'PATCH /api/v1/projects/{id}': () => ({ description: 'patched' }),
  'PUT /api/v1/projects/{id}/maintenance': () => ({ maintenance_mode: true, maintenance_message: 'upgrade' }),
  'PUT /api/v1/projects/{id}/monitoring-settings': () => ({ check_interval: 120 }),
};

interface Fixture {
  id: number;
  email: string;
  token: string | undefined;
  own: number;
  ownSpare: number;
  other: number;
  otherSpare: number;
}

const UNKNOWN_ID = 987_654;
let app: TestApp;
const fixtures = {} as Record<Actor, Fixture>;
let roleTarget: number;

beforeAll(async () => {
  app = await startTestApp();
  const admin = await signUp(app, { name: 'Admin' }); // the first account is the admin
  const stranger = await signUp(app, { name: 'Stranger' });
  roleTarget = (await signUp(app, { name: 'Role target' })).id;
  for (const actor of actors) {
    const me = actor === 'admin' ? admin : actor === 'anonymous' ? stranger : await signUp(app, { name: actor });
    const ownerToken = actor === 'anonymous' ? stranger.token : me.token;
    fixtures[actor] = {
      id: me.id,
      email: me.email,
      token: actor === 'anonymous' ? undefined : me.token,
      own: await createProject(app, ownerToken, { title: `${actor} own` }),
      ownSpare: await createProject(app, ownerToken, { title: `${actor} own spare` }),
      other: await createProject(app, stranger.token, { title: `other for ${actor}` }),
      otherSpare: await createProject(app, stranger.token, { title: `other spare for ${actor}` }),
    };
    if (actor !== 'admin' && actor !== 'anonymous' && actor !== 'user') {
      const r = await app.request('PATCH', `/api/v1/users/${me.id}/role`, { token: admin.token, body: { role: actor } });
      if (r.status !== 200) throw new Error(`role change failed: ${r.status} ${r.text}`);
    }
  }
});
afterAll(async () => app?.close());

function pathFor(c: Case, method: string, template: string, me: Fixture): string {
  if (!template.includes('{id}')) return template;
  let id: number;
  if (c.target === 'unknown') id = UNKNOWN_ID;
  else if (template.startsWith('/api/v1/users/')) id = c.target === 'self' ? me.id : roleTarget;
  else if (method === 'DELETE') id = c.target === 'own' ? me.ownSpare : me.otherSpare;
  else id = c.target === 'own' ? me.own : me.other;
  return template.replace('{id}', String(id));
}

const label = (c: Case) => `${c.route}${c.target ? ` (${c.target})` : ''}`;

describe('role-based access control (spec 2.2)', () => {
  it.each(matrix.map((c) => [label(c), c] as const))('%s answers each role as the table says', async (_name, c) => {
    const [method, template] = c.route.split(' ') as [string, string];
    const actual = {} as Statuses;
    for (const actor of actors) {
      const me = fixtures[actor];
      const body = bodies[c.route]?.(me);
      const res = await app.request(method, pathFor(c, method, template, me), {
        ...(me.token ? { token: me.token } : {}),
        ...(body !== undefined ? { body } : {}),
      });
      actual[actor] = res.status;
      // A password change ends the caller's other sessions: go on with the token it returns, as the dashboard does.
      if (c.route === 'POST /api/v1/users/me/password' && res.status === 200) me.token = res.body.access_token;
    }
    expect(actual).toEqual(c.expect);
  });

  it('covers every route of the foundation, and only real routes', () => {
    const declared = [...authRoutes, ...userRoutes, ...projectRoutes, ...metaRoutes(() => [])].map((r) => `${r.method} ${r.path}`);
    const covered = new Set(matrix.map((c) => c.route));
    expect(declared.filter((r) => !covered.has(r))).toEqual([]);
    expect([...covered].filter((r) => !declared.includes(r))).toEqual([]);
    // Every project route with an id is checked for the caller's own project, someone else's and a missing one.
    for (const r of declared.filter((d) => d.includes('/projects/{id}'))) {
      const targets = matrix.filter((c) => c.route === r).map((c) => c.target).sort();
      expect(targets, r).toEqual(['other', 'own', 'unknown']);
    }
  });

  it('leaves a project in place when a user may not delete it', async () => {
    const me = fixtures.user;
    const res = await app.request('GET', `/api/v1/projects/${me.ownSpare}`, { token: me.token! });
    expect(res.status).toBe(200);
    expect(res.body.is_active).toBe(true);
  });

  it('keeps an admin on their own role after a refused self-change', async () => {
    const me = await app.request('GET', '/api/v1/users/me', { token: fixtures.admin.token! });
    expect(me.body.role).toBe('admin');
  });

  it('applies a role change to the next request of that user', async () => {
    const promoted = await signUp(app, { name: 'Promoted' });
    const before = await app.request('GET', '/api/v1/users', { token: promoted.token });
    expect(before.status).toBe(403);
    const change = await app.request('PATCH', `/api/v1/users/${promoted.id}/role`, { token: fixtures.admin.token!, body: { role: 'admin' } });
    expect(change.status, change.text).toBe(200);
    expect(change.body.role).toBe('admin');
    const after = await app.request('GET', '/api/v1/users', { token: promoted.token });
    expect(after.status).toBe(200);
  });
});
