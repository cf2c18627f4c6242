import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../../layers/config.ts';
import { runMonitorsFileCommand, type CliIo } from '../../../layers/wiring/local/monitors-file-cli.ts';
import { startTestApp } from '../../support/app.ts';

// `py-monitor apply` and `py-monitor export` on an installation's embedded database (issue 15).

let dir: string;
let config: Config;
let adminEmail: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pym-cli-'));
  // The server makes the first account (the admin) and stops: the CLI needs the database to itself.
  const app = await startTestApp({}, { dataDir: dir });
  await app.user('manager');
  const [admin] = await app.system.ctx.sql<{ email: string }[]>`SELECT email FROM users WHERE role = 'admin'`;
  adminEmail = admin!.email;
  await app.close();
  config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), env };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

const file = `version: 1
channels:
  - name: pager
    type: pagerduty
    settings:
      routing_key: \${env:PD_KEY}
projects:
  - key: shop
    title: Shop
    url: https://shop.example.com/
    monitoring:
      channels:
        - pager
`;

describe('py-monitor apply and export', () => {
  it('prints the plan on a dry run and applies the file', async () => {
    const path = join(dir, 'monitors.yaml');
    await writeFile(path, file);
    const env = { PD_KEY: 'R0UT1NGKEY0123456789abcdefABCDEF' };
    const dry = io(env);
    expect(await runMonitorsFileCommand('apply', [path, '--dry-run'], config, dry.io)).toBe(0);
    expect(dry.out()).toBe('+ channel pager\n    type: null -> "pagerduty"\n+ project shop\n    title: null -> "Shop"\n    url: null -> "https://shop.example.com/"\nPlan: 2 to create, 0 to update, 0 to delete.\n');
    const run = io(env);
    expect(await runMonitorsFileCommand('apply', [path, '--as', adminEmail], config, run.io)).toBe(0);
    expect(run.out()).toMatch(/Applied: 2 to create, 0 to update, 0 to delete\.\n$/);
    const again = io(env);
    expect(await runMonitorsFileCommand('apply', [path], config, again.io)).toBe(0);
    expect(again.out()).toBe('No changes: the installation matches the file.\n');
  });

  it('exports references by default and the stored secrets when asked', async () => {
    const refs = io();
    expect(await runMonitorsFileCommand('export', [], config, refs.io)).toBe(0);
    expect(refs.out()).toBe(file);
    expect(refs.err()).toBe('the file refers to these environment variables: PD_KEY\n');
    const output = join(dir, 'with-secrets.yaml');
    await writeFile(output, 'left by an earlier run\n');
    await chmod(output, 0o644);
    const values = io();
    expect(await runMonitorsFileCommand('export', ['--secrets', 'values', '--output', output], config, values.io)).toBe(0);
    expect(await readFile(output, 'utf8')).toBe(file.replace('${env:PD_KEY}', 'R0UT1NGKEY0123456789abcdefABCDEF'));
    expect((await stat(output)).mode & 0o077).toBe(0);
  });

  it('names the file, line and field of a bad value, and exits 1', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(path, file.replace('url: https://shop.example.com/', 'url: ftp://shop.example.com/'));
    const bad = io({ PD_KEY: 'x' });
    expect(await runMonitorsFileCommand('apply', [path], config, bad.io)).toBe(1);
    expect(bad.err()).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:10:10: projects\\.0\\.url: `));
  });

  it('refuses to open the embedded database while a server uses it', async () => {
    const app = await startTestApp({}, { dataDir: dir });
    try {
      const busy = io();
      expect(await runMonitorsFileCommand('export', [], config, busy.io)).toBe(1);
      expect(busy.err()).toMatch(/a py-monitor server is running on the embedded database/);
    } finally {
      await app.close();
    }
  });
});
