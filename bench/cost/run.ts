// Monthly cost model of the AWS deployment for 100, 1,000 and 10,000 monitors checked every 60 s,
// next to CloudWatch Synthetics, UptimeRobot and Better Stack. Run: npx tsx bench/cost/run.ts
// Every input is stated below; change one and re-run. Nothing here calls AWS.

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
   * Results consumer: wall time per result recorded (set-based recorder, one transaction per
   * delivery): 327 ms mean for 41.3 results at load average ~20 (p50 112 ms); conservative for Aurora.
   */
  resultsMsPerResult: 8,
  resultsFixedMs: 0,
  /** Checker: wall time of a healthy check on loopback is a few ms; internet targets: assume 1 s for the slowest of a batch. */
  slowestHealthyCheckSeconds: 1,
  /** A never-answering target holds its invocation for its budget: the default project's, capped by the checker's 120 s minus the window and margin. */
  hangingBudgetSeconds: 95,
};

/** Workload assumptions; each is stated so it can be argued. */
const ASSUMPTIONS = {
  intervalSeconds: 60,
  hoursPerMonth: 730,
  /** The scheduler (every minute) groups the checks due within 20 s into messages of up to 100 (services/scheduler.ts). */
  batchWindowSeconds: 20,
  checksPerMessage: 100,
  /** The check queue's batching window: messages sent 5 s early are gathered, 10 per invocation (lib/checks.ts). */
  leadSeconds: 5,
  messagesPerInvocation: 10,
  checkerMemoryGb: 0.25,
  /** The checker sends its results every 5 s (functions/checker.ts) or per 100. */
  resultFlushSeconds: 5,
  resultsPerMessage: 100,
  /** Results: batching window 5 s, 10 messages per invocation. */
  resultsWindowSeconds: 5,
  resultsMemoryGb: 0.5,
  /** Scheduler: one run a minute; claims and enqueues due checks. */
  schedulerMemoryGb: 0.5,
  schedulerSeconds: (monitors: number) => 0.15 + monitors * 0.00005,
  /** The scheduler queues a browser deep check every 6th HTTP cycle. */
  browserEveryNthCheck: 6,
  browserMemoryGb: 2,
  browserSeconds: 6,
  /** Idle long polling of 4 event source mappings (~5 pollers each, 20 s waits). */
  sqsIdlePollRequestsPerMonth: 4 * 5 * 3 * 60 * 730,
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
  /** Interface endpoints: SQS, Secrets Manager, Lambda, in one AZ (vpcEndpointAzs = 1). */
  interfaceEndpoints: 3,
  endpointAzs: 1,
  secrets: 2,
  alarms: 25,
  /** CloudWatch Logs per invocation: Lambda's START/END/REPORT lines; nothing per check at info level. */
  logBytesPerInvocation: 400,
  /** Share of monitors whose target never answers (0 = the goal's "HTTP only, healthy"). */
  hangingShare: Number(process.env['COST_HANGING_SHARE'] ?? 0),
};

const SCALES = [100, 1_000, 10_000];

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

/** The batched pipeline at `m` monitors, per 20 s window. */
function shape(m: number) {
  const checksPerWindow = (m * A.batchWindowSeconds) / A.intervalSeconds;
  // The scheduler sends the projects whose last check failed in messages of their own (a
  // never-answering target fails every time), so the hanging checks of a window share messages.
  const failingPerWindow = A.hangingShare * checksPerWindow;
  const failingMessages = failingPerWindow >= 1 ? Math.ceil(failingPerWindow / A.checksPerMessage) : 0;
  const messages = Math.max(1, Math.ceil((checksPerWindow - failingPerWindow) / A.checksPerMessage) + failingMessages);
  const invocations = Math.ceil(messages / A.messagesPerInvocation);
  const checksPerInvocation = checksPerWindow / invocations;
  // An invocation waits its lead, spans the window's due times, and ends with its slowest check.
  const span = checksPerWindow > 1 ? A.batchWindowSeconds : 0;
  // The share of invocations holding a hanging check: those that took a failing message (fewer than
  // one per window at small counts: the chance that the window has a hanging check at all).
  const holding = failingPerWindow >= 1 ? Math.min(invocations, failingMessages) : 1 - (1 - A.hangingShare) ** checksPerWindow;
  const pHanging = holding / invocations;
  const tail = pHanging * M.hangingBudgetSeconds + (1 - pHanging) * M.slowestHealthyCheckSeconds;
  const checkerSeconds = A.leadSeconds + span + tail;
  const resultMessages = invocations * Math.max(Math.ceil(checksPerInvocation / A.resultsPerMessage), Math.ceil((span + tail) / A.resultFlushSeconds));
  const resultsInvocations = Math.max(A.batchWindowSeconds / A.resultsWindowSeconds, Math.ceil(resultMessages / 10));
  const resultsSeconds = (M.resultsFixedMs + (checksPerWindow / resultsInvocations) * M.resultsMsPerResult) / 1000;
  return { checksPerWindow, messages, invocations, checkerSeconds, resultMessages, resultsInvocations, resultsSeconds };
}

const LINES: Line[] = [
  { item: 'Aurora at 0.5 ACU (never pauses: scheduler every min)', fixed: true, cost: () => perMonth(0.5 * P.auroraAcuHour) },
  { item: 'ElastiCache Serverless Valkey (100 MB minimum)', fixed: true, cost: () => perMonth(A.valkeyGb * P.valkeyServerlessGbHour) },
  { item: 'VPC interface endpoints (SQS, Secrets, Lambda; 1 AZ)', fixed: true, cost: () => perMonth(A.interfaceEndpoints * A.endpointAzs * P.interfaceEndpointAzHour) },
  { item: 'Secrets Manager (DB, JWT)', fixed: true, cost: () => A.secrets * P.secretsManagerSecretMonth },
  { item: 'CloudWatch alarms', fixed: true, cost: () => A.alarms * P.cloudwatchAlarmMonth },
  { item: 'SQS idle long polling (4 queues)', fixed: true, cost: () => (A.sqsIdlePollRequestsPerMonth / 1e6) * P.sqsPerMillionRequests },
  {
    item: 'Scheduler Lambda (every minute)',
    fixed: true,
    cost: (m) => 60 * A.hoursPerMonth * (A.schedulerMemoryGb * A.schedulerSeconds(m) * P.lambdaArmGbSecond + P.lambdaPerMillionRequests / 1e6),
  },
  { item: 'CloudFront + S3 dashboard (within always-free tier)', fixed: true, cost: () => 0 },
  {
    item: 'Checker Lambda (256 MB, batches of 20 s of due times)',
    fixed: false,
    cost: (m) => {
      const s = shape(m);
      return windowsPerMonth * s.invocations * (A.checkerMemoryGb * s.checkerSeconds * P.lambdaArmGbSecond + P.lambdaPerMillionRequests / 1e6);
    },
  },
  {
    item: 'Results Lambda (set-based recording)',
    fixed: false,
    cost: (m) => {
      const s = shape(m);
      return windowsPerMonth * s.resultsInvocations * (A.resultsMemoryGb * s.resultsSeconds * P.lambdaArmGbSecond + P.lambdaPerMillionRequests / 1e6);
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
    const browserNeeded = (checksPerSecond / A.browserEveryNthCheck) * A.browserSeconds;
    console.log(
      `  ${m.toLocaleString('en-US').padStart(6)} monitors: ${checksPerSecond.toFixed(1)} checks/s -> ${sh.messages} check messages (${Math.round(sh.checksPerWindow / sh.messages)} checks each) and ${sh.invocations} checker invocation(s) of ~${sh.checkerSeconds.toFixed(0)} s per 20 s window, ~${Math.ceil(checkerNeeded)} concurrent checkers (reserved: 10), ` +
        `~${Math.ceil(browserNeeded)} concurrent browsers (reserved: 2)`,
    );
  }
  console.log('  Raise checkerConcurrency / browserConcurrency in cdk.json when the need exceeds the reservation,');
  console.log('  or the queues back up (the Check backlog alarm fires after 5 minutes).');
  console.log('  NAT instead of endpoints (natGateways=1) adds ' + usd(perMonth(P.natGatewayHour)) + '/month per gateway plus $0.045/GB.');
}

main();
