import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool } from '../../../layers/checks/index.ts';
import { ToolInputError } from '../../../layers/checks/schemas.ts';
import { loadConfig } from '../../../layers/config.ts';
import { translateMessage } from '../../../layers/endpoints/messages.ts';
import { DomainError } from '../../../layers/errors.ts';
import { createToolsHandler } from '../../../layers/handlers/tools.ts';
import { FsBlobs } from '../../../layers/platform/local/fs-blobs.ts';
import type { Queue } from '../../../layers/platform/ports.ts';
import { MemoryCache } from '../../../layers/platform/memory-cache.ts';
import { answerKey, queuedToolInvoker } from '../../../layers/services/queued-answers.ts';
import { invokedToolRunner } from '../../../layers/services/tools.ts';
import { queueToHandlers } from '../../support/queue-to-handler.ts';

// The API's tools routes on AWS (issue 18): the run goes by the tools queue to the tools function
// (outside the VPC), whose answer comes back through the blob store; no Lambda invocation, so the
// VPC needs no Lambda interface endpoint. SQS is replaced at its boundary; the handlers are real.

let dir: string;
let blobs: FsBlobs;
let server: net.Server;
let port: number;
const lambda = { functionName: 'tools', awsRequestId: 'r' } as Context;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'queued-answers-'));
  blobs = new FsBlobs(dir);
  server = net.createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

const toolsHandler = () =>
  createToolsHandler(async () => ({ config: loadConfig({ MODE: 'aws', ALLOW_PRIVATE_TARGETS: 'true' }), cache: new MemoryCache(), tools: { run: runTool }, blobs }));

describe('tools by queue', () => {
  it('runs the tool the API queued and gives the API its result', async () => {
    const handler = toolsHandler();
    const q = queueToHandlers({ tools: (e) => handler(e, lambda) });
    const runner = invokedToolRunner(queuedToolInvoker({ queue: q.queue, blobs }));
    expect(await runner.run('tcp', { host: '127.0.0.1', port }, { allowPrivateTargets: false })).toMatchObject({ host: '127.0.0.1', port, is_open: true });
    await q.settled();
    expect(q.deliveries.map((d) => [d.queue, d.response])).toEqual([['tools', { batchItemFailures: [] }]]);
  });

  it('turns input the tools function refused into the error the probes raise in-process (a 400 at the API)', async () => {
    const handler = toolsHandler();
    const q = queueToHandlers({ tools: (e) => handler(e, lambda) });
    const err = await invokedToolRunner(queuedToolInvoker({ queue: q.queue, blobs })).run('tcp', { host: '127.0.0.1', port: 70_000 }, { allowPrivateTargets: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolInputError);
    expect((err as ToolInputError).errors).toMatchObject([{ field: 'port' }]);
  });

  it('answers 503 with a retry hint when no answer comes within the wait', async () => {
    const lost: Queue = { send: async () => undefined };
    const err = await queuedToolInvoker({ queue: lost, blobs, waitMs: 200 }).invoke({ name: 'tcp', input: { host: '127.0.0.1', port } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect([(err as DomainError).code, (err as DomainError).retryAfter]).toEqual(['UNAVAILABLE', 30]);
    expect(translateMessage((err as DomainError).message, 'ko')).toBe('도구 작업이 제때 끝나지 않았습니다. 다시 시도하세요');
  });

  it('tells the API when the tool itself failed, and the message is not retried', async () => {
    const handler = createToolsHandler(async () => ({
      config: loadConfig({ MODE: 'aws' }),
      cache: new MemoryCache(),
      tools: { run: async () => { throw new Error('resolver crashed'); } },
      blobs,
    }));
    const q = queueToHandlers({ tools: (e) => handler(e, lambda) });
    const err = await queuedToolInvoker({ queue: q.queue, blobs }).invoke({ name: 'tcp', input: { host: '127.0.0.1', port } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(DomainError);
    expect((err as Error).message).toBe('tool failed: resolver crashed');
    await q.settled();
    expect(q.deliveries.map((d) => d.response)).toEqual([{ batchItemFailures: [] }]);
  });

  it('does not run a request whose caller stopped waiting, and leaves no answer', async () => {
    const id = '6f1c2a7e-95b1-4a3c-9d3e-2b8f4f2a1c10';
    const body = { type: 'tool', id, answer_by: new Date(Date.now() - 1000).toISOString(), tool: { name: 'tcp', input: { host: '127.0.0.1', port } } };
    const out = await toolsHandler()({ Records: [{ messageId: 'm1', body: JSON.stringify(body) }] } as SQSEvent, lambda);
    expect(out).toEqual({ batchItemFailures: [] });
    expect(await blobs.get(answerKey(id))).toBeUndefined();
  });

  it('leaves a malformed request for the dead-letter queue', async () => {
    const out = await toolsHandler()({ Records: [{ messageId: 'bad', body: JSON.stringify({ type: 'tool', id: 'x' }) }] } as SQSEvent, lambda);
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
  });
});
