import ko from '../../../frontend/locales/ko.json' with { type: 'json' };
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { createProject, expectErrorBody, expectInvalid, signUp } from './helpers.ts';

// Issue 16, point 11: what the API refuses instead of dropping or failing on. Ids are PostgreSQL
// integers, unknown body fields are named, oversized bodies are 413, and accepted filters filter.

const TOO_BIG = '2147483648';

let app: TestApp;
let admin: Awaited<ReturnType<typeof signUp>>;
let projectId: number;

beforeAll(async () => {
  app = await startTestApp();
  admin = await signUp(app, { name: 'Admin' });
  projectId = await createProject(app, admin.token);
});
afterAll(async () => app?.close());

describe('unknown fields in a body', () => {
  it('refuses a misspelt field of a PUT with 400 naming it, and changes nothing', async () => {
    const put = await app.request('PUT', `/api/v1/projects/${projectId}/monitoring-settings`, {
      token: admin.token,
      body: { alert_threshold: 5 },
    });
    expect(put.status, put.text).toBe(200);
    const typo = await app.request('PUT', `/api/v1/projects/${projectId}/monitoring-settings`, {
      token: admin.token,
      body: { alert_treshold: 2 },
    });
    expectInvalid(typo, 'alert_treshold');
    // In the user's language setting, Korean by default.
    expect(typo.body.detail).toBe(ko['api.unknown_field_named'].replace('{field}', 'alert_treshold'));
    const after = await app.request('GET', `/api/v1/projects/${projectId}/monitoring-settings`, { token: admin.token });
    expect(after.body.alert_threshold).toBe(5);
  });

  it('names every unknown field, nested ones by their path', async () => {
    const res = await app.request('POST', `/api/v1/projects/${projectId}/synthetic-tests`, {
      token: admin.token,
      body: { name: 'Journey', colour: 'red', steps: [{ action: 'navigate', value: 'https://example.com', selectr: '#x' }], settings: { viewport_width: 800, bogus: 1 } },
    });
    expectErrorBody(res, 400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['colour', 'settings.bogus', 'steps.0.selectr']);
  });

  it('refuses unknown fields in a tools body and in user bodies', async () => {
    expectInvalid(await app.request('POST', '/api/v1/tools/tcp', { token: admin.token, body: { host: '127.0.0.1', port: 9, tiemout: 1 } }), 'tiemout');
    expectInvalid(await app.request('PATCH', '/api/v1/users/me', { token: admin.token, body: { name: 'X', role: 'admin' } }), 'role');
    expectInvalid(await app.request('POST', '/api/v1/tools/api', { token: admin.token, body: { url: 'https://example.com', method: 'GET', assertions: [{ path: 'a', operator: 'exists', extra: 1 }] } }), 'assertions.0.extra');
  });

  it('keeps free-form values free: custom headers, API tool bodies', async () => {
    const res = await app.request('PATCH', `/api/v1/projects/${projectId}`, { token: admin.token, body: { custom_headers: { 'X-Anything': 'v' } } });
    expect(res.status, res.text).toBe(200);
  });

  it('accepts the whole OAuth2 password form (grant_type, scope, client_id)', async () => {
    const res = await app.request('POST', '/api/v1/auth/login', {
      form: { grant_type: 'password', username: admin.email, password: 'correct-horse-1', scope: '', client_id: 'docs' },
    });
    expect(res.status, res.text).toBe(200);
  });
});

describe('ids beyond 2,147,483,647', () => {
  it.each([
    ['GET', `/api/v1/projects/${TOO_BIG}`],
    ['GET', `/api/v1/alerts/${TOO_BIG}`],
    ['PATCH', `/api/v1/users/${TOO_BIG}/role`],
    ['GET', `/api/v1/projects/{p}/synthetic-tests/${TOO_BIG}`],
    ['GET', `/api/v1/projects/${TOO_BIG}/synthetic-tests/1`],
    ['POST', `/api/v1/projects/{p}/synthetic-tests/${TOO_BIG}/run`],
    ['GET', `/api/v1/alerts?project_id=${TOO_BIG}`],
    ['GET', `/api/v1/projects/{p}/synthetic-tests/1/runs/99999999999/steps/0/screenshot`],
  ])('%s %s answers 400 or 404, not 500', async (method, template) => {
    const res = await app.request(method, template.replace('{p}', String(projectId)), {
      token: admin.token,
      ...(method === 'PATCH' ? { body: { role: 'viewer' } } : {}),
    });
    expect([400, 404], res.text).toContain(res.status);
    expectErrorBody(res, res.status);
  });

  it('refuses a project id of 2^31 in an alert body with 400 naming it', async () => {
    const res = await app.request('POST', '/api/v1/alerts', { token: admin.token, body: { project_id: 2 ** 31, title: 't', message: 'm' } });
    expectInvalid(res, 'project_id');
  });

  it('answers a WebSocket subscribe to project 2^31 with an error message and keeps the connection', async () => {
    const ws = new WebSocket(`${app.url.replace('http', 'ws')}/ws/${admin.id}?token=${admin.token}`);
    const replies: any[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(d.toString())));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'subscribe', project_id: 2 ** 31 }));
    ws.send(JSON.stringify({ type: 'ping' }));
    for (let i = 0; i < 250 && replies.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    ws.close();
    expect(replies[0]).toMatchObject({ type: 'error' });
    expect(replies[0].message).toContain('project_id');
    expect(replies[1]).toMatchObject({ type: 'pong' });
  });
});

describe('alert types and filters', () => {
  it('refuses an alert type that is not a known kind', async () => {
    expectInvalid(await app.request('POST', '/api/v1/alerts', { token: admin.token, body: { type: 'anything', title: 't', message: 'm' } }), 'type');
    const ok = await app.request('POST', '/api/v1/alerts', { token: admin.token, body: { type: 'keyword', title: 't', message: 'm' } });
    expect(ok.status, ok.text).toBe(201);
  });

  it('filters /projects/{id}/alerts by type, severity, read and resolved state', async () => {
    const other = await createProject(app, admin.token, { title: 'Other' });
    const make = async (body: Record<string, unknown>) => {
      const r = await app.request('POST', '/api/v1/alerts', { token: admin.token, body: { project_id: other, title: 't', message: 'm', ...body } });
      expect(r.status, r.text).toBe(201);
      return r.body.id as number;
    };
    const manual = await make({});
    const keyword = await make({ type: 'keyword', severity: 'warning' });
    await app.request('PATCH', `/api/v1/alerts/${keyword}`, { token: admin.token, body: { is_read: true } });
    const ids = async (query: string) => {
      const r = await app.request('GET', `/api/v1/projects/${other}/alerts${query}`, { token: admin.token });
      expect(r.status, r.text).toBe(200);
      return r.body.items.map((a: { id: number }) => a.id);
    };
    expect(await ids('')).toEqual([keyword, manual]);
    expect(await ids('?type=manual')).toEqual([manual]);
    expect(await ids('?type=keyword')).toEqual([keyword]);
    expect(await ids('?severity=warning')).toEqual([keyword]);
    expect(await ids('?unread=true')).toEqual([manual]);
    expect(await ids('?resolved=true')).toEqual([]);
    expectInvalid(await app.request('GET', `/api/v1/projects/${other}/alerts?type=nonsense`, { token: admin.token }), 'type');
  });
});
