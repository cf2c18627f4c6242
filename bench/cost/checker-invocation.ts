// Child of bench/cost/checker.ts: one checker invocation (the real handler, an in-memory queue in place
// of SQS) over the checks given on stdin as an SQS event; prints peak RSS, CPU and start lateness.
import { readFileSync } from 'node:fs';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { createCheckerHandler } from '../../layers/handlers/pipeline.ts';
import type { Queue, QueueMessage } from '../../layers/platform/ports.ts';
import { createLogger } from '../../layers/platform/logger.ts';
import type { CheckerContext } from '../../layers/services/checker.ts';

// The function's own SQS client is loaded as in functions/checker.ts (its code counts in RSS); sends go to memory.
export const sqsClient = new SQSClient({ region: 'us-east-1' });
const TIMEOUT_MS = Number(process.argv[2] ?? 120_000);
let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const event = JSON.parse(input) as SQSEvent;

/** Peak resident set of this process so far (VmHWM), MB. */
const peakRssMb = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

const results: { due_at: string | null; started_at: string; is_available: boolean; error_kind: string | null }[] = [];
const queue: Queue = {
  async send(_name, messages: QueueMessage[]) {
    for (const m of messages) {
      const body = m.body as { type: string; results?: unknown[] } & Record<string, unknown>;
      for (const r of (body.type === 'result_batch' ? body.results : [body]) as { due_at: string | null; started_at: string; result: { is_available: boolean; error_kind: string | null } }[]) {
        results.push({ due_at: r.due_at, started_at: r.started_at, is_available: r.result.is_available, error_kind: r.result.error_kind });
      }
    }
  },
};
const checker: CheckerContext = { queue, log: createLogger('warn', { fn: 'checker' }), allowPrivateTargets: true, checksPerInvocation: 50, resultFlushMs: 5000 };
const handler = createCheckerHandler(async () => checker);

const rssBefore = peakRssMb();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const context = { getRemainingTimeInMillis: () => TIMEOUT_MS - (performance.now() - t0) } as Context;
const response = await handler(event, context);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const lateness = results.filter((r) => r.due_at).map((r) => Date.parse(r.started_at) - Date.parse(r.due_at!)).sort((a, b) => a - b);
const pct = (p: number) => lateness[Math.min(lateness.length - 1, Math.floor((p / 100) * lateness.length))] ?? NaN;
process.stdout.write(
  JSON.stringify({
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: peakRssMb(),
    rssAtStartMb: rssBefore,
    heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
    results: results.length,
    down: results.filter((r) => !r.is_available).length,
    timeouts: results.filter((r) => r.error_kind === 'timeout').length,
    failedMessages: response.batchItemFailures.length,
    latenessP50Ms: pct(50),
    latenessP99Ms: pct(99),
    latenessMaxMs: lateness.at(-1) ?? NaN,
  }) + '\n',
);
process.exit(0);
