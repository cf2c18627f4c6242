import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { loadConfig, type Config } from '../../layers/config.ts';
import { startLocalSystem, type LocalSystem } from '../../layers/wiring/local/runner.ts';
import type { Role } from '../../layers/model/user.ts';
import type { Logger } from '../../layers/platform/ports.ts';

/**
 * A fresh database for one test app: a new database on TEST_DATABASE_URL's server when it is set
 * (CI: the machine's PostgreSQL), otherwise an in-memory embedded PGlite.
 */
export async function freshDatabaseUrl(): Promise<{ url: string | undefined; drop(): Promise<void> }> {
  const base = process.env['TEST_DATABASE_URL'];
  if (!base) return { url: undefined, drop: async () => {} };
  const name = `pym_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export interface TestApp {
  system: LocalSystem;
  url: string;
  config: Config;
  request(method: string, path: string, opts?: { token?: string; body?: unknown; form?: Record<string, string>; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  /** Registers a user and gives it `role` (through the admin API when it is not `user`). */
  user(role: Role, name?: string): Promise<{ id: number; email: string; token: string; role: Role }>;
  close(): Promise<void>;
}

let seq = 0;

export async function startTestApp(env: Record<string, string> = {}, opts: { dataDir?: string; keepDatabase?: boolean; log?: Logger } = {}): Promise<TestApp> {
  const db = opts.dataDir ? { url: undefined, drop: async () => {} } : await freshDatabaseUrl();
  const tmp = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'pym-test-')));
  const config = loadConfig({
    MODE: 'local',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: tmp,
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'test-secret-0123456789-0123456789-0123456789',
    PASSWORD_SCRYPT_LOG_N: '10',
    AUTH_RATE_LIMIT_PER_IP: '100000',
    AUTH_RATE_LIMIT_PER_ACCOUNT: '100000',
    SCHEDULER_ENABLED: 'false',
    CACHE_PREFIX: `pymtest:${randomBytes(4).toString('hex')}:`,
    ...(db.url ? { DATABASE_URL: db.url, DATABASE_POOL_MAX: '4' } : {}),
    ...(process.env['TEST_REDIS_URL'] ? { REDIS_URL: process.env['TEST_REDIS_URL'] } : {}),
    ...env,
  });
  const system = await startLocalSystem(config, { inMemoryDatabase: !opts.dataDir, ...(opts.log ? { log: opts.log } : {}) });
  const url = system.url;

  const request: TestApp['request'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    let body: string | undefined;
    if (o.token) headers['authorization'] = `Bearer ${o.token}`;
    if (o.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(o.form).toString();
    } else if (o.raw !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = o.raw;
    } else if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    const res = await fetch(url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };

  let admin: { id: number; token: string } | undefined;
  const login = async (email: string, password: string) => {
    const r = await request('POST', '/api/v1/auth/login', { body: { email, password } });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
    return r.body.access_token as string;
  };
  const register = async (name: string) => {
    const email = `${name.toLowerCase().replace(/\W/g, '')}-${++seq}-${randomBytes(3).toString('hex')}@example.com`;
    const r = await request('POST', '/api/v1/auth/register', { body: { email, password: 'correct-horse-1', name } });
    if (r.status !== 201) throw new Error(`register failed: ${r.status} ${r.text}`);
    return { id: r.body.id as number, email, role: r.body.role as Role, token: await login(email, 'correct-horse-1') };
  };
  const user: TestApp['user'] = async (role, name = role) => {
    if (!admin) admin = await register('Admin');
    const u = await register(name);
    if (u.role !== role) {
      const r = await request('PATCH', `/api/v1/users/${u.id}/role`, { token: admin.token, body: { role } });
      if (r.status !== 200) throw new Error(`role change failed: ${r.status} ${r.text}`);
    }
    return { ...u, role };
  };

  return {
    system,
    url,
    config,
    request,
    user,
    async close() {
      await system.close();
      if (!opts.keepDatabase) await db.drop();
      if (!opts.dataDir) await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** Creates a project through the API as the user of `token` (the site https://example.com): its id. */
export async function createProject(app: TestApp, token: string, title: string): Promise<number> {
  const r = await app.request('POST', '/api/v1/projects', { token, body: { title, url: 'https://example.com' } });
  if (r.status !== 201) throw new Error(`POST /api/v1/projects: ${r.status} ${r.text}`);
  return r.body.id as number;
}
