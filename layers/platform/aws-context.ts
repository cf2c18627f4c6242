import { loadConfig, type Config } from '../config.ts';
import { connect } from '../repositories/db.ts';
import type { CheckerContext } from '../services/checker.ts';
import type { NotifierContext } from '../services/notifier.ts';
import type { ServiceContext } from '../services/context.ts';
import { createAwsPorts, type AwsPorts } from './aws/index.ts';
import { createLambdaBrowserRunner, createLambdaProber } from './aws/lambda-prober.ts';
import { createLogger } from './logger.ts';
import { MemoryCache } from './memory-cache.ts';
import { RedisCache } from './redis-cache.ts';
import { systemClock, type Cache } from './ports.ts';
import type { Sql } from '../repositories/db.ts';

// Contexts of the Lambda functions, built once per container on first use. A port a function was
// not bound to (no env var, no IAM grant) fails loudly if used.

function missing<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      throw new Error(`${name} is not available in this function (not bound by the stack)`);
    },
  });
}

let base: { config: Config; ports: AwsPorts } | undefined;
function platform() {
  if (!base) {
    const config = loadConfig();
    base = { config, ports: createAwsPorts(config) };
  }
  return base;
}

const log = () => createLogger(platform().config.LOG_LEVEL, { fn: platform().config.AWS_LAMBDA_FUNCTION_NAME });

function cacheFor(config: Config): Cache {
  return config.REDIS_URL ? new RedisCache(config.REDIS_URL, config.CACHE_PREFIX) : new MemoryCache();
}

function memo<T>(build: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= build().catch((err: unknown) => {
      p = undefined;
      throw err;
    });
    return p;
  };
}

/** In-VPC functions: database, cache, queues. */
export const awsServiceContext = memo(async (): Promise<ServiceContext> => {
  const { config, ports } = platform();
  const sql: Sql = config.DATABASE_URL
    ? connect({ url: config.DATABASE_URL, max: config.DATABASE_POOL_MAX })
    : connect(await ports.databaseOptions());
  return {
    config,
    sql,
    cache: cacheFor(config),
    queue: ports.queue,
    mailer: ports.mailer ?? missing('mailer'),
    blobs: ports.blobs ?? missing('blobs'),
    push: ports.push ?? missing('push'),
    connections: ports.connections ?? missing('connections'),
    deliveries: ports.deliveryLog ?? missing('deliveries'),
    prober: config.CHECKER_FUNCTION_NAME
      ? createLambdaProber(config.CHECKER_FUNCTION_NAME, config.AWS_REGION)
      : missing('prober'),
    browser: config.BROWSER_FUNCTION_NAME ? createLambdaBrowserRunner(config.BROWSER_FUNCTION_NAME, config.AWS_REGION) : missing('browser'),
    clock: systemClock,
    log: log(),
    jwtSecret: config.JWT_SECRET ? new TextEncoder().encode(config.JWT_SECRET) : await ports.jwtSecret(),
  };
});

/** Functions outside the VPC that still answer HTTP (the tools API): no database. */
export const awsEdgeContext = memo(async (): Promise<ServiceContext> => {
  const { config, ports } = platform();
  return {
    config,
    sql: missing<Sql>('database'),
    cache: cacheFor(config),
    queue: ports.queue,
    mailer: missing('mailer'),
    blobs: missing('blobs'),
    push: missing('push'),
    connections: missing('connections'),
    deliveries: missing('deliveries'),
    prober: missing('prober'),
    browser: missing('browser'),
    clock: systemClock,
    log: log(),
    jwtSecret: config.JWT_SECRET ? new TextEncoder().encode(config.JWT_SECRET) : await ports.jwtSecret(),
  };
});

export const awsCheckerContext = memo(async (): Promise<CheckerContext> => {
  const { config, ports } = platform();
  return {
    queue: ports.queue,
    log: log(),
    allowPrivateTargets: config.ALLOW_PRIVATE_TARGETS,
    dnsServers: config.DNS_SERVERS?.split(',').map((s) => s.trim()).filter(Boolean),
    rdapBootstrapUrl: config.RDAP_BOOTSTRAP_URL,
    whoisServer: config.WHOIS_SERVER,
  };
});

export const awsNotifierContext = memo(async (): Promise<NotifierContext> => {
  const { config, ports } = platform();
  return {
    queue: ports.queue,
    mailer: ports.mailer ?? missing('mailer'),
    push: ports.push ?? missing('push'),
    connections: ports.connections ?? missing('connections'),
    deliveries: ports.deliveryLog ?? missing('deliveries'),
    log: log(),
    allowPrivateTargets: config.ALLOW_PRIVATE_TARGETS,
    publicUrl: config.PUBLIC_URL,
  };
});
