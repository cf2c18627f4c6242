// A local system run the way `py-monitor serve` runs it (with the process guard), in a child process,
// so a test can inject faults that escape every handler and see whether the process survives.
// stdin lines: "throw" raises from a timer callback, "reject" leaves a rejected promise unawaited.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../layers/config.ts';
import { guardProcess, startLocalSystem } from '../../layers/wiring/local/runner.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'pym-guard-'));
const config = loadConfig({
  MODE: 'local',
  HOST: '127.0.0.1',
  PORT: '0',
  DATA_DIR: dataDir,
  LOG_LEVEL: 'error',
  JWT_SECRET: 'test-secret-0123456789-0123456789-0123456789',
  SCHEDULER_ENABLED: 'false',
});
const system = await startLocalSystem(config, { inMemoryDatabase: true });
guardProcess(system.ctx.log);
process.stdout.write(`listening ${system.url}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'throw') setImmediate(() => { throw new Error('injected fault from a callback'); });
  if (line === 'reject') void Promise.reject(new Error('injected rejection nobody awaits'));
  if (line === 'exit') void system.close().then(() => process.exit(0));
});
