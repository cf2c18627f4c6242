// One checker invocation at the load the cost model gives it, in a child process, measured: peak RSS,
// CPU per check and start lateness. With --cpu-mb (root, cgroup v1) the child gets the CPU share Lambda
// gives that much memory (MB / 1769 of a vCPU), so a memory size can be tried before it is chosen.
//   npx tsx bench/cost/checker.ts --checks 334 --tls 0.5 --hanging 0.01 --cpu-mb 128
// Targets (HTTP, HTTPS with a test CA, a socket that accepts and never answers) run in this process.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { houseEsbuildOptions } from '../../lib/bundling.ts';
import { holdToLambdaShare, shareOf } from './cpu-share.ts';
import { testCertificates } from '../../test/support/servers/certs.ts';
import { MAX_CHECKS_PER_BATCH } from '../../layers/services/messages.ts';

const { values: args } = parseArgs({
  options: {
    checks: { type: 'string', default: '334' },
    window: { type: 'string', default: '20' },
    lead: { type: 'string', default: '5' },
    tls: { type: 'string', default: '0.5' },
    hanging: { type: 'string', default: '0.01' },
    'body-kb': { type: 'string', default: '16' },
    'cpu-mb': { type: 'string' },
  },
});
const CHECKS = Number(args.checks);
const WINDOW_S = Number(args.window);
const LEAD_S = Number(args.lead);

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

async function main() {
  const certs = await testCertificates();
  const body = 'x'.repeat(Number(args['body-kb']) * 1024);
  const answer = (_req: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(200, { 'content-type': 'text/html' }).end(body);
  const httpPort = await listen(http.createServer(answer));
  const httpsPort = await listen(https.createServer({ key: certs.valid.key, cert: certs.valid.cert }, answer));
  const silentPort = await listen(net.createServer(() => {}));
  const caFile = `${os.tmpdir()}/cost-bench-ca.pem`;
  writeFileSync(caFile, certs.ca.cert);

  // Due times spread over the window after the lead, as the scheduler sends them; the default project's settings.
  const start = Date.now() + 1500;
  const checks = Array.from({ length: CHECKS }, (_, i) => {
    const u = (i * 7919) % CHECKS; // a fixed interleaving of kinds over the window
    const kind = u < Number(args.hanging) * CHECKS ? 'hang' : u < (Number(args.hanging) + Number(args.tls)) * CHECKS ? 'tls' : 'http';
    const url = kind === 'hang' ? `http://127.0.0.1:${silentPort}/` : kind === 'tls' ? `https://localhost:${httpsPort}/` : `http://127.0.0.1:${httpPort}/`;
    return {
      type: 'check', kind: 'http', project_id: i + 1, cycle: 1,
      due_at: new Date(start + LEAD_S * 1000 + (i * WINDOW_S * 1000) / CHECKS).toISOString(),
      target: { url, custom_headers: {}, time_limit: null, content_change_detection: false, content_selector: null, keyword_monitoring: false, keywords: [], keyword_alert_on_found: false, timeout: 30, retry_count: 3 },
    };
  });
  const records: Record<string, unknown>[] = [];
  for (let i = 0; i < checks.length; i += MAX_CHECKS_PER_BATCH) {
    records.push({ messageId: `m${i}`, receiptHandle: 'r', body: JSON.stringify({ type: 'check_batch', checks: checks.slice(i, i + MAX_CHECKS_PER_BATCH) }), attributes: { ApproximateReceiveCount: '1' }, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:checks', awsRegion: 'us-east-1' });
  }

  // Bundled as the stack bundles functions (lib/bundling.ts), so RSS is the shipped code's, not tsx's.
  const outfile = `${os.tmpdir()}/cost-bench-checker/index.mjs`;
  await build(houseEsbuildOptions(new URL('./checker-invocation.ts', import.meta.url).pathname, outfile));
  const child = spawn(process.execPath, ['--enable-source-maps', outfile, '120000'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    // The SDK's warning about this machine's Node 20 is not ours to print (Lambda runs Node 24).
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile, AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1' },
  });
  const release = args['cpu-mb'] ? holdToLambdaShare(child.pid!, Number(args['cpu-mb'])) : undefined;
  // The invocation starts at `start` (the records arrive that long before the first due time minus the lead).
  setTimeout(() => child.stdin.end(JSON.stringify({ Records: records })), Math.max(0, start - Date.now()));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((r) => child.on('exit', r));
  release?.();
  const m = JSON.parse(out) as Record<string, number>;
  const cpuPerCheckMs = m['cpuMs']! / CHECKS;
  const busySpanS = WINDOW_S + 1;
  console.log(`checker invocation: ${CHECKS} checks due over ${WINDOW_S} s after a ${LEAD_S} s lead (${Math.ceil(CHECKS / MAX_CHECKS_PER_BATCH)} messages), ${Number(args.tls) * 100}% HTTPS, ${Number(args.hanging) * 100}% never answering, ${args['body-kb']} KB bodies, 50 at once`);
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; CPU cap: ${args['cpu-mb'] ? `${args['cpu-mb']} MB Lambda share = ${(shareOf(Number(args['cpu-mb'])) * 100).toFixed(1)}% of a core` : 'none'}`);
  console.log(`  wall ${(m['wallMs']! / 1000).toFixed(1)} s, CPU ${m['cpuMs']!.toFixed(0)} ms = ${cpuPerCheckMs.toFixed(2)} ms per check; ${(m['cpuMs']! / 1000 / busySpanS * 100).toFixed(1)}% of a core while checks start (${busySpanS} s)`);
  console.log(`  peak RSS ${m['peakRssMb']!.toFixed(0)} MB (${m['rssAtStartMb']!.toFixed(0)} MB before the invocation), heap used at the end ${m['heapUsedMb']!.toFixed(0)} MB`);
  console.log(`  results ${m['results']} of ${CHECKS} (${m['down']} down, ${m['timeouts']} timeouts), failed messages ${m['failedMessages']}; start lateness p50 ${m['latenessP50Ms']} ms, p99 ${m['latenessP99Ms']} ms, max ${m['latenessMaxMs']} ms`);
  process.exit(0);
}

await main();
