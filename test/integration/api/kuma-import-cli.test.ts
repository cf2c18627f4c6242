import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../../layers/config.ts';
import { runKumaImportCommand } from '../../../layers/wiring/local/kuma-cli.ts';
import type { CliIo } from '../../../layers/wiring/local/monitors-file-cli.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { buildKumaSample, type KumaSample } from '../../support/kuma-sample.ts';

// `py-monitor import-kuma <kuma.db>` (issue 15), beside a running installation on PostgreSQL, or on the
// embedded database of a stopped one.

let dir: string;
let config: Config;
let sample: KumaSample;
let file: string;
let server: TestApp | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pym-kuma-cli-'));
  if (process.env['TEST_DATABASE_URL']) {
    // With a database server the CLI runs beside the running installation (DATABASE_URL), as on AWS.
    server = await startTestApp();
    await server.user('manager');
    config = loadConfig({ DATABASE_URL: server.config.DATABASE_URL!, DATA_DIR: join(dir, 'cli'), LOG_LEVEL: 'silent' });
  } else {
    // The embedded database: the server makes the first account (the admin) and stops, so the CLI has it to itself.
    const app = await startTestApp({}, { dataDir: dir });
    await app.user('manager');
    await app.close();
    config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' });
  }
  file = join(dir, 'kuma.db');
  sample = buildKumaSample('2.x', new Date(), file);
  sample.db.close();
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), env: {} };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

describe('py-monitor import-kuma', () => {
  it('prints the plan and what it cannot map on a dry run', async () => {
    const run = io();
    expect(await runKumaImportCommand([file, '--dry-run'], config, run.io)).toBe(0);
    const out = run.out();
    expect(out).toMatch(/^Uptime Kuma 2\.x database\n/);
    expect(out).toMatch(new RegExp(`\\+ project kuma-[0-9a-f]{10}-${sample.ids['shop']}\\n    title: null -> "Shop"`));
    expect(out).toContain('Plan: 15 to create, 0 to update, 0 to delete.');
    expect(out).toContain(`  #${sample.ids['upside']} Staging must be down [http]: upside-down mode`);
    expect(out).toContain('Monitor types not imported: group (1), ping (1), port (1), push (1)');
    expect(out).toContain('Notification providers not imported: pushover (1)');
    expect(out).toContain(`History: ${sample.shop.beats + 1000} heartbeats would be read (dry run)`);
  });

  it('imports, and a second run creates nothing', async () => {
    const first = io();
    expect(await runKumaImportCommand([file], config, first.io)).toBe(0);
    expect(first.out()).toContain('Applied: 15 to create, 0 to update, 0 to delete.');
    expect(first.out()).toContain(`History: ${sample.shop.beats + 1000} heartbeats read, ${sample.shop.beats + 1000} results imported, 0 already there or not imported, 1 incidents`);
    const again = io();
    expect(await runKumaImportCommand([file, '--json'], config, again.io)).toBe(0);
    const report = JSON.parse(again.out());
    expect(report.plan.summary).toEqual({ create: 0, update: 0, delete: 0 });
    expect(report.history.imported).toBe(0);
  }, 60_000);

  it('answers a missing file and bad arguments', async () => {
    const missing = io();
    expect(await runKumaImportCommand([join(dir, 'nope.db')], config, missing.io)).toBe(1);
    expect(missing.err()).toMatch(/not a readable SQLite database/);
    const usage = io();
    expect(await runKumaImportCommand([], config, usage.io)).toBe(2);
    expect(usage.err()).toContain('import-kuma <kuma.db>');
    const unknown = io();
    expect(await runKumaImportCommand([file, '--prune'], config, unknown.io)).toBe(2);
  });
});
