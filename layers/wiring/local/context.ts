import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config.ts';
import { connect, type Sql } from '../../repositories/db.ts';
import { migrate } from '../../repositories/migrate.ts';
import type { ServiceContext } from '../../services/context.ts';
import { createLogger } from '../../platform/logger.ts';
import { MemoryCache } from '../../platform/memory-cache.ts';
import { systemClock, type Cache, type Logger, type Mailer } from '../../platform/ports.ts';
import { RedisCache } from '../../platform/redis-cache.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../platform/local/embedded-postgres.ts';
import { FsBlobs } from '../../platform/local/fs-blobs.ts';
import { LocalQueue } from '../../platform/local/local-queue.ts';
import { LocalPush, MemoryConnectionStore } from '../../platform/local/memory-connections.ts';
import { createLocalMailer } from '../../platform/local/mailer.ts';
import { DbDeliveryLog } from './db-delivery-log.ts';
import { LocalBrowserRunner } from './browser-runner.ts';
import { makePrivateDir, PRIVATE_FILE_MODE, tightenTree, usePrivateUmask } from '../../platform/local/private-files.ts';
import { runTool } from '../../checks/index.ts';
import { createProcessMetrics } from '../../platform/process-metrics.ts';
import { metricsEnabled } from '../../services/metrics.ts';
import type { CheckerContext } from '../../services/checker.ts';
import type { NotifierContext } from '../../services/notifier.ts';
import { localSqliteFiles } from '../../platform/local/sqlite-files.ts';

export interface LocalContext extends ServiceContext {
  queue: LocalQueue;
  /** The local Chromium pool the browser queue's consumer runs jobs in. */
  browser: LocalBrowserRunner;
  push: LocalPush;
  connections: MemoryConnectionStore;
  /** Where the database is, for the log line. */
  databaseLabel: string;
  close(): Promise<void>;
}

/** What the local server keeps in DATA_DIR. */
const DATA_DIR_ENTRIES = ['pgdata', 'pgsocket', 'jwt-secret', 'blobs', 'outbox.log'];

/** Reads the token key from config, or keeps a generated one in DATA_DIR so tokens survive restarts. */
async function localJwtSecret(config: Config): Promise<Uint8Array> {
  if (config.JWT_SECRET) return new TextEncoder().encode(config.JWT_SECRET);
  const file = join(config.DATA_DIR, 'jwt-secret');
  try {
    return new TextEncoder().encode((await readFile(file, 'utf8')).trim());
  } catch {
    const secret = randomBytes(48).toString('base64url');
    await writeFile(file, secret, { mode: PRIVATE_FILE_MODE });
    return new TextEncoder().encode(secret);
  }
}

/** The checker's view of the platform (on AWS it has no database, so it gets only this). */
export function checkerContextFor(config: Config, queue: LocalQueue | ServiceContext['queue'], log: Logger): CheckerContext {
  return {
    queue,
    log,
    allowPrivateTargets: config.ALLOW_PRIVATE_TARGETS,
    dnsServers: config.DNS_SERVERS,
    rdapBootstrapUrl: config.RDAP_BOOTSTRAP_URL,
    whoisServer: config.WHOIS_SERVER,
    checksPerInvocation: config.CHECKS_PER_INVOCATION,
  };
}

/** The notifier's view of the local platform. */
export function notifierContextFor(ctx: ServiceContext): NotifierContext {
  return {
    queue: ctx.queue,
    mailer: ctx.mailer,
    push: ctx.push,
    connections: ctx.connections,
    deliveries: ctx.deliveries,
    log: ctx.log,
    allowPrivateTargets: ctx.config.ALLOW_PRIVATE_TARGETS,
    dnsServers: ctx.config.DNS_SERVERS,
    publicUrl: ctx.config.PUBLIC_URL,
  };
}

export interface LocalContextOptions {
  log?: Logger;
  /** Keep the embedded database in memory (tests). */
  inMemoryDatabase?: boolean;
  mailer?: Mailer;
  /** Run migrations (default true). */
  migrate?: boolean;
}

/** Builds the whole local platform: database (embedded or DATABASE_URL), cache, queue, push, mail, blobs. */
export async function createLocalContext(config: Config, opts: LocalContextOptions = {}): Promise<LocalContext> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  // What the server keeps in DATA_DIR is private, including what an older version left readable;
  // only its own entries are touched, in case DATA_DIR is a folder shared with other things.
  usePrivateUmask();
  await makePrivateDir(config.DATA_DIR);
  for (const entry of DATA_DIR_ENTRIES) await tightenTree(join(config.DATA_DIR, entry));
  let embedded: EmbeddedPostgres | undefined;
  let sql: Sql;
  let databaseLabel: string;
  if (config.DATABASE_URL) {
    sql = connect({ url: config.DATABASE_URL, max: config.DATABASE_POOL_MAX });
    databaseLabel = config.DATABASE_URL.replace(/\/\/[^@/]*@/, '//***@');
  } else {
    const dir = opts.inMemoryDatabase ? undefined : join(config.DATA_DIR, 'pgdata');
    embedded = await startEmbeddedPostgres({ dataDir: dir, socketDir: dir && join(config.DATA_DIR, 'pgsocket') });
    // PGlite runs one query at a time and shares session state: one connection.
    sql = connect({ path: embedded.socketPath, max: 1, embedded: true });
    databaseLabel = dir ? `embedded PGlite (${dir})` : 'embedded PGlite (in memory)';
  }
  if (opts.migrate !== false) await migrate(sql);
  const cache: Cache = config.REDIS_URL ? new RedisCache(config.REDIS_URL, config.CACHE_PREFIX) : new MemoryCache();
  const queue = new LocalQueue(log);
  const blobs = new FsBlobs(join(config.DATA_DIR, 'blobs'));
  const browser = new LocalBrowserRunner(config, blobs, log);
  const ctx: LocalContext = {
    config,
    sql,
    cache,
    queue,
    mailer: opts.mailer ?? createLocalMailer(config),
    blobs,
    browser,
    push: new LocalPush(),
    connections: new MemoryConnectionStore(),
    deliveries: new DbDeliveryLog(sql, systemClock),
    tools: { run: runTool },
    clock: systemClock,
    log,
    jwtSecret: await localJwtSecret(config),
    processMetrics: metricsEnabled(config) ? createProcessMetrics({ queue }) : undefined,
    sqlite: localSqliteFiles,
    databaseLabel,
    async close() {
      queue.stop();
      await browser.close();
      await sql.end({ timeout: 5 });
      await cache.close();
      await embedded?.close();
    },
  };
  return ctx;
}
