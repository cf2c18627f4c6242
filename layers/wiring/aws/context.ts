import { loadConfig, type Config } from '../../config.ts';
import type { Sql } from '../../repositories/db.ts';
import type { ServiceContext } from '../../services/context.ts';
import type { AwsSecrets } from '../../platform/aws/secrets.ts';
import { createLogger } from '../../platform/logger.ts';
import { MemoryCache } from '../../platform/memory-cache.ts';
import { systemClock, type Logger } from '../../platform/ports.ts';

// What every Lambda entry (functions/*.ts) shares to build its context. Each entry builds only the
// ports the stack binds to it (env var and IAM grant), so its bundle holds only those SDK clients;
// a port a function was not bound to fails loudly if used. Nothing heavy is imported here (the
// database driver is in database.ts), since every bundle holds this module.

export function missing<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      throw new Error(`${name} is not available in this function (not bound by the stack)`);
    },
  });
}

/**
 * A port whose adapter (and SDK client) loads on its first call: esbuild keeps a dynamic import as a
 * lazily initialised module, so a cold start that never uses the port never evaluates it.
 */
export function lazy<T extends object>(load: () => Promise<T>): T {
  let loaded: Promise<T> | undefined;
  return new Proxy({} as T, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      return async (...args: unknown[]) => {
        loaded ??= load();
        const port = (await loaded) as unknown as Record<PropertyKey, (...a: unknown[]) => unknown>;
        return port[prop]!(...args);
      };
    },
  });
}

/** Builds once; a failed build is forgotten so the next invocation retries. */
export function memo<T>(build: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= build().catch((err: unknown) => {
      p = undefined;
      throw err;
    });
    return p;
  };
}

let config: Config | undefined;
export function awsConfig(): Config {
  config ??= loadConfig();
  return config;
}

export function awsLogger(config: Config): Logger {
  return createLogger(config.LOG_LEVEL, { fn: config.AWS_LAMBDA_FUNCTION_NAME });
}

/** The JWT signing key: JWT_SECRET if set, else the stack's secret (JWT_SECRET_ARN). */
export async function awsJwtSecret(config: Config, secrets: AwsSecrets): Promise<Uint8Array> {
  return config.JWT_SECRET ? new TextEncoder().encode(config.JWT_SECRET) : secrets.jwtSecret();
}

type Bindable = Omit<ServiceContext, 'config' | 'clock' | 'log'>;

/** The env vars lib/ sets when it binds a function to a port's resource. */
const BINDING_ENV: { [K in keyof Bindable]?: (keyof Config)[] } = {
  sql: ['DATABASE_SECRET_ARN', 'DATABASE_URL'],
  cache: ['REDIS_URL'],
  queue: ['CHECK_QUEUE_URL', 'BROWSER_QUEUE_URL', 'RESULTS_QUEUE_URL', 'NOTIFY_QUEUE_URL', 'TOOLS_QUEUE_URL'],
  mailer: ['SES_FROM'],
  blobs: ['BLOB_BUCKET'],
  push: ['WS_ENDPOINT'],
  connections: ['CONNECTIONS_TABLE'],
  tools: ['TOOLS_QUEUE_URL'],
  jwtSecret: ['JWT_SECRET_ARN', 'JWT_SECRET'],
};

/**
 * A ServiceContext of the ports a function is bound to; every other port is `missing` (the cache
 * is then in memory). A binding the stack made that the function's entry ignores fails here.
 */
export function serviceContext(config: Config, bound: { [K in keyof Bindable]?: Bindable[K] | undefined }): ServiceContext {
  for (const [port, names] of Object.entries(BINDING_ENV) as [keyof Bindable, (keyof Config)[]][]) {
    const set = names.find((n) => config[n] !== undefined);
    if (bound[port] === undefined && set) throw new Error(`${set} is set but this function's context does not build ${port} (see its entry in functions/)`);
  }
  return {
    config,
    sql: bound.sql ?? missing<Sql>('database'),
    cache: bound.cache ?? new MemoryCache(),
    queue: bound.queue ?? missing('queue'),
    mailer: bound.mailer ?? missing('mailer'),
    blobs: bound.blobs ?? missing('blobs'),
    push: bound.push ?? missing('push'),
    connections: bound.connections ?? missing('connections'),
    deliveries: bound.deliveries ?? missing('deliveries'),
    tools: bound.tools ?? missing('tools'),
    browser: bound.browser ?? missing('browser'),
    clock: systemClock,
    log: awsLogger(config),
    jwtSecret: bound.jwtSecret ?? missing<Uint8Array>('jwtSecret'),
    processMetrics: bound.processMetrics,
  };
}
