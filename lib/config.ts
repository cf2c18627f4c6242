import type { Node } from 'constructs';
import { z } from 'zod';

// Deployment settings, read from cdk.json context (or `-c key=value`). `-c` values arrive as
// strings, so numbers and booleans are coerced; the defaults deploy a working system.

const bool = (fallback: boolean) =>
  z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === true || v === 'true'));

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const num = (fallback: number, min: number, max: number) => z.coerce.number().min(min).max(max).default(fallback);
const int = (fallback: number, min: number, max: number) => num(fallback, min, max).pipe(z.number().int());

/** The values CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export const deployConfigSchema = z
  .object({
    stackName: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/).default('PyMonitor'),
    /** Placeholders keep `cdk synth` offline; a real deploy uses the CLI's account and region. */
    account: z.string().default('123456789012'),
    region: z.string().default('us-east-1'),
    /** Custom domain names for the CloudFront distribution; needs a us-east-1 ACM certificate. */
    domainNames: z
      .union([z.array(z.string()), z.string()])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : v.split(',').map((s) => s.trim())).filter((s) => s !== '')),
    certificateArn: optionalString,
    /** Sender of alert emails; becomes an SES identity (verify it, or its domain, in SES). */
    alertEmailFrom: z.string().email().default('alerts@example.com'),
    /** Verify the sender's whole domain instead of the single address. */
    sesVerifyDomain: bool(false),
    /** Optional address subscribed to the operational alarm topic. */
    alarmEmail: optionalString.pipe(z.string().email().optional()),
    /**
     * Aurora PostgreSQL engine version, one AWS offers to new clusters (17.9: April 2026). Changing the
     * major version of a running stack is an in-place upgrade; take a snapshot first.
     */
    dbEngineVersion: z
      .string()
      .regex(/^\d+\.\d+$/, 'an Aurora PostgreSQL version such as 17.9')
      .default('17.9'),
    /**
     * Create the cluster from this snapshot (name or ARN): a new stack gets a torn-down one's data back;
     * on a running stack CloudFormation replaces the cluster (README, "Restoring a snapshot").
     */
    dbSnapshotIdentifier: optionalString,
    /** Aurora Serverless v2 capacity range; 0 lets the writer auto-pause. */
    dbMinAcu: num(0, 0, 256),
    dbMaxAcu: num(2, 1, 256),
    dbAutoPauseMinutes: int(10, 5, 1440),
    dbBackupRetentionDays: int(7, 1, 35),
    /** ElastiCache Serverless (Valkey) ceilings; the bill starts at the 100 MB storage minimum. */
    cacheMaxDataGb: int(1, 1, 5000),
    cacheMaxEcpuPerSecond: int(5000, 1000, 15_000_000),
    checkSchedule: z.string().default('rate(1 minute)'),
    dailySchedule: z.string().default('cron(15 3 * * ? *)'),
    hourlySchedule: z.string().default('cron(2 * * * ? *)'),
    /** Spec 6.2: ten HTTP checks and two browser checks at once. */
    checkerConcurrency: int(10, 2, 1000),
    /**
     * Checker memory, MB (Lambda's CPU share grows with it: 1,769 MB = one vCPU). One invocation runs the
     * checks due over a few seconds, so the share must carry the check rate: bench/cost/checker.ts
     * measured 128 MB keeping up with 1,000 monitors at 60 s (~4% of a core needed, 7.2% given).
     */
    checkerMemoryMb: int(128, 128, 10_240),
    /**
     * About one per 60 monitors at a 60 s interval (a ~6 s deep check every 6th cycle); see the README. At
     * least 2: the queue's maximum concurrency (SQS allows 2 and up) must hold the pollers to the reservation,
     * or they invoke past it and each throttled receive counts toward the dead-letter queue.
     */
    browserConcurrency: int(2, 2, 100),
    /**
     * How long a request waits for work it queued (check now, a deep check, a screenshot, a journey run)
     * before it answers 202 with a job to poll; under API Gateway's 29 s, with room for the rest of the request.
     */
    syncWaitSeconds: int(20, 1, 25),
    /** Results consumers at once; each holds up to two database connections. */
    resultsConcurrency: int(5, 2, 1000),
    /** CloudWatch Logs retention for every function. */
    logRetentionDays: int(30, 1, 3653).refine((d) => LOG_RETENTION_DAYS.includes(d), {
      message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
    }),
    /** Days screenshots stay in the blob bucket. */
    screenshotRetentionDays: int(30, 1, 3650),
    /** 0 = no NAT: probes run outside the VPC. More puts every function in private subnets behind NAT. */
    natGateways: int(0, 0, 3),
    /** AZs that get an interface endpoint ENI (each costs per hour); 1 is the cheap default. */
    vpcEndpointAzs: int(1, 1, 2),
    allowRegistration: bool(true),
    /** Keep the database (as a final snapshot) and blob bucket when the stack is deleted; protect the cluster from deletion. */
    retainData: bool(true),
    /**
     * Sets the region's API Gateway CloudWatch Logs role, without which the WebSocket stage cannot write
     * access logs. `false` when the account already has one (it is one setting per account and region).
     */
    apiGatewayLogRole: bool(true),
    /**
     * Serve Prometheus metrics at the HTTP API's /metrics, behind a bearer token the stack generates
     * (outputs MetricsUrl and MetricsTokenSecretArn).
     */
    prometheusMetrics: bool(false),
    /** HTTP API throttle for the whole stage, requests per second and burst. */
    apiRateLimit: int(100, 1, 10_000),
    apiBurstLimit: int(200, 1, 5000),
    /** X-Ray active tracing on every function (off: traces cost about as much as the check pipeline). */
    xrayTracing: bool(false),
    /** Tests set this to synthesize without the Chromium image asset (no Docker, no staging). */
    skipBrowserImage: bool(false),
  })
  .refine((c) => c.dbMaxAcu >= c.dbMinAcu && c.dbMaxAcu >= 1, { message: 'dbMaxAcu must be >= dbMinAcu and >= 1', path: ['dbMaxAcu'] })
  .refine((c) => c.domainNames.length === 0 || c.certificateArn !== undefined, {
    message: 'domainNames need certificateArn (an ACM certificate in us-east-1)',
    path: ['certificateArn'],
  });

export type DeployConfig = z.infer<typeof deployConfigSchema>;

export const deployConfigKeys = Object.keys(deployConfigSchema.shape) as (keyof DeployConfig)[];

/** Reads every known key from the construct tree's context; throws naming each bad key. */
export function loadDeployConfig(node: Node, overrides: Partial<Record<keyof DeployConfig, unknown>> = {}): DeployConfig {
  const raw: Record<string, unknown> = {};
  for (const key of deployConfigKeys) raw[key] = overrides[key] ?? node.tryGetContext(key);
  const parsed = deployConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid deployment configuration (cdk.json context)\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}
