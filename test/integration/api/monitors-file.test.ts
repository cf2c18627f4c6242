import ko from '../../../frontend/locales/ko.json' with { type: 'json' };
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';

// Monitors as code through the API (issue 15): apply, export, dry-run, prune, and errors with lines.

let app: TestApp;
let manager: { token: string };
let user: { token: string };

beforeAll(async () => {
  app = await startTestApp();
  manager = await app.user('manager');
  user = await app.user('user');
});

afterAll(async () => {
  await app?.close();
});

const variables = {
  SLACK_URL: 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX',
  API_TOKEN: 'tok-0123456789abcdef',
  LOGIN_PASSWORD: 'hunter2-but-longer',
};

// The canonical form export writes: fields at their defaults left out, lists sorted by key and name.
const file = `version: 1
channels:
  - name: ops-email
    type: email
    settings:
      address: ops@example.com
  - name: ops-slack
    type: slack
    settings:
      webhook_url: \${env:SLACK_URL}
    language: en
projects:
  - key: api
    title: API
    url: https://api.example.com/health
    description: The public API
    status_interval: 60
    tags:
      - prod
      - api
    custom_headers:
      Authorization: Bearer \${env:API_TOKEN}
    keyword_monitoring: true
    keywords:
      - ok
    monitoring:
      timeout: 10
      alert_threshold: 2
      alert_email: oncall@example.com
      deep_check_cadence: hourly
      accepted_status_codes:
        - 200-299
        - "404"
      channels:
        - ops-email
        - ops-slack
    maintenance:
      message: database upgrade
      ends_at: 2099-01-01T00:00:00.000Z
    journeys:
      - name: login
        steps:
          - action: navigate
            value: https://api.example.com/login
          - action: type
            selector: "#password"
            value: \${env:LOGIN_PASSWORD}
          - action: assert_text
            selector: h1
            value: Welcome
        settings:
          timeout: 10000
  - key: www
    title: Website
    url: https://www.example.com/
`;

async function apply(document: string, opts: { prune?: boolean; dry_run?: boolean; token?: string; variables?: Record<string, string> } = {}) {
  return app.request('POST', '/api/v1/monitors-file/apply', {
    token: opts.token ?? manager.token,
    body: { document, variables: opts.variables ?? variables, prune: opts.prune ?? false, dry_run: opts.dry_run ?? false },
  });
}

async function exported(): Promise<{ document: string; variables: { name: string; field: string }[] }> {
  const r = await app.request('GET', '/api/v1/monitors-file', { token: manager.token });
  expect(r.status, r.text).toBe(200);
  return r.body;
}

async function projectByKey(key: string) {
  const r = await app.request('GET', '/api/v1/projects?size=100', { token: manager.token });
  return (r.body.items as { id: number; key: string; title: string; maintenance_mode: boolean; custom_headers: Record<string, string> }[]).find((p) => p.key === key);
}

describe('monitors file through the API', () => {
  it('plans without changing anything on a dry run', async () => {
    const r = await apply(file, { dry_run: true });
    expect(r.status, r.text).toBe(200);
    expect(r.body.applied).toBe(false);
    expect(r.body.summary).toEqual({ create: 5, update: 0, delete: 0 });
    expect(r.body.changes.map((c: { kind: string; action: string; name: string }) => `${c.action} ${c.kind} ${c.name}`)).toEqual([
      'create channel ops-email',
      'create channel ops-slack',
      'create journey login',
      'create project api',
      'create project www',
    ]);
    expect(await projectByKey('api')).toBeUndefined();
    const channels = await app.request('GET', '/api/v1/notification-channels', { token: manager.token });
    expect(channels.body.total).toBe(0);
  });

  it('creates what the file lists, with secrets from the variables', async () => {
    const r = await apply(file);
    expect(r.status, r.text).toBe(200);
    expect(r.body.applied).toBe(true);
    expect(r.body.summary).toEqual({ create: 5, update: 0, delete: 0 });
    const api = await projectByKey('api');
    expect(api).toMatchObject({ title: 'API', maintenance_mode: true, custom_headers: { Authorization: 'Bearer tok-0123456789abcdef' } });
    const settings = await app.request('GET', `/api/v1/projects/${api!.id}/monitoring-settings`, { token: manager.token });
    expect(settings.body).toMatchObject({ check_interval: 60, timeout: 10, alert_threshold: 2, alert_email: 'oncall@example.com', deep_check_cadence: 'hourly' });
    expect(settings.body.accepted_status_codes).toEqual(['200-299', '404']);
    expect(settings.body.channel_ids).toHaveLength(2);
    const journeys = await app.request('GET', `/api/v1/projects/${api!.id}/synthetic-tests`, { token: manager.token });
    expect(journeys.body.items[0].steps[1]).toEqual({ action: 'type', selector: '#password', value: 'hunter2-but-longer' });
  });

  it('exports the same file back, secrets as the references the file used', async () => {
    const out = await exported();
    expect(out.document).toBe(file);
    expect(out.variables.map((v) => v.name).sort()).toEqual(['API_TOKEN', 'LOGIN_PASSWORD', 'SLACK_URL']);
    expect(out.document).not.toContain('hunter2');
    expect(out.document).not.toContain('XXXXXXXX');
  });

  it('changes nothing when the same file is applied again', async () => {
    const stamps = () => app.system.ctx.sql<{ t: Date }[]>`
      SELECT updated_at AS t FROM projects UNION ALL SELECT updated_at FROM monitoring_settings
      UNION ALL SELECT updated_at FROM notification_channels UNION ALL SELECT updated_at FROM synthetic_tests ORDER BY 1`;
    const before = (await stamps()).map((r) => r.t.toISOString());
    const r = await apply(file);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ applied: true, changes: [], summary: { create: 0, update: 0, delete: 0 } });
    expect((await stamps()).map((r) => r.t.toISOString())).toEqual(before);
  });

  it('plans each changed field, hiding secrets and header values', async () => {
    const changed = file
      .replace('title: API', 'title: Public API')
      .replace('timeout: 10\n', 'timeout: 20\n');
    const r = await apply(changed, { dry_run: true, variables: { ...variables, API_TOKEN: 'tok-rotated-9876543210', SLACK_URL: 'https://hooks.slack.com/services/T000/B000/YYYYYYYYYYYYYYYYYYYYYYYY' } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.changes).toEqual([
      { kind: 'channel', action: 'update', name: 'ops-slack', fields: [{ field: 'settings.webhook_url', from: '(hidden)', to: '${env:SLACK_URL}' }] },
      {
        kind: 'project',
        action: 'update',
        name: 'api',
        fields: [
          { field: 'title', from: 'API', to: 'Public API' },
          { field: 'custom_headers.Authorization', from: '(hidden)', to: 'Bearer ${env:API_TOKEN}' },
          { field: 'monitoring.timeout', from: 10, to: 20 },
        ],
      },
    ]);
    expect(r.text).not.toContain('tok-');
    expect(r.text).not.toContain('YYYY');
    expect((await projectByKey('api'))!.title).toBe('API');
  });

  it('leaves what the file does not list, and removes it with prune (projects soft-deleted)', async () => {
    const without = file.replace(/  - key: www\n    title: Website\n    url: https:\/\/www.example.com\/\n/, '');
    expect(without).not.toContain('www');
    const kept = await apply(without);
    expect(kept.body.changes).toEqual([]);
    const www = await projectByKey('www');
    expect(www).toBeDefined();
    const pruned = await apply(without, { prune: true });
    expect(pruned.status, pruned.text).toBe(200);
    expect(pruned.body.changes).toEqual([{ kind: 'project', action: 'delete', name: 'www', fields: [] }]);
    expect(await projectByKey('www')).toBeUndefined();
    const admin = await app.request('GET', `/api/v1/projects/${www!.id}`, { token: manager.token });
    expect(admin.status).toBe(404);
    // Soft: the row is still there for an admin, inactive.
    const [row] = await app.system.ctx.sql<{ is_active: boolean; key: string }[]>`SELECT is_active, key FROM projects WHERE id = ${www!.id}`;
    expect(row).toEqual({ is_active: false, key: 'www' });
    // Listing it again creates a new project under the same key.
    const again = await apply(file);
    expect(again.body.changes).toEqual([expect.objectContaining({ kind: 'project', action: 'create', name: 'www' })]);
  });

  it('refuses a bad file with its line and field, and writes nothing', async () => {
    const bad = file.replace('timeout: 10\n', 'timeout: 1000\n').replace('  - key: www\n', '  - key: api\n');
    const r = await apply(bad);
    expect(r.status).toBe(400);
    const timeoutLine = bad.split('\n').findIndex((l) => l.includes('timeout: 1000')) + 1;
    expect(r.body.detail).toBe(`monitors.yaml:${timeoutLine}:16: projects.0.monitoring.timeout: Too big: expected number to be <=300`);
    expect(r.body.errors).toEqual([{ field: 'projects.0.monitoring.timeout', message: `line ${timeoutLine}, column 16: Too big: expected number to be <=300` }]);
    // An accepted status code that is not one: its entry, on its line.
    const codes = await apply(file.replace('        - "404"\n', '        - "4xx"\n'));
    const codesLine = file.split('\n').findIndex((l) => l === '        - "404"') + 1;
    expect(codes.status).toBe(400);
    expect(codes.body.errors).toEqual([
      { field: 'projects.0.monitoring.accepted_status_codes.1', message: expect.stringMatching(new RegExp(`^line ${codesLine}, column \\d+: "4xx": must be a status code`)) },
    ]);
    // The schema passes once the timeout is fixed; the duplicate key is the service's finding, on its line.
    const dup = await apply(file.replace('  - key: www\n', '  - key: api\n'));
    const dupLine = file.split('\n').findIndex((l) => l === '  - key: www') + 1;
    expect(dup.status).toBe(400);
    expect(dup.body.detail).toBe(`monitors.yaml:${dupLine}:10: projects.1.key: key "api" is also at index 0`);
    // A file whose problem only the service finds (an address the policy refuses) writes nothing either.
    const before = (await exported()).document;
    const refused = await apply(file.replace('title: API', 'title: Renamed').replace('https://www.example.com/', 'http://169.254.169.254/latest/'));
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('projects.1.url');
    expect((await exported()).document).toBe(before);
  });

  it('names an unknown field and an unset variable', async () => {
    const r = await apply(file.replace('    status_interval: 60\n', '    status_interval: 60\n    status_intervall: 60\n'), { variables: { SLACK_URL: variables.SLACK_URL, API_TOKEN: 'x' } });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(['projects.0.status_intervall', 'projects.0.journeys.0.steps.1.value']);
    expect(r.body.errors[1].message).toMatch(/environment variable LOGIN_PASSWORD is not set/);
  });

  it('is for managers and admins', async () => {
    const r = await apply(file, { token: user.token, dry_run: true });
    expect(r.status).toBe(403);
    const e = await app.request('GET', '/api/v1/monitors-file', { token: user.token });
    expect(e.status).toBe(403);
  });
});

describe('prune of channels and journeys, and moving to another installation', () => {
  it('removes a channel and a journey the file no longer lists, only with prune', async () => {
    const lean = file
      .replace(/  - name: ops-email\n    type: email\n    settings:\n      address: ops@example.com\n/, '')
      .replace('        - ops-email\n', '')
      .replace(/    journeys:\n[\s\S]*?        settings:\n          timeout: 10000\n/, '');
    expect(lean).not.toContain('ops-email');
    expect(lean).not.toContain('journeys');
    const plain = await apply(lean, { dry_run: true });
    expect(plain.body.changes).toEqual([
      { kind: 'project', action: 'update', name: 'api', fields: [{ field: 'monitoring.channels', from: ['ops-email', 'ops-slack'], to: ['ops-slack'] }] },
    ]);
    const pruned = await apply(lean, { prune: true, dry_run: true });
    expect(pruned.body.changes.map((c: { kind: string; action: string; name: string }) => `${c.action} ${c.kind} ${c.name}`)).toEqual([
      'delete journey login',
      'update project api',
      'delete channel ops-email',
    ]);
    // A project of the file that names a channel only the installation has cannot be pruned around it.
    const dangling = await apply(lean.replace('        - ops-slack\n', '        - ops-slack\n        - ops-email\n'), { prune: true, dry_run: true });
    expect(dangling.status).toBe(400);
    expect(dangling.body.errors[0]).toMatchObject({ field: 'projects.0.monitoring.channels.1' });
    expect(dangling.body.errors[0].message).toMatch(/--prune would delete it/);
  });

  it('exports what was made through the API so that a fresh installation applies it to the same file', async () => {
    const channel = await app.request('POST', '/api/v1/notification-channels', {
      token: manager.token,
      body: { name: 'Team Telegram', type: 'telegram', settings: { bot_token: '123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQ', chat_id: '-100123' } },
    });
    expect(channel.status, channel.text).toBe(201);
    const keyless = await app.request('POST', '/api/v1/projects', { token: user.token, body: { title: 'Made in the UI', url: 'https://ui.example.com/' } });
    expect(keyless.status, keyless.text).toBe(201);
    const out = await exported();
    expect(out.document).toContain('bot_token: ${env:PYM_TEAM_TELEGRAM_BOT_TOKEN}');
    expect(out.document).not.toContain('AAbbCC');
    expect(out.document).toContain(`  - key: project-${keyless.body.id}\n    title: Made in the UI\n`);
    const fresh = await startTestApp();
    try {
      const admin = await fresh.user('manager');
      const vars = { ...variables, PYM_TEAM_TELEGRAM_BOT_TOKEN: '123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQ' };
      const r = await fresh.request('POST', '/api/v1/monitors-file/apply', { token: admin.token, body: { document: out.document, variables: vars } });
      expect(r.status, r.text).toBe(200);
      const back = await fresh.request('GET', '/api/v1/monitors-file', { token: admin.token });
      expect(back.body.document).toBe(out.document);
    } finally {
      await fresh.close();
    }
  });
});

describe('project keys', () => {
  it('gives a new project project-<id>, keeps it on PUT, and refuses a key another project holds', async () => {
    const created = await app.request('POST', '/api/v1/projects', { token: user.token, body: { title: 'Keyless', url: 'https://keyless.example.com/' } });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as number;
    expect(created.body.key).toBe(`project-${id}`);
    const put = await app.request('PUT', `/api/v1/projects/${id}`, { token: user.token, body: { title: 'Keyless 2', url: 'https://keyless.example.com/' } });
    expect(put.body.key).toBe(`project-${id}`);
    const taken = await app.request('PATCH', `/api/v1/projects/${id}`, { token: user.token, body: { key: 'api' } });
    expect(taken.status).toBe(409);
    // The user's language setting is Korean (the default): the message comes from the catalog in Korean.
    expect(taken.body.errors).toEqual([{ field: 'key', message: ko['api.key_used'] }]);
    const bad = await app.request('PATCH', `/api/v1/projects/${id}`, { token: user.token, body: { key: 'Not A Key' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('key');
    const renamed = await app.request('PATCH', `/api/v1/projects/${id}`, { token: user.token, body: { key: 'keyless' } });
    expect(renamed.body.key).toBe('keyless');
  });

  it('gives project-<id>-2 when a client already took project-<id>', async () => {
    const [row] = await app.system.ctx.sql<{ next: number }[]>`SELECT last_value + 1 AS next FROM pg_sequences WHERE sequencename = 'projects_id_seq'`;
    const next = row!.next;
    const squatter = await app.request('POST', '/api/v1/projects', { token: user.token, body: { key: `project-${next + 1}`, title: 'Squatter', url: 'https://squat.example.com/' } });
    expect(squatter.status, squatter.text).toBe(201);
    const next2 = await app.request('POST', '/api/v1/projects', { token: user.token, body: { title: 'Next', url: 'https://next.example.com/' } });
    expect(next2.body.id).toBe(next + 1);
    expect(next2.body.key).toBe(`project-${next + 1}-2`);
  });
});
