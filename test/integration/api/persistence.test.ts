import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../support/app.ts';
import { PASSWORD, signUp } from './helpers.ts';

// The local runner keeps its data in DATA_DIR (embedded PGlite on disk plus the generated token key),
// so a restart loses neither the data nor the sessions.

let dataDir: string;
let before: { email: string; token: string; projectId: number; project: Record<string, unknown> };
let restarted: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pym-persist-'));
  // An empty JWT_SECRET makes the runner generate its key and keep it in DATA_DIR.
  const first = await startTestApp({ JWT_SECRET: '' }, { dataDir });
  try {
    const admin = await signUp(first, { name: 'Admin' });
    const created = await first.request('POST', '/api/v1/projects', {
      token: admin.token,
      body: { title: 'Persistent', url: 'https://example.com', tags: 'a,b', custom_headers: { 'X-Key': 'v' }, status_interval: 600 },
    });
    if (created.status !== 201) throw new Error(created.text);
    before = { email: admin.email, token: admin.token, projectId: created.body.id, project: created.body };
  } finally {
    await first.close();
  }
  restarted = await startTestApp({ JWT_SECRET: '' }, { dataDir });
}, 120_000);

afterAll(async () => {
  await restarted?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a restart of the local runner', () => {
  it('keeps the generated token key in DATA_DIR, readable only by its owner', async () => {
    const s = await stat(join(dataDir, 'jwt-secret'));
    expect(s.mode & 0o077).toBe(0);
  });

  it('keeps accepting a token issued before the restart', async () => {
    const me = await restarted.request('GET', '/api/v1/users/me', { token: before.token });
    expect(me.status, me.text).toBe(200);
    expect(me.body.email).toBe(before.email);
  });

  it('keeps the accounts: the same credentials log in', async () => {
    const res = await restarted.request('POST', '/api/v1/auth/login', { body: { email: before.email, password: PASSWORD } });
    expect(res.status, res.text).toBe(200);
  });

  it('keeps the projects and their settings', async () => {
    const res = await restarted.request('GET', `/api/v1/projects/${before.projectId}`, { token: before.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual(before.project);
  });

  it('keeps counting ids where it left off', async () => {
    const login = await restarted.request('POST', '/api/v1/auth/login', { body: { email: before.email, password: PASSWORD } });
    const res = await restarted.request('POST', '/api/v1/projects', { token: login.body.access_token, body: { title: 'After', url: 'https://example.org' } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.id).toBeGreaterThan(before.projectId);
  });
});
