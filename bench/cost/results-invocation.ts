// Child of bench/cost/results.ts: the results consumer (the real handler and recorder) over the
// deliveries given on stdin, one after another as Lambda would give them to one container; prints the
// wall and CPU time of each. PostgreSQL is the parent's (outside this process's CPU cap, as Aurora is).
import type { Context, SQSEvent } from 'aws-lambda';
import { loadConfig } from '../../layers/config.ts';
import { createResultsHandler } from '../../layers/handlers/pipeline.ts';
import type { Queue } from '../../layers/platform/ports.ts';
import { MemoryConnectionStore } from '../../layers/platform/local/memory-connections.ts';
import { connect } from '../../layers/repositories/db.ts';
import { serviceContext } from '../../layers/wiring/aws/context.ts';

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const { url, deliveries } = JSON.parse(input) as { url: string; deliveries: SQSEvent[] };
const config = loadConfig({ MODE: 'aws', LOG_LEVEL: 'warn', DATABASE_URL: url, DATABASE_POOL_MAX: '2' });
const queue: Queue = { send: async () => undefined };
const sql = connect({ url, max: 2 });
// No one watches these projects live, as usually (the stack reads subscribers from DynamoDB).
const ctx = serviceContext(config, { sql, queue, connections: new MemoryConnectionStore() });
const handler = createResultsHandler(async () => ctx);
const lambda = { functionName: 'results', awsRequestId: 'bench' } as Context;

const out: { wallMs: number; cpuMs: number; failed: number }[] = [];
for (const event of deliveries) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const res = await handler(event, lambda);
  const cpu = process.cpuUsage(cpu0);
  out.push({ wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, failed: res.batchItemFailures.length });
}
await sql.end();
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(0);
