import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Blobs } from '../ports.ts';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-files.ts';

/** Blobs (screenshots) under a folder; the content type sits beside each file. */
export class FsBlobs implements Blobs {
  private readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    const p = resolve(join(this.root, key));
    if (!p.startsWith(this.root + sep)) throw new Error(`blob key escapes the store: ${key}`);
    return p;
  }

  async put(key: string, data: Uint8Array, contentType: string): Promise<void> {
    const p = this.path(key);
    await mkdir(dirname(p), { recursive: true, mode: PRIVATE_DIR_MODE });
    await writeFile(p, data, { mode: PRIVATE_FILE_MODE });
    await writeFile(`${p}.type`, contentType, { mode: PRIVATE_FILE_MODE });
  }

  async get(key: string): Promise<{ data: Uint8Array; contentType: string } | undefined> {
    const p = this.path(key);
    try {
      const [data, type] = await Promise.all([readFile(p), readFile(`${p}.type`, 'utf8')]);
      return { data, contentType: type };
    } catch {
      return undefined;
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) {
      let p: string;
      try {
        p = this.path(key);
      } catch {
        continue; // A key outside the store names no file of ours.
      }
      await rm(p, { force: true });
      await rm(`${p}.type`, { force: true });
    }
  }
}
