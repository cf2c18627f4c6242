import * as z from 'zod';

// The one place that reads process.env. Everything else receives a Config.

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes'));

const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** A comma-separated list; empty entries are dropped, and an empty list is no list. */
const optionalList = optionalString.transform((v) => {
  const items = v?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  return items.length > 0 ? items : undefined;
});

export const configSchema = z
  .object({
    MODE: z.enum(['local', 'aws']).default('local'),
    HOST: z.string().default('127.0.0.1'),
    PORT: int(8000, 0, 65535),
    /** Open connections (WebSockets included) the local server accepts; more are closed at once. */
    HTTP_MAX_CONNECTIONS: int(1000, 1, 100_000),
    /** Time a client has to send a request's headers to the local server. */
    HTTP_HEADERS_TIMEOUT_SECONDS: int(10, 1, 300),
    /**
     * Reverse proxies in front of the local server whose X-Forwarded-For is believed: their addresses,
     * comma-separated, or `loopback`. Unset, the client is the connection's peer and the header is ignored.
     */
    TRUST_PROXY: optionalList,
    /** Set on AWS: the key CloudFront sends to the API; with it, CloudFront's viewer address names the client. */
    VIEWER_ADDRESS_KEY: optionalString,
    DATA_DIR: z.string().default('.data'),
    DATABASE_URL: optionalString,
    /** Set on AWS: the Secrets Manager secret holding the Aurora credentials. */
    DATABASE_SECRET_ARN: optionalString,
    DATABASE_POOL_MAX: int(10, 1, 100),
    REDIS_URL: optionalString,
    /** Prefix of every cache key, so installations (or test runs) can share one Redis. */
    CACHE_PREFIX: z.string().default('pym:'),
    /** HS256 key: at least 32 bytes (RFC 7518 3.2: a key as long as the hash). */
    JWT_SECRET: optionalString.refine((v) => v === undefined || Buffer.byteLength(v) >= 32, 'must be at least 32 bytes'),
    JWT_SECRET_ARN: optionalString,
    ACCESS_TOKEN_EXPIRE_MINUTES: int(60 * 24, 1, 60 * 24 * 365),
    /** scrypt cost as log2(N); 15 = 32 MiB per hash. Stored in each hash, so it can change later. */
    PASSWORD_SCRYPT_LOG_N: int(15, 10, 20),
    ALLOW_REGISTRATION: bool(true),
    ALLOW_PRIVATE_TARGETS: z.enum(['true', 'false', '1', '0']).optional(),
    /** Login/register attempts allowed per client IP per window. */
    AUTH_RATE_LIMIT_PER_IP: int(30, 1, 100_000),
    /** Login attempts allowed per account per window. */
    AUTH_RATE_LIMIT_PER_ACCOUNT: int(10, 1, 100_000),
    AUTH_RATE_LIMIT_WINDOW_SECONDS: int(300, 1, 86_400),
    /** Tools API calls allowed per user per minute. */
    TOOLS_RATE_LIMIT_PER_MINUTE: int(60, 1, 100_000),
    SMTP_URL: optionalString,
    MAIL_FROM: z.string().default('Py_Monitor <alerts@py-monitor.local>'),
    PUBLIC_URL: optionalString,
    /** `host[:port]` resolvers for every probe, the DNS tool, webhooks and the browser's address checks. */
    DNS_SERVERS: optionalList,
    RDAP_BOOTSTRAP_URL: optionalString,
    WHOIS_SERVER: optionalString,
    CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /** Local queue concurrency (spec 6.2: 10 HTTP checks, 2 browser checks at once). */
    CHECK_CONCURRENCY: int(10, 1, 1000),
    /** Checks one checker invocation (one batch of check messages) runs at once; on AWS per Lambda execution. */
    CHECKS_PER_INVOCATION: int(50, 1, 1000),
    /** Browser checks at once: locally the pool's pages; on AWS (the API's admission) the reserved browser executions. */
    BROWSER_CONCURRENCY: int(2, 1, 100),
    SCHEDULER_ENABLED: bool(true),
    /**
     * How long a request for work that may run long (check now, a browser check, a screenshot, a journey
     * run) waits for its result before it answers 202 with a job to poll; under API Gateway's 29 s.
     */
    SYNC_WAIT_SECONDS: z.coerce.number().min(0).max(25).default(20),
    /** How long past its own run time a job may wait in its queue before it counts as failed. */
    JOB_GRACE_SECONDS: int(900, 60, 86_400),
    /** GET /metrics (Prometheus) answers a scraper with this bearer token; unset with no basic auth: /metrics is off (404). */
    METRICS_BEARER_TOKEN: optionalString.refine((v) => v === undefined || Buffer.byteLength(v) >= 16, 'must be at least 16 bytes'),
    /** Set on AWS when the stack serves /metrics: the generated secret `{"token": ...}` that becomes METRICS_BEARER_TOKEN. */
    METRICS_BEARER_TOKEN_ARN: optionalString,
    /** Or with basic auth: both or neither. */
    METRICS_BASIC_AUTH_USER: optionalString.refine((v) => v === undefined || !v.includes(':'), 'must not contain ":"'),
    METRICS_BASIC_AUTH_PASSWORD: optionalString.refine((v) => v === undefined || Buffer.byteLength(v) >= 12, 'must be at least 12 bytes'),
    LOG_RETENTION_DAYS: int(30, 0, 3650),
    ALERT_RETENTION_DAYS: int(90, 0, 3650),
    // AWS resources, set by the CDK stack.
    AWS_REGION: optionalString,
    AWS_LAMBDA_FUNCTION_NAME: optionalString,
    CHECK_QUEUE_URL: optionalString,
    BROWSER_QUEUE_URL: optionalString,
    RESULTS_QUEUE_URL: optionalString,
    NOTIFY_QUEUE_URL: optionalString,
    CONNECTIONS_TABLE: optionalString,
    WS_ENDPOINT: optionalString,
    BLOB_BUCKET: optionalString,
    SES_FROM: optionalString,
    /** The tools function's queue (outside the VPC): the API's tools routes (services/queued-answers.ts). */
    TOOLS_QUEUE_URL: optionalString,
  })
  .refine((c) => (c.METRICS_BASIC_AUTH_USER === undefined) === (c.METRICS_BASIC_AUTH_PASSWORD === undefined), {
    message: 'set both METRICS_BASIC_AUTH_USER and METRICS_BASIC_AUTH_PASSWORD, or neither',
    path: ['METRICS_BASIC_AUTH_PASSWORD'],
  });

export type RawConfig = z.infer<typeof configSchema>;

export interface Config extends Omit<RawConfig, 'ALLOW_PRIVATE_TARGETS'> {
  ALLOW_PRIVATE_TARGETS: boolean;
}

export class ConfigError extends Error {}

/**
 * The process's whole environment, for what a user's own file may name (`${env:NAME}` references in a
 * monitors file, read by the CLIs); settings are read through loadConfig.
 */
export const processEnvironment = (): Record<string, string | undefined> => process.env;

/** Parses an environment (process.env by default); throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration\n  ${lines.join('\n  ')}`);
  }
  const raw = parsed.data;
  const allowPrivate =
    raw.ALLOW_PRIVATE_TARGETS === undefined
      ? raw.MODE === 'local'
      : raw.ALLOW_PRIVATE_TARGETS === 'true' || raw.ALLOW_PRIVATE_TARGETS === '1';
  return { ...raw, ALLOW_PRIVATE_TARGETS: allowPrivate };
}
