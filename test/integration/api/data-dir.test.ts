import { chmod, lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../../layers/platform/local/embedded-postgres.ts';
import { startTestApp } from '../../support/app.ts';
import { createProject, signUp } from './helpers.ts';

// Issue 16, point 4: the embedded database has no authentication of its own, so nobody but the
// user running the server may reach it or read its files (the WAL holds emails and password hashes).

/** Every path under `root` whose mode is not 0700 (directories) or 0600 (files), with its mode. */
async function widerThanPrivate(root: string): Promise<string[]> {
  const out: string[] = [];
  const stack = [root];
  for (let path = stack.pop(); path !== undefined; path = stack.pop()) {
    const s = await lstat(path);
    const mode = s.mode & 0o777;
    if (s.isDirectory()) {
      if (mode !== 0o700) out.push(`${path} ${mode.toString(8)}`);
      for (const name of await readdir(path)) stack.push(join(path, name));
    } else if (s.isFile() && mode !== 0o600) {
      out.push(`${path} ${mode.toString(8)}`);
    }
  }
  return out;
}

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pym-modes-'));
});
afterAll(async () => rm(dataDir, { recursive: true, force: true }));

describe('the embedded database', () => {
  it('listens on a Unix socket in a directory only this user can enter, and answers there', async () => {
    const pg = await startEmbeddedPostgres();
    try {
      expect(pg).not.toHaveProperty('port');
      expect(((await lstat(dirname(pg.socketPath))).mode & 0o777).toString(8)).toBe('700');
      const sql = postgres({ path: pg.socketPath, username: 'postgres', database: 'postgres', max: 1, onnotice: () => {} });
      expect(await sql`SELECT 1 AS one`).toEqual([{ one: 1 }]);
      await sql.end();
    } finally {
      await pg.close();
    }
  });
});

describe('DATA_DIR', () => {
  it('keeps every file the server writes 0600 and every directory 0700: database, token key, blobs, mail log', async () => {
    const app = await startTestApp({ JWT_SECRET: '' }, { dataDir });
    try {
      const admin = await signUp(app, { name: 'Admin' });
      await createProject(app, admin.token);
      await app.system.ctx.blobs.put('screenshots/1/page.png', new Uint8Array([1, 2, 3]), 'image/png');
      await app.system.ctx.mailer.send({ to: 'ops@example.com', subject: 'mode test', text: 'hello' });
      // While it runs, not only after it stopped: the WAL is written as the server goes.
      await app.system.ctx.sql`CHECKPOINT`;
      expect(await widerThanPrivate(dataDir)).toEqual([]);
    } finally {
      await app.close();
    }
    expect((await readdir(dataDir)).sort()).toEqual(expect.arrayContaining(['blobs', 'jwt-secret', 'outbox.log', 'pgdata']));
    expect(await widerThanPrivate(dataDir)).toEqual([]);
  }, 60_000);

  it('makes what an older version left readable private again at the next start', async () => {
    await chmod(dataDir, 0o755);
    await chmod(join(dataDir, 'pgdata'), 0o755);
    await chmod(join(dataDir, 'pgdata', 'PG_VERSION'), 0o644);
    await chmod(join(dataDir, 'outbox.log'), 0o644);
    const app = await startTestApp({ JWT_SECRET: '' }, { dataDir });
    try {
      expect(await widerThanPrivate(dataDir)).toEqual([]);
    } finally {
      await app.close();
    }
  }, 60_000);
});
