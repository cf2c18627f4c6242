// Monthly cost model of the AWS deployment for 100, 1,000 and 10,000 monitors checked every 60 s,
// next to CloudWatch Synthetics, UptimeRobot and Better Stack. Run: npx tsx bench/cost/run.ts
// Every input is stated below; change one and re-run. Nothing here calls AWS. What the stack decides
// (memory sizes, batching windows, endpoints, alarms, secrets, queue pollers) is read from the stack
// itself, synthesized offline as `cdk synth` would (lib/), so the model cannot drift from it.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import cdkJson from '../../cdk.json' with { type: 'json' };
import { loadDeployConfig } from '../../lib/config.ts';
import { PyMonitorStack } from '../../lib/py-monitor-stack.ts';
import { shareOf } from './cpu-share.ts';

/**
 * us-east-1 list prices, on-demand, no free tier, as known to the author at 2025-06 (no internet
 * was available when this was written: check https://aws.amazon.com/pricing before relying on them).
 */
const PRICES = {
  asOf: '2025-06 (us-east-1 list prices, not re-checked)',
  lambdaArmGbSecond: 0.0000133334,
  lambdaX86GbSecond: 0.0000166667,
  lambdaPerMillionRequests: 0.2,
  sqsPerMillionRequests: 0.4,
  auroraAcuHour: 0.12, // Aurora Standard, Serverless v2
  auroraStorageGbMonth: 0.1,
  auroraPerMillionIo: 0.2,
  valkeyServerlessGbHour: 0.0837, // ElastiCache Serverless for Valkey, billed on >= 100 MB
  valkeyPerMillionEcpu: 0.00227,
  interfaceEndpointAzHour: 0.01,
  natGatewayHour: 0.045,
  secretsManagerSecretMonth: 0.4,
  cloudwatchAlarmMonth: 0.1,
  cloudwatchLogsIngestGb: 0.5,
  xrayPerMillionTraces: 5,
  s3StorageGbMonth: 0.023,
  // Third parties (monthly list prices as known at 2025-06; plans change often).
  syntheticsPerCanaryRun: 0.0012,
} as const;

/**
 * Measured on the local pipeline (`npx tsx bench/scheduler/pipeline.ts --monitors 3000 --hanging 0.01`,
 * 2026-11-25, 2 x AMD EPYC at load average ~20 from other work): what one invocation of each
 * consumer handles and how long it takes. The AWS shapes (20 s batch windows, 5 s lead and queue
 * batching windows, 5 s result flushes) are the stack's settings; durations scale from these.
 */
const MEASURED = {
  /**
   * Results consumer (`npx tsx bench/cost/results.ts --cpu-mb 256`, 2026-11-26, load average ~6.5, the
   * real handler bundled as shipped, held to 256 MB's CPU share, this machine's PostgreSQL, deliveries
   * of 83 results, 2% of them failures): 115 ms mean per delivery = 1.38 ms per result (0.20 ms CPU);
   * 0.84 at 512 MB, 3.11 at 128 MB. Aurora is across the network: +20 ms per delivery assumed for
   * its round trips (~10 queries at ~2 ms), not measured.
   */
  resultsMsPerResult: 1.38,
  resultsFixedMs: 20,
  /** Checker: wall time of a healthy check on loopback is a few ms; internet targets: assume 1 s for the slowest of a batch. */
  slowestHealthyCheckSeconds: 1,
  /**
   * Checker CPU (`npx tsx bench/cost/checker.ts`, 2026-11-26, bundled as shipped, half the targets over
   * TLS, 16 KB bodies, the child held to Lambda's CPU share of the memory by a cgroup): ~1.6-2.5 ms per
   * check. 1,000 monitors (100 checks in 6 s, or 334 in 20 s) at 128 MB: p99 start lateness 48 / 22 ms,
   * peak RSS 75-82 MB; 10,000 monitors (1,000 checks in 6 s) need ~23% of a core: 512 MB p99 323 ms,
   * 768 MB p99 19 ms, peak RSS 94-106 MB. The 10,000 column is therefore the stack with checkerMemoryMb=768.
   */
  checkerMemoryMbFor: (monitors: number) => (monitors > 2_000 ? 768 : undefined),
  /** A never-answering target holds its invocation for its budget: the default project's, capped by the checker's 120 s minus the window and margin. */
  hangingBudgetSeconds: 95,
};

/** Workload assumptions; each is stated so it can be argued. */
const ASSUMPTIONS = {
  intervalSeconds: 60,
  hoursPerMonth: 730,
  /**
   * The scheduler (every minute) groups the checks due within 20 s into messages of up to 100
   * (services/scheduler.ts) and sends each 5 s before its first due time, the check queue's batching
   * window (read from the stack): the invocation starts about when its first check is due.
   */
  batchWindowSeconds: 20,
  checksPerMessage: 100,
  leadSeconds: 5,
  /** The checker sends its results every 5 s (functions/checker.ts) or per 100. */
  resultFlushSeconds: 5,
  resultsPerMessage: 100,
  /** Scheduler: one run a minute; claims and enqueues due checks. */
  schedulerSeconds: (monitors: number) => 0.15 + monitors * 0.00005,
  /** The scheduler queues a browser deep check every 6th HTTP cycle. */
  browserEveryNthCheck: 6,
  browserMemoryGb: 2,
  browserSeconds: 6,
  /** Idle long polling per SQS event source mapping (~5 pollers, 20 s waits); the mappings are counted in the stack. */
  sqsIdlePollRequestsPerMappingMonth: 5 * 3 * 60 * 730,
  /**
   * Aurora write I/Os per check: a batch's rows, rollup and state updates are committed together, so
   * their log records fill 4 KB writes (~1 KB of WAL per check). An estimate, not measured on Aurora.
   */
  auroraIoPerCheck: 0.25,
  /** Bytes per stored result row with indexes, raw rows kept 30 days. */
  resultRowBytes: 150,
  rawRetentionDays: 30,
  /** Average ACU: the scheduler runs every minute, so the writer never auto-pauses (0.5 ACU floor while awake). */
  auroraAcu: (monitors: number) => (monitors <= 1000 ? 0.5 : 1),
  auroraBaseStorageGb: 1,
  valkeyGb: 0.1,
  /** CloudWatch Logs per invocation: Lambda's START/END/REPORT lines; nothing per check at info level. */
  logBytesPerInvocation: 400,
  /** Share of monitors whose target never answers (0 = the goal's "HTTP only, healthy"). */
  hangingShare: Number(process.env['COST_HANGING_SHARE'] ?? 0),
};

const SCALES = [100, 1_000, 10_000];

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

/** What the synthesized stack decides, for the settings used at `monitors`. */
interface StackFacts {
  checkerMemoryGb: number;
  checkerReserved: number;
  resultsMemoryGb: number;
  schedulerMemoryGb: number;
  checkBatchingWindowSeconds: number;
  checkMessagesPerInvocation: number;
  resultsBatchingWindowSeconds: number;
  resultsMessagesPerInvocation: number;
  /** Interface endpoint ENIs (endpoints x AZs) and the services they serve. */
  endpointAzs: number;
  endpointServices: string[];
  alarms: number;
  secrets: number;
  queueMappings: number;
  context: Record<string, unknown>;
}

const factsCache = new Map<string, StackFacts>();

/** Synthesizes the stack offline (no bundling, no image) with cdk.json's context plus `context`. */
function stackFacts(monitors: number): StackFacts {
  const memory = MEASURED.checkerMemoryMbFor(monitors);
  const context: Record<string, unknown> = memory ? { checkerMemoryMb: memory } : {};
  const key = JSON.stringify(context);
  const cached = factsCache.get(key);
  if (cached) return cached;
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], skipBrowserImage: true, ...context } });
  const stack = new PyMonitorStack(app, 'PyMonitorCost', { config: loadDeployConfig(app.node), env: { account: '123456789012', region: 'us-east-1' } });
  const resources = Object.entries(Template.fromStack(stack).toJSON().Resources as Record<string, CfnResource>);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const fn = (prefix: string) => {
    const found = ofType('AWS::Lambda::Function').filter(([, r]) => String(r.Properties?.['Description'] ?? '').startsWith(prefix));
    if (found.length !== 1) throw new Error(`expected one function described "${prefix}..."`);
    return found[0]!;
  };
  const mapping = (fnPrefix: string) => {
    const [id] = fn(fnPrefix);
    const m = ofType('AWS::Lambda::EventSourceMapping').find(([, r]) => JSON.stringify(r.Properties?.['FunctionName']).includes(id))?.[1];
    if (!m) throw new Error(`no event source mapping for "${fnPrefix}"`);
    return { window: Number(m.Properties?.['MaximumBatchingWindowInSeconds'] ?? 0), batch: Number(m.Properties?.['BatchSize'] ?? 10) };
  };
  const memoryGb = (prefix: string) => Number(fn(prefix)[1].Properties?.['MemorySize'] ?? 128) / 1024;
  const endpoints = ofType('AWS::EC2::VPCEndpoint').filter(([, r]) => r.Properties?.['VpcEndpointType'] === 'Interface');
  const check = mapping('Probes targets');
  const results = mapping('Records results');
  const facts: StackFacts = {
    checkerMemoryGb: memoryGb('Probes targets'),
    checkerReserved: Number(fn('Probes targets')[1].Properties?.['ReservedConcurrentExecutions'] ?? Infinity),
    resultsMemoryGb: memoryGb('Records results'),
    schedulerMemoryGb: memoryGb('Every minute'),
    checkBatchingWindowSeconds: check.window,
    checkMessagesPerInvocation: check.batch,
    resultsBatchingWindowSeconds: results.window,
    resultsMessagesPerInvocation: results.batch,
    endpointAzs: endpoints.reduce((n, [, r]) => n + (r.Properties?.['SubnetIds'] as unknown[]).length, 0),
    endpointServices: endpoints.map(([, r]) => String(r.Properties?.['ServiceName']).split('.').at(-1) ?? '?'),
    alarms: ofType('AWS::CloudWatch::Alarm').length,
    // The metrics token exists only with prometheusMetrics; the stack's generated secrets otherwise.
    secrets: ofType('AWS::SecretsManager::Secret').length,
    queueMappings: ofType('AWS::Lambda::EventSourceMapping').filter(([, r]) => JSON.stringify(r.Properties?.['EventSourceArn']).includes('Queue')).length,
    context,
  };
  factsCache.set(key, facts);
  return facts;
}

interface Line {
  item: string;
  fixed: boolean;
  cost: (monitors: number) => number;
}

const A = ASSUMPTIONS;
const P = PRICES;
const M = MEASURED;
const checksPerMonth = (m: number) => m * (3600 / A.intervalSeconds) * A.hoursPerMonth;
const perMonth = (hourly: number) => hourly * A.hoursPerMonth;
const windowsPerMonth = (60 / A.batchWindowSeconds) * 60 * A.hoursPerMonth;

/**
 * The batched pipeline at `m` monitors, per 20 s window. A message holds up to 100 checks due within
 * 20 s, so it spans `messageSpan` seconds of due times; messages become visible `leadSeconds` before
 * their first check and the event source gathers what becomes visible within its batching window (up
 * to its batch size) into one invocation, which therefore starts about at its first due time (it waits
 * max(0, lead - window)), runs its checks at their due times and ends with its slowest check. This
 * assumes one poller gathers those messages; if Lambda's pollers split them, invocations are more and
 * shorter, with the same due-time coverage and CPU, plus one more tail each.
 */
function shape(m: number) {
  const f = stackFacts(m);
  const rate = m / A.intervalSeconds;
  const checksPerWindow = rate * A.batchWindowSeconds;
  // The scheduler sends the projects whose last check failed in messages of their own (a
  // never-answering target fails every time), so the hanging checks of a window share messages.
  const failingPerWindow = A.hangingShare * checksPerWindow;
  const failingMessages = failingPerWindow >= 1 ? Math.ceil(failingPerWindow / A.checksPerMessage) : 0;
  const messages = Math.max(1, Math.ceil((checksPerWindow - failingPerWindow) / A.checksPerMessage) + failingMessages);
  const messageSpan = Math.min(A.batchWindowSeconds, A.checksPerMessage / rate);
  const messagesPerInvocation = Math.min(f.checkMessagesPerInvocation, messageSpan >= f.checkBatchingWindowSeconds ? 1 : Math.floor(f.checkBatchingWindowSeconds / messageSpan) + 1);
  const invocations = Math.ceil(messages / messagesPerInvocation);
  const checksPerInvocation = checksPerWindow / invocations;
  // The invocations of a window cover its 20 s of due times between them (the last one the remainder).
  const span = Math.min(A.batchWindowSeconds, messagesPerInvocation * messageSpan, A.batchWindowSeconds / invocations);
  // The share of invocations holding a hanging check: those that took a failing message (fewer than
  // one per window at small counts: the chance that the window has a hanging check at all).
  const holding = failingPerWindow >= 1 ? Math.min(invocations, failingMessages) : 1 - (1 - A.hangingShare) ** checksPerWindow;
  const pHanging = holding / invocations;
  const tail = pHanging * M.hangingBudgetSeconds + (1 - pHanging) * M.slowestHealthyCheckSeconds;
  const checkerSeconds = Math.max(0, A.leadSeconds - f.checkBatchingWindowSeconds) + span + tail;
  const resultMessages = invocations * Math.max(Math.ceil(checksPerInvocation / A.resultsPerMessage), Math.ceil((span + tail) / A.resultFlushSeconds));
  const resultsInvocations = Math.max(A.batchWindowSeconds / f.resultsBatchingWindowSeconds, Math.ceil(resultMessages / f.resultsMessagesPerInvocation));
  const resultsSeconds = (M.resultsFixedMs + (checksPerWindow / resultsInvocations) * M.resultsMsPerResult) / 1000;
  return { facts: f, checksPerWindow, messages, invocations, checksPerInvocation, checkerSeconds, resultMessages, resultsInvocations, resultsSeconds, rate };
}

const LINES: Line[] = [
  { item: 'Aurora at 0.5 ACU (never pauses: scheduler every min)', fixed: true, cost: () => perMonth(0.5 * P.auroraAcuHour) },
  { item: 'ElastiCache Serverless Valkey (100 MB minimum)', fixed: true, cost: () => perMonth(A.valkeyGb * P.valkeyServerlessGbHour) },
  {
    item: `VPC interface endpoints (${stackFacts(0).endpointServices.join(', ')}; ${stackFacts(0).endpointAzs / stackFacts(0).endpointServices.length} AZ)`,
    fixed: true,
    cost: (m) => perMonth(stackFacts(m).endpointAzs * P.interfaceEndpointAzHour),
  },
  { item: `Secrets Manager (${stackFacts(0).secrets}: DB, JWT)`, fixed: true, cost: (m) => stackFacts(m).secrets * P.secretsManagerSecretMonth },
  { item: `CloudWatch alarms (${stackFacts(0).alarms})`, fixed: true, cost: (m) => stackFacts(m).alarms * P.cloudwatchAlarmMonth },
  {
    item: `SQS idle long polling (${stackFacts(0).queueMappings} queue consumers)`,
    fixed: true,
    cost: (m) => ((stackFacts(m).queueMappings * A.sqsIdlePollRequestsPerMappingMonth) / 1e6) * P.sqsPerMillionRequests,
  },
  {
    item: 'Scheduler Lambda (every minute)',
    fixed: true,
    cost: (m) => 60 * A.hoursPerMonth * (stackFacts(m).schedulerMemoryGb * A.schedulerSeconds(m) * P.lambdaArmGbSecond + P.lambdaPerMillionRequests / 1e6),
  },
  { item: 'CloudFront + S3 dashboard (within always-free tier)', fixed: true, cost: () => 0 },
  {
    item: `Checker Lambda (${SCALES.map((m) => stackFacts(m).checkerMemoryGb * 1024).filter((v, i, a) => a.indexOf(v) === i).join(' / ')} MB, runs checks at their due times)`,
    fixed: false,
    cost: (m) => {
      const s = shape(m);
      return windowsPerMonth * s.invocations * (s.facts.checkerMemoryGb * s.checkerSeconds * P.lambdaArmGbSecond + P.lambdaPerMillionRequests / 1e6);
    },
  },
  {
    item: `Results Lambda (${stackFacts(0).resultsMemoryGb * 1024} MB, set-based recording)`,
    fixed: false,
    cost: (m) => {
      const s = shape(m);
      return windowsPerMonth * s.resultsInvocations * (s.facts.resultsMemoryGb * s.resultsSeconds * P.lambdaArmGbSecond + P.lambdaPerMillionRequests / 1e6);
    },
  },
  {
    item: 'Browser deep checks (container, x86, every 6th cycle)',
    fixed: false,
    cost: (m) => {
      const runs = checksPerMonth(m) / A.browserEveryNthCheck;
      return runs * (A.browserMemoryGb * A.browserSeconds * P.lambdaX86GbSecond + P.lambdaPerMillionRequests / 1e6);
    },
  },
  {
    item: 'SQS requests (batch sends, receives, deletes)',
    fixed: false,
    cost: (m) => {
      const s = shape(m);
      // Checks: one SendMessageBatch per 10 messages, a receive and a delete per invocation; results: a send per flush, a receive and a delete per invocation.
      const perWindow = Math.ceil(s.messages / 10) + 2 * s.invocations + s.resultMessages + 2 * s.resultsInvocations;
      return (windowsPerMonth * perWindow * P.sqsPerMillionRequests) / 1e6;
    },
  },
  { item: 'Aurora ACU above the 0.5 floor', fixed: false, cost: (m) => perMonth((A.auroraAcu(m) - 0.5) * P.auroraAcuHour) },
  { item: 'Aurora I/O', fixed: false, cost: (m) => (checksPerMonth(m) * A.auroraIoPerCheck * P.auroraPerMillionIo) / 1e6 },
  {
    item: 'Aurora storage (raw results 30 days)',
    fixed: false,
    cost: (m) => (A.auroraBaseStorageGb + (m * 1440 * A.rawRetentionDays * A.resultRowBytes) / 1e9) * P.auroraStorageGbMonth,
  },
  {
    item: 'CloudWatch Logs ingestion',
    fixed: false,
    cost: (m) => {
      const s = shape(m);
      return ((windowsPerMonth * (s.invocations + s.resultsInvocations) * A.logBytesPerInvocation) / 1e9) * P.cloudwatchLogsIngestGb;
    },
  },
  { item: 'X-Ray traces (off; xrayTracing=true adds ~1 trace per invocation)', fixed: false, cost: () => 0 },
];

/** What the same monitors cost elsewhere, monthly. Third-party plans are approximate and dated. */
const ALTERNATIVES: { name: string; note: string; cost: (m: number) => number | undefined }[] = [
  {
    name: 'CloudWatch Synthetics canaries',
    note: `$${P.syntheticsPerCanaryRun}/run, one canary per monitor, 43,800 runs/month each (Lambda cost on top)`,
    cost: (m) => checksPerMonth(m) * P.syntheticsPerCanaryRun,
  },
  {
    name: 'UptimeRobot',
    note: 'Team $34/mo covers 100 monitors at 60 s; larger counts are Enterprise quotes, extrapolated at ~$0.32/monitor (estimate)',
    cost: (m) => (m <= 100 ? 34 : m * 0.32),
  },
  {
    name: 'Better Stack Uptime',
    note: 'one responder license ~$29/mo + ~$21/mo per 50 extra monitors (approximate)',
    cost: (m) => 29 + Math.ceil(m / 50) * 21,
  },
];

const usd = (n: number) => (n >= 100 ? `$${Math.round(n).toLocaleString('en-US')}` : `$${n.toFixed(2)}`);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

function main(): void {
  console.log(`Py_Monitor on AWS: monthly cost at a ${A.intervalSeconds} s interval — prices ${P.asOf}; never-answering share ${A.hangingShare * 100}% (COST_HANGING_SHARE)`);
  for (const m of SCALES) {
    const c = stackFacts(m).context;
    console.log(`  ${m.toLocaleString('en-US')} monitors: the stack as synthesized with cdk.json's defaults${Object.keys(c).length ? ` and ${Object.entries(c).map(([k, v]) => `-c ${k}=${String(v)}`).join(' ')}` : ''}`);
  }
  console.log('');
  const header = ['line item', ...SCALES.map((m) => `${m.toLocaleString('en-US')} monitors`)];
  const rows: string[][] = [];
  for (const fixed of [true, false]) {
    rows.push([fixed ? '-- fixed monthly floor --' : '-- per-check costs --', ...SCALES.map(() => '')]);
    for (const line of LINES.filter((l) => l.fixed === fixed)) rows.push([line.item, ...SCALES.map((m) => usd(line.cost(m)))]);
    rows.push([
      fixed ? 'subtotal floor' : 'subtotal per-check',
      ...SCALES.map((m) => usd(LINES.filter((l) => l.fixed === fixed).reduce((s, l) => s + l.cost(m), 0))),
    ]);
  }
  const total = (m: number) => LINES.reduce((s, l) => s + l.cost(m), 0);
  const totalNoBrowser = (m: number) => LINES.filter((l) => !l.item.startsWith('Browser')).reduce((s, l) => s + l.cost(m), 0);
  rows.push(['TOTAL per month', ...SCALES.map((m) => usd(total(m)))]);
  rows.push(['  without browser deep checks', ...SCALES.map((m) => usd(totalNoBrowser(m)))]);
  rows.push(['checks per month', ...SCALES.map((m) => `${(checksPerMonth(m) / 1e6).toFixed(1)} M`)]);
  rows.push([
    'per 1,000 checks (excl. floor)',
    ...SCALES.map((m) => {
      const variable = LINES.filter((l) => !l.fixed).reduce((s, l) => s + l.cost(m), 0);
      return `$${((variable / checksPerMonth(m)) * 1000).toFixed(4)}`;
    }),
  ]);
  console.log(table(header, rows));
  console.log('');
  console.log('Same monitors elsewhere (monthly):');
  console.log(
    table(
      ['service', ...SCALES.map((m) => `${m.toLocaleString('en-US')}`), 'basis'],
      [
        ['Py_Monitor on AWS (this model)', ...SCALES.map((m) => usd(total(m))), 'above'],
        ['  without browser deep checks', ...SCALES.map((m) => usd(totalNoBrowser(m))), 'above, HTTP/SSL/DNS/TCP checks only'],
        ...ALTERNATIVES.map((a) => [a.name, ...SCALES.map((m) => usd(a.cost(m) ?? Number.NaN)), a.note]),
      ],
    ),
  );
  console.log('');
  console.log('Capacity notes:');
  for (const m of SCALES) {
    const checksPerSecond = m / A.intervalSeconds;
    const sh = shape(m);
    const checkerNeeded = (sh.invocations * sh.checkerSeconds) / A.batchWindowSeconds;
    const share = shareOf(sh.facts.checkerMemoryGb * 1024);
    const browserNeeded = (checksPerSecond / A.browserEveryNthCheck) * A.browserSeconds;
    console.log(
      `  ${m.toLocaleString('en-US').padStart(6)} monitors: ${checksPerSecond.toFixed(1)} checks/s -> ${sh.messages} check messages (${Math.round(sh.checksPerWindow / sh.messages)} checks each) and ${sh.invocations} checker invocation(s) of ~${sh.checkerSeconds.toFixed(1)} s per 20 s window, ~${checkerNeeded.toFixed(2)} checkers busy on average (reserved: ${sh.facts.checkerReserved}${checkerNeeded > sh.facts.checkerReserved ? ': TOO FEW, raise checkerConcurrency' : ''}), ` +
        `each needing ~${(sh.rate * 0.16).toFixed(1)}-${(sh.rate * 0.25).toFixed(1)}% of a core at 1.6-2.5 ms per check (its ${sh.facts.checkerMemoryGb * 1024} MB: ${(share * 100).toFixed(1)}%), ` +
        `~${Math.ceil(browserNeeded)} concurrent browsers (reserved: 2)`,
    );
  }
  console.log('  Raise checkerConcurrency / browserConcurrency in cdk.json when the need exceeds the reservation,');
  console.log('  or the queues back up (the Check backlog alarm fires after 5 minutes).');
  console.log('  NAT instead of endpoints (natGateways=1) adds ' + usd(perMonth(P.natGatewayHour)) + '/month per gateway plus $0.045/GB.');
}

main();
