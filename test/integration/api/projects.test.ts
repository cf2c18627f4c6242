import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { createProject, expectErrorBody, expectInvalid, signUp } from './helpers.ts';

// Spec 3 (projects: fields, soft delete, maintenance) and 5 (monitoring settings and their ranges).

let app: TestApp;
let admin: Awaited<ReturnType<typeof signUp>>;
let owner: Awaited<ReturnType<typeof signUp>>;
let manager: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  app = await startTestApp();
  admin = await signUp(app, { name: 'Admin' });
  owner = await signUp(app, { name: 'Owner' });
  manager = await signUp(app, { name: 'Manager' });
  await app.request('PATCH', `/api/v1/users/${manager.id}/role`, { token: admin.token, body: { role: 'manager' } });
});
afterAll(async () => app?.close());

/** Every project row, deleted ones included: proves a rejected request wrote nothing. */
const projectCount = async () =>
  (await app.request('GET', '/api/v1/projects?include_inactive=true&size=1', { token: admin.token })).body.total as number;

const base = { title: 'Example', url: 'https://example.com' };

describe('creating a project (3.1)', () => {
  it('applies the defaults of every optional field', async () => {
    const res = await app.request('POST', '/api/v1/projects', { token: owner.token, body: base });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      owner_id: owner.id,
      title: 'Example',
      url: 'https://example.com',
      host_name: null,
      ip_address: null,
      description: null,
      status_interval: 300,
      time_limit: null,
      is_public: false,
      category: null,
      tags: [],
      custom_headers: {},
      is_active: true,
      maintenance_mode: false,
      keywords: [],
    });
    expect(Object.keys(res.body)).not.toContain('deleted_at');
  });

  it('stores every field it is given and reads them back', async () => {
    const body = {
      title: 'Shop',
      url: 'http://shop.example.com/health',
      host_name: 'shop.example.com',
      ip_address: '2001:db8::1',
      description: 'The shop',
      status_interval: 60,
      time_limit: 5000,
      is_public: true,
      category: 'commerce',
      tags: ['prod', 'eu'],
      custom_headers: { 'X-Api-Key': 'secret', Accept: 'text/html' },
      keyword_monitoring: true,
      keywords: ['Add to cart'],
      keyword_alert_on_found: false,
    };
    const res = await app.request('POST', '/api/v1/projects', { token: owner.token, body });
    expect(res.status, res.text).toBe(201);
    const read = await app.request('GET', `/api/v1/projects/${res.body.id}`, { token: owner.token });
    expect(read.body).toMatchObject(body);
  });

  it('accepts tags as a comma-separated string, trimmed, without empties or duplicates', async () => {
    const res = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { ...base, tags: ' api, web,,api , eu ' } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.tags).toEqual(['api', 'web', 'eu']);
  });

  it('accepts up to 20 tags', async () => {
    const tags = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const res = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { ...base, tags: tags.join(',') } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.tags).toEqual(tags);
  });

  it('accepts custom_headers as a JSON string', async () => {
    const res = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { ...base, custom_headers: '{"Authorization":"Bearer abc"}' } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.custom_headers).toEqual({ Authorization: 'Bearer abc' });
  });

  it('accepts keywords as a JSON array string (4.13)', async () => {
    const res = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { ...base, keywords: '["sold out", "error"]' } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.keywords).toEqual(['sold out', 'error']);
  });

  it('accepts the ends of the status_interval range, 60 and 3600 seconds', async () => {
    for (const status_interval of [60, 3600]) {
      const res = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { ...base, status_interval } });
      expect(res.status, res.text).toBe(201);
      expect(res.body.status_interval).toBe(status_interval);
    }
  });

  it('accepts an IPv4 address and a host name', async () => {
    const res = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { ...base, ip_address: '93.184.216.34', host_name: 'www.example.com' } });
    expect(res.status, res.text).toBe(201);
  });
});

describe('project validation (3.1): 400 naming the field, nothing written', () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ['a missing title', 'title', { title: undefined }],
    ['a blank title', 'title', { title: '   ' }],
    ['a title that is not a string', 'title', { title: 7 }],
    ['a missing url', 'url', { url: undefined }],
    ['an ftp url', 'url', { url: 'ftp://example.com/file' }],
    ['a javascript: url', 'url', { url: 'javascript:alert(1)' }],
    ['a url that is not a URL', 'url', { url: 'example dot com' }],
    ['a status_interval below 60', 'status_interval', { status_interval: 59 }],
    ['a status_interval above 3600', 'status_interval', { status_interval: 3601 }],
    ['a fractional status_interval', 'status_interval', { status_interval: 300.5 }],
    ['a status_interval given as a string', 'status_interval', { status_interval: '300' }],
    ['a time_limit of 0', 'time_limit', { time_limit: 0 }],
    ['a negative time_limit', 'time_limit', { time_limit: -5 }],
    ['a time_limit above 300000 ms', 'time_limit', { time_limit: 300_001 }],
    ['an IPv4 address out of range', 'ip_address', { ip_address: '256.1.1.1' }],
    ['an ip_address that is a name', 'ip_address', { ip_address: 'localhost' }],
    ['a host_name with a space', 'host_name', { host_name: 'bad host' }],
    ['a host_name with an empty label', 'host_name', { host_name: 'a..example.com' }],
    ['21 tags', 'tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }],
    ['21 comma-separated tags', 'tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`).join(',') }],
    ['tags that are a number', 'tags', { tags: 5 }],
    ['a custom header name with a space', 'custom_headers.Bad Name', { custom_headers: { 'Bad Name': 'x' } }],
    ['a custom header value with CRLF', 'custom_headers.X-Test', { custom_headers: { 'X-Test': 'a\r\nInjected: yes' } }],
    ['a custom header value that is a number', 'custom_headers.X-Num', { custom_headers: { 'X-Num': 5 } }],
    ['custom_headers that are not JSON', 'custom_headers', { custom_headers: '{not json' }],
    ['custom_headers that are a JSON array', 'custom_headers', { custom_headers: '["X-A"]' }],
    ['custom_headers that are an array', 'custom_headers', { custom_headers: ['X-A'] }],
    ['keywords that are not JSON', 'keywords', { keywords: 'sold out' }],
    ['keywords that are not strings', 'keywords.0', { keywords: '[1]' }],
    ['an empty keyword', 'keywords.0', { keywords: [''] }],
    ['an is_public that is not a boolean', 'is_public', { is_public: 'yes' }],
    ['a description over 2000 characters', 'description', { description: 'd'.repeat(2001) }],
  ];

  it.each(cases)('rejects %s (%s)', async (_what, field, change) => {
    const before = await projectCount();
    const res = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { ...base, ...change } });
    expectInvalid(res, field);
    expect(await projectCount()).toBe(before);
  });

  it('rejects the same invalid field on PATCH and leaves the project unchanged', async () => {
    const id = await createProject(app, owner.token, { title: 'Stable', status_interval: 120 });
    const before = (await app.request('GET', `/api/v1/projects/${id}`, { token: owner.token })).body;
    for (const [, field, change] of cases.filter(([, , c]) => !Object.values(c).includes(undefined))) {
      expectInvalid(await app.request('PATCH', `/api/v1/projects/${id}`, { token: owner.token, body: change }), field);
    }
    expect((await app.request('GET', `/api/v1/projects/${id}`, { token: owner.token })).body).toEqual(before);
  });

  it('rejects an empty PATCH', async () => {
    const id = await createProject(app, owner.token);
    expectInvalid(await app.request('PATCH', `/api/v1/projects/${id}`, { token: owner.token, body: {} }), 'body');
  });
});

describe('changing a project', () => {
  it('PATCH changes only the fields given', async () => {
    const id = await createProject(app, owner.token, { title: 'Before', description: 'keep me', category: 'web' });
    const res = await app.request('PATCH', `/api/v1/projects/${id}`, { token: owner.token, body: { title: 'After', is_public: true } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ title: 'After', is_public: true, description: 'keep me', category: 'web' });
  });

  it('PATCH clears a nullable field with null', async () => {
    const id = await createProject(app, owner.token, { description: 'temporary' });
    const res = await app.request('PATCH', `/api/v1/projects/${id}`, { token: owner.token, body: { description: null } });
    expect(res.body.description).toBeNull();
  });

  it('PUT replaces the project: omitted optional fields return to their defaults', async () => {
    const id = await createProject(app, owner.token, { description: 'old', tags: ['a'], status_interval: 900, is_public: true });
    const res = await app.request('PUT', `/api/v1/projects/${id}`, { token: owner.token, body: { title: 'New', url: 'https://example.org' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ title: 'New', url: 'https://example.org', description: null, tags: [], status_interval: 300, is_public: false, owner_id: owner.id });
  });

  it('keeps the owner when a manager changes the project', async () => {
    const id = await createProject(app, owner.token);
    const res = await app.request('PATCH', `/api/v1/projects/${id}`, { token: manager.token, body: { title: 'Managed' } });
    expect(res.body.owner_id).toBe(owner.id);
  });
});

describe('status_interval and check_interval are one value (3.1, 5)', () => {
  it('shows a status_interval set on the project as the check_interval', async () => {
    const id = await createProject(app, owner.token, { status_interval: 600 });
    expect((await app.request('GET', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token })).body.check_interval).toBe(600);
    await app.request('PATCH', `/api/v1/projects/${id}`, { token: owner.token, body: { status_interval: 900 } });
    expect((await app.request('GET', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token })).body.check_interval).toBe(900);
  });

  it('shows a check_interval set in the monitoring settings as the status_interval', async () => {
    const id = await createProject(app, owner.token);
    const put = await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token, body: { check_interval: 1800 } });
    expect(put.status, put.text).toBe(200);
    expect((await app.request('GET', `/api/v1/projects/${id}`, { token: owner.token })).body.status_interval).toBe(1800);
    const list = await app.request('GET', `/api/v1/projects?size=100`, { token: owner.token });
    expect(list.body.items.find((p: { id: number }) => p.id === id).status_interval).toBe(1800);
  });
});

describe('monitoring settings (5)', () => {
  const defaults = { check_interval: 300, timeout: 30, retry_count: 3, alert_threshold: 3, is_alert_enabled: true, alert_email: null, webhook_url: null };

  it('starts at the defaults of section 5', async () => {
    const id = await createProject(app, owner.token);
    const res = await app.request('GET', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ project_id: id, ...defaults });
  });

  it('stores every setting and returns omitted ones to their defaults on the next PUT (check_interval, the project\'s status_interval, keeps its value)', async () => {
    const id = await createProject(app, owner.token);
    const full = { check_interval: 60, timeout: 300, retry_count: 5, alert_threshold: 10, is_alert_enabled: false, alert_email: 'ops@example.com', webhook_url: 'https://hooks.example.com/x' };
    const put = await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token, body: full });
    expect(put.status, put.text).toBe(200);
    expect((await app.request('GET', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token })).body).toMatchObject(full);
    const partial = await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token, body: { retry_count: 1 } });
    expect(partial.body).toMatchObject({ ...defaults, check_interval: 60, retry_count: 1 });
    expect((await app.request('GET', `/api/v1/projects/${id}`, { token: owner.token })).body.status_interval).toBe(60);
  });

  it('accepts the low ends of every range', async () => {
    const id = await createProject(app, owner.token);
    const low = { check_interval: 3600, timeout: 5, retry_count: 1, alert_threshold: 1 };
    const res = await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token, body: low });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject(low);
  });

  it.each([
    ['check_interval', 59],
    ['check_interval', 3601],
    ['timeout', 4],
    ['timeout', 301],
    ['retry_count', 0],
    ['retry_count', 6],
    ['alert_threshold', 0],
    ['alert_threshold', 11],
    ['alert_threshold', 2.5],
    ['is_alert_enabled', 'no'],
    ['alert_email', 'not-an-email'],
    ['webhook_url', 'ftp://hooks.example.com'],
    ['webhook_url', 'hooks.example.com'],
  ])('rejects %s = %j with 400 and keeps the settings', async (field, value) => {
    const id = await createProject(app, owner.token);
    const before = (await app.request('GET', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token })).body;
    expectInvalid(await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token, body: { [field]: value } }), field);
    expect((await app.request('GET', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token })).body).toEqual(before);
  });
});

describe('maintenance mode (3.3)', () => {
  it('turns on with a message and an end time, and shows them on the project', async () => {
    const id = await createProject(app, owner.token);
    const ends = '2031-05-01T09:30:00+09:00';
    const res = await app.request('PUT', `/api/v1/projects/${id}/maintenance`, {
      token: owner.token,
      body: { maintenance_mode: true, maintenance_message: 'Database upgrade', maintenance_ends_at: ends },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ maintenance_mode: true, maintenance_message: 'Database upgrade' });
    expect(Date.parse(res.body.maintenance_ends_at)).toBe(Date.parse(ends));
    const read = await app.request('GET', `/api/v1/projects/${id}`, { token: owner.token });
    expect(read.body).toMatchObject({ maintenance_mode: true, maintenance_message: 'Database upgrade' });
  });

  it('turns off and clears the message and end time', async () => {
    const id = await createProject(app, owner.token);
    await app.request('PUT', `/api/v1/projects/${id}/maintenance`, { token: owner.token, body: { maintenance_mode: true, maintenance_message: 'x', maintenance_ends_at: '2031-01-01T00:00:00Z' } });
    const res = await app.request('PUT', `/api/v1/projects/${id}/maintenance`, { token: owner.token, body: { maintenance_mode: false } });
    expect(res.body).toMatchObject({ maintenance_mode: false, maintenance_message: null, maintenance_ends_at: null });
  });

  it.each([
    ['maintenance_mode', { maintenance_message: 'no flag' }],
    ['maintenance_mode', { maintenance_mode: 'on' }],
    ['maintenance_ends_at', { maintenance_mode: true, maintenance_ends_at: 'tomorrow' }],
    ['maintenance_ends_at', { maintenance_mode: true, maintenance_ends_at: '2031-01-01T00:00:00' }],
  ])('rejects a body with a bad %s and leaves maintenance off', async (field, body) => {
    const id = await createProject(app, owner.token);
    expectInvalid(await app.request('PUT', `/api/v1/projects/${id}/maintenance`, { token: owner.token, body }), field);
    expect((await app.request('GET', `/api/v1/projects/${id}`, { token: owner.token })).body.maintenance_mode).toBe(false);
  });
});

describe('soft delete (3.2)', () => {
  let id: number;
  beforeAll(async () => {
    id = await createProject(app, owner.token, { title: 'Doomed' });
    const res = await app.request('DELETE', `/api/v1/projects/${id}`, { token: manager.token });
    if (res.status !== 204) throw new Error(`delete failed: ${res.status} ${res.text}`);
  });

  it('answers 204 with an empty body', async () => {
    const other = await createProject(app, owner.token);
    const res = await app.request('DELETE', `/api/v1/projects/${other}`, { token: admin.token });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });

  it('hides the project from the list and from GET by id (404)', async () => {
    const list = await app.request('GET', '/api/v1/projects?size=100', { token: owner.token });
    expect(list.body.items.map((p: { id: number }) => p.id)).not.toContain(id);
    expectErrorBody(await app.request('GET', `/api/v1/projects/${id}`, { token: owner.token }), 404);
    expectErrorBody(await app.request('GET', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token }), 404);
  });

  it('answers 404 to changing or deleting it again', async () => {
    expectErrorBody(await app.request('PATCH', `/api/v1/projects/${id}`, { token: owner.token, body: { title: 'Back' } }), 404);
    expectErrorBody(await app.request('PUT', `/api/v1/projects/${id}/maintenance`, { token: manager.token, body: { maintenance_mode: true } }), 404);
    expectErrorBody(await app.request('DELETE', `/api/v1/projects/${id}`, { token: admin.token }), 404);
  });

  it('keeps the data: an admin still sees it with include_inactive=true, inactive', async () => {
    const list = await app.request('GET', '/api/v1/projects?include_inactive=true&size=100', { token: admin.token });
    expect(list.status).toBe(200);
    const row = list.body.items.find((p: { id: number }) => p.id === id);
    expect(row).toMatchObject({ title: 'Doomed', is_active: false });
  });

  it('refuses include_inactive to anyone but an admin with 403', async () => {
    expectErrorBody(await app.request('GET', '/api/v1/projects?include_inactive=true', { token: manager.token }), 403);
    expectErrorBody(await app.request('GET', '/api/v1/projects?include_inactive=true', { token: owner.token }), 403);
  });
});

describe('restoring a deleted project (admin)', () => {
  it('lists the deleted projects with when each was deleted, to admins only', async () => {
    const id = await createProject(app, owner.token, { title: 'Listed when deleted' });
    const before = Date.now();
    expect((await app.request('DELETE', `/api/v1/projects/${id}`, { token: manager.token })).status).toBe(204);
    const list = await app.request('GET', '/api/v1/projects/deleted?size=100', { token: admin.token });
    expect(list.status, list.text).toBe(200);
    const row = list.body.items.find((p: { id: number }) => p.id === id);
    expect(row).toMatchObject({ title: 'Listed when deleted', is_active: false });
    expect(Date.parse(row.deleted_at)).toBeGreaterThanOrEqual(before - 5000);
    expect(list.body.items.every((p: { is_active: boolean }) => !p.is_active)).toBe(true);
    expect(list.body.total).toBe(list.body.items.length);
    expectErrorBody(await app.request('GET', '/api/v1/projects/deleted', { token: manager.token }), 403);
    expectErrorBody(await app.request('GET', '/api/v1/projects/deleted', { token: owner.token }), 403);
  });

  it('brings the project back with its fields and settings, and off the deleted list', async () => {
    const id = await createProject(app, owner.token, { title: 'Comes back', status_interval: 60, tags: ['x'] });
    await app.request('DELETE', `/api/v1/projects/${id}`, { token: admin.token });
    expectErrorBody(await app.request('POST', `/api/v1/projects/${id}/restore`, { token: manager.token }), 403);
    expectErrorBody(await app.request('POST', `/api/v1/projects/${id}/restore`, { token: owner.token }), 403);
    const res = await app.request('POST', `/api/v1/projects/${id}/restore`, { token: admin.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id, title: 'Comes back', status_interval: 60, tags: ['x'], is_active: true, owner_id: owner.id });
    expect(Object.keys(res.body)).not.toContain('deleted_at');
    expect((await app.request('GET', `/api/v1/projects/${id}`, { token: owner.token })).status).toBe(200);
    expect((await app.request('GET', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token })).status).toBe(200);
    const list = await app.request('GET', '/api/v1/projects/deleted?size=100', { token: admin.token });
    expect(list.body.items.map((p: { id: number }) => p.id)).not.toContain(id);
    const [state] = await app.system.ctx.sql<{ is_running: boolean }[]>`SELECT is_running FROM monitor_state WHERE project_id = ${id}`;
    expect(state?.is_running).toBe(true);
  });

  it('answers 409 for a project that is not deleted, 404 for an unknown one, and 409 when its key was taken since', async () => {
    const live = await createProject(app, owner.token);
    expectErrorBody(await app.request('POST', `/api/v1/projects/${live}/restore`, { token: admin.token }), 409);
    expectErrorBody(await app.request('POST', '/api/v1/projects/999999/restore', { token: admin.token }), 404);
    const key = `restore-key-${Date.now().toString(36)}`;
    const gone = await createProject(app, owner.token, { key });
    await app.request('DELETE', `/api/v1/projects/${gone}`, { token: admin.token });
    const taker = await createProject(app, owner.token, { key });
    const res = await app.request('POST', `/api/v1/projects/${gone}/restore`, { token: admin.token });
    expectErrorBody(res, 409);
    expect(res.body.errors[0].field).toBe('key');
    expect((await app.request('GET', `/api/v1/projects/${gone}`, { token: owner.token })).status).toBe(404);
    await app.request('PATCH', `/api/v1/projects/${taker}`, { token: owner.token, body: { key: `${key}-new` } });
    expect((await app.request('POST', `/api/v1/projects/${gone}/restore`, { token: admin.token })).status).toBe(200);
  });
});

describe('listing projects: pagination and filters', () => {
  const tag = `batch${Date.now().toString(36)}`;
  const ids: number[] = [];
  beforeAll(async () => {
    const specs = [
      { title: 'Alpha shop', category: 'shops', is_public: true, tags: [tag, 'eu'] },
      { title: 'Beta blog', category: 'blogs', is_public: false, tags: [tag] },
      { title: 'Gamma shop', category: 'shops', is_public: false, tags: [tag, 'us'], description: '100% uptime_target' },
      { title: 'Delta api', category: 'apis', is_public: true, tags: [tag, 'eu'], url: 'https://delta-api.example.net' },
      { title: 'Epsilon', category: 'apis', is_public: false, tags: [tag] },
    ];
    for (const spec of specs) ids.push(await createProject(app, owner.token, spec));
  });

  const titles = (res: { body: { items: { title: string }[] } }) => res.body.items.map((p) => p.title);

  it('pages with page and size, reporting total and pages', async () => {
    const p1 = await app.request('GET', `/api/v1/projects?tag=${tag}&size=2`, { token: owner.token });
    expect(p1.body).toMatchObject({ total: 5, page: 1, size: 2, pages: 3 });
    expect(titles(p1)).toEqual(['Alpha shop', 'Beta blog']);
    const p3 = await app.request('GET', `/api/v1/projects?tag=${tag}&size=2&page=3`, { token: owner.token });
    expect(titles(p3)).toEqual(['Epsilon']);
    const past = await app.request('GET', `/api/v1/projects?tag=${tag}&size=2&page=4`, { token: owner.token });
    expect(past.body).toMatchObject({ items: [], total: 5, page: 4, pages: 3 });
  });

  it('defaults to page 1 of size 20', async () => {
    const res = await app.request('GET', '/api/v1/projects', { token: owner.token });
    expect(res.body.page).toBe(1);
    expect(res.body.size).toBe(20);
    expect(res.body.items.length).toBeLessThanOrEqual(20);
  });

  it('filters by category', async () => {
    const res = await app.request('GET', `/api/v1/projects?tag=${tag}&category=shops`, { token: owner.token });
    expect(titles(res)).toEqual(['Alpha shop', 'Gamma shop']);
  });

  it('filters by tag', async () => {
    const res = await app.request('GET', `/api/v1/projects?tag=us`, { token: owner.token });
    expect(titles(res)).toEqual(['Gamma shop']);
  });

  it('filters by is_public', async () => {
    const pub = await app.request('GET', `/api/v1/projects?tag=${tag}&is_public=true`, { token: owner.token });
    expect(titles(pub)).toEqual(['Alpha shop', 'Delta api']);
    const priv = await app.request('GET', `/api/v1/projects?tag=${tag}&is_public=0`, { token: owner.token });
    expect(titles(priv)).toEqual(['Beta blog', 'Gamma shop', 'Epsilon']);
  });

  it('searches title, url and description case-insensitively, with % and _ taken literally', async () => {
    expect(titles(await app.request('GET', `/api/v1/projects?tag=${tag}&search=SHOP`, { token: owner.token }))).toEqual(['Alpha shop', 'Gamma shop']);
    expect(titles(await app.request('GET', `/api/v1/projects?tag=${tag}&search=delta-api.example`, { token: owner.token }))).toEqual(['Delta api']);
    expect(titles(await app.request('GET', `/api/v1/projects?tag=${tag}&search=${encodeURIComponent('100% uptime_')}`, { token: owner.token }))).toEqual(['Gamma shop']);
    expect(titles(await app.request('GET', `/api/v1/projects?tag=${tag}&search=${encodeURIComponent('%')}`, { token: owner.token }))).toEqual(['Gamma shop']);
  });

  it('combines filters', async () => {
    const res = await app.request('GET', `/api/v1/projects?tag=eu&category=apis&is_public=true`, { token: owner.token });
    expect(titles(res)).toEqual(['Delta api']);
  });

  it.each([
    ['page', 'page=0'],
    ['page', 'page=abc'],
    ['size', 'size=0'],
    ['size', 'size=101'],
    ['size', 'size=2.5'],
    ['is_public', 'is_public=maybe'],
    ['include_inactive', 'include_inactive=yes'],
  ])('rejects a bad %s (%s) with 400', async (field, query) => {
    expectInvalid(await app.request('GET', `/api/v1/projects?${query}`, { token: owner.token }), field);
  });
});

describe('monitoring targets (SSRF policy at the edge)', () => {
  it.each(['http://169.254.169.254/latest/meta-data', 'http://[::ffff:169.254.169.254]/', 'http://metadata.google.internal/'])(
    'refuses the cloud metadata address %s as a project url, writing nothing',
    async (url) => {
      const before = await projectCount();
      expectInvalid(await app.request('POST', '/api/v1/projects', { token: owner.token, body: { ...base, url } }), 'url');
      expect(await projectCount()).toBe(before);
    },
  );

  it('refuses it on PATCH and as a webhook_url too', async () => {
    const id = await createProject(app, owner.token);
    expectInvalid(await app.request('PATCH', `/api/v1/projects/${id}`, { token: owner.token, body: { url: 'http://169.254.169.254/' } }), 'url');
    expectInvalid(await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token, body: { webhook_url: 'http://169.254.169.254/hook' } }), 'webhook_url');
    expect((await app.request('GET', `/api/v1/projects/${id}`, { token: owner.token })).body.url).toBe('https://example.com');
  });
});
