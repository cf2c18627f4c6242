import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueSendError, SqsQueue, toBatches } from '../../../layers/platform/aws/sqs-queue.ts';

// A real SQS API (fauxqs) in this process on a loopback port.
let app: ReturnType<typeof buildApp>;
let client: SQSClient;
let urls: { checks: string; results: string };
const sentBatches: number[] = [];

beforeAll(async () => {
  app = buildApp({ logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  client = new SQSClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // fauxqs names queues sqs.<region>.localhost; keep requests on the loopback endpoint.
    useQueueUrlAsEndpoint: false,
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { Entries?: unknown[] };
      if (input.Entries) sentBatches.push(input.Entries.length);
      return next(args);
    },
    { step: 'initialize', name: 'countBatches' },
  );
  const create = async (name: string) => (await client.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
  urls = { checks: await create('checks'), results: await create('results') };
});

afterAll(async () => {
  client?.destroy();
  await app?.close();
});

async function drain(url: string, expected: number, waitMs = 3000): Promise<unknown[]> {
  const bodies: unknown[] = [];
  const deadline = Date.now() + waitMs;
  while (bodies.length < expected && Date.now() < deadline) {
    const out = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    for (const m of out.Messages ?? []) bodies.push(JSON.parse(m.Body ?? 'null'));
    if ((out.Messages ?? []).length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  return bodies;
}

describe('SQS queue adapter', () => {
  it('sends 25 messages in batches of at most 10 and every one arrives', async () => {
    sentBatches.length = 0;
    const queue = new SqsQueue(client, urls);
    const messages = Array.from({ length: 25 }, (_, i) => ({ body: { projectId: i, kind: 'http' }, id: `check:${i}` }));
    await queue.send('checks', messages);
    expect(sentBatches).toEqual([10, 10, 5]);
    const received = (await drain(urls.checks, 25)) as { projectId: number }[];
    expect(received.map((b) => b.projectId).sort((a, b) => a - b)).toEqual(messages.map((m) => m.body.projectId));
  });

  it('maps logical queue names to the URLs it was given', async () => {
    const queue = new SqsQueue(client, urls);
    await queue.send('results', [{ body: { ok: true } }]);
    expect(await drain(urls.results, 1)).toEqual([{ ok: true }]);
    await expect(queue.send('notifications', [{ body: {} }])).rejects.toThrow(/no SQS queue URL configured for 'notifications'/);
  });

  it('holds a delayed message back for its DelaySeconds', async () => {
    const queue = new SqsQueue(client, urls);
    await queue.send('checks', [
      { body: { n: 'now' } },
      { body: { n: 'later' }, delaySeconds: 1 },
    ]);
    const first = await client.send(new ReceiveMessageCommand({ QueueUrl: urls.checks, MaxNumberOfMessages: 10 }));
    expect((first.Messages ?? []).map((m) => JSON.parse(m.Body ?? 'null'))).toEqual([{ n: 'now' }]);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await drain(urls.checks, 1)).toEqual([{ n: 'later' }]);
  });

  it('does nothing for an empty list', async () => {
    sentBatches.length = 0;
    await new SqsQueue(client, urls).send('checks', []);
    expect(sentBatches).toEqual([]);
  });

  it('reports entries SQS rejects, naming them', async () => {
    const queue = new SqsQueue(client, urls);
    // U+FFFF is outside the characters SQS allows in a message body.
    const err = await queue.send('checks', [{ body: 'bad \uffff', id: 'bad-one' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueSendError);
    expect((err as QueueSendError).failed[0]?.id).toBe('bad-one');
  });
});

describe('batching', () => {
  it('uses message ids as entry ids where SQS allows them, unique within a batch', () => {
    const [batch] = toBatches([{ body: 1, id: 'check:7/a' }, { body: 2, id: 'check:7/a' }, { body: 3 }]);
    expect(batch?.map((e) => e.Id)).toEqual(['check_7_a', 'm1', 'm2']);
  });

  it('clamps DelaySeconds to the 900 s SQS allows', () => {
    const [batch] = toBatches([{ body: 1, delaySeconds: 5000 }, { body: 2, delaySeconds: 0 }]);
    expect(batch?.[0]?.DelaySeconds).toBe(900);
    expect(batch?.[1]?.DelaySeconds).toBeUndefined();
  });

  it('starts a new batch before 256 KiB', () => {
    const big = 'x'.repeat(100 * 1024);
    expect(toBatches([{ body: big }, { body: big }, { body: big }]).map((b) => b.length)).toEqual([2, 1]);
  });
});
