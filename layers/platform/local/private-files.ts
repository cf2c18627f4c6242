import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

// DATA_DIR holds the database (its WAL has emails and password hashes), the token key and the mail
// log: only the user running the server may read any of it. Directories 0700, files 0600.

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** New files and directories of this process are private (a umask of 077), where Node allows it. */
export function usePrivateUmask(): void {
  try {
    process.umask(0o077);
  } catch {
    // Worker threads cannot change the umask; the explicit modes and tightenTree still apply.
  }
}

export async function makePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(dir, PRIVATE_DIR_MODE);
}

/**
 * Sets every directory under `root` (itself included) to 0700 and every file to 0600. For files
 * written with wider modes than the umask allows: PGlite unpacks its initial database 0666.
 */
export async function tightenTree(root: string): Promise<void> {
  const stack = [root];
  for (let path = stack.pop(); path !== undefined; path = stack.pop()) {
    let s;
    try {
      s = await lstat(path);
    } catch {
      continue; // removed meanwhile
    }
    if (s.isDirectory()) {
      if ((s.mode & 0o777) !== PRIVATE_DIR_MODE) await chmod(path, PRIVATE_DIR_MODE);
      for (const name of await readdir(path)) stack.push(join(path, name));
    } else if (s.isFile() && (s.mode & 0o777) !== PRIVATE_FILE_MODE) {
      await chmod(path, PRIVATE_FILE_MODE);
    }
  }
}
