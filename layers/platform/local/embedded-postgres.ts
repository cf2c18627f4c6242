import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePrivateDir, tightenTree } from './private-files.ts';

export interface EmbeddedPostgres {
  /** The Unix socket postgres.js connects to (its `path` option). */
  socketPath: string;
  close(): Promise<void>;
}

// Unix socket paths are limited to 104-108 bytes depending on the system.
const MAX_SOCKET_PATH = 100;

/**
 * Runs PGlite behind a socket so the same postgres.js driver serves both modes. PGlite has no
 * authentication, so the socket is a Unix socket in a directory only this user can enter (0700),
 * never a TCP port. `dataDir` undefined keeps the database in memory (tests); `socketDir` undefined,
 * or too long a path, uses a fresh private directory under the system's temporary folder.
 */
export async function startEmbeddedPostgres(opts: { dataDir?: string | undefined; socketDir?: string | undefined } = {}): Promise<EmbeddedPostgres> {
  const { dataDir } = opts;
  let socketDir = opts.socketDir && join(opts.socketDir, '.s.PGSQL.5432').length <= MAX_SOCKET_PATH ? opts.socketDir : undefined;
  const ownsSocketDir = socketDir === undefined;
  if (socketDir) await makePrivateDir(socketDir);
  else socketDir = await mkdtemp(join(tmpdir(), 'pym-pg-'));
  const socketPath = join(socketDir, '.s.PGSQL.5432');
  // A socket left by a run that was killed would make listen fail.
  await unlink(socketPath).catch(() => undefined);
  if (dataDir) await makePrivateDir(dataDir);
  // Loaded here, not at the top: a process on the machine's PostgreSQL never needs PGlite's WebAssembly.
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-socket')]);
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  if (dataDir) await tightenTree(dataDir);
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 64 });
  await server.start();
  return {
    socketPath,
    async close() {
      await server.stop();
      await db.close();
      // PGlite rewrites some files (its relation cache) wider than the umask allows.
      if (dataDir) await tightenTree(dataDir);
      if (ownsSocketDir) await rm(socketDir, { recursive: true, force: true });
    },
  };
}
