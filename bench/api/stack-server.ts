// Child process of bench/api/run.ts: the real local runner (router, auth, services, repositories)
// on the benchmark database. Prints {"url": ...} once listening.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../layers/config.ts';
import { startLocalSystem } from '../../layers/wiring/local/runner.ts';

const databaseUrl = process.argv[2];
const poolMax = process.argv[3] ?? '10';
if (!databaseUrl) throw new Error('usage: stack-server.ts <database-url> [pool-max]');

const config = loadConfig({
  MODE: 'local',
  HOST: '127.0.0.1',
  PORT: '0',
  DATA_DIR: await mkdtemp(join(tmpdir(), 'pym-bench-')),
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_MAX: poolMax,
  LOG_LEVEL: 'silent',
  JWT_SECRET: 'bench-secret-0123456789-0123456789-0123456789',
  PASSWORD_SCRYPT_LOG_N: '10',
  SCHEDULER_ENABLED: 'false',
  AUTH_RATE_LIMIT_PER_IP: '100000',
  AUTH_RATE_LIMIT_PER_ACCOUNT: '100000',
});
const system = await startLocalSystem(config);
process.stdout.write(JSON.stringify({ url: system.url }) + '\n');
process.on('SIGTERM', () => {
  void system.close().then(() => process.exit(0));
});
