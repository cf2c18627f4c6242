import type { AddressInfo } from 'node:net';
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { buildApp } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckerHandler } from '../../../layers/handlers/pipeline.ts';
import { SqsQueue } from '../../../layers/platform/aws/sqs-queue.ts';
import type { CheckerContext } from '../../../layers/services/checker.ts';

// A real SQS API (fauxqs) with a redrive policy, and a loop doing what Lambda's event source mapping
// does: receive a batch, invoke the handler, delete what succeeded, release what it reported failed.
let app: ReturnType<typeof buildApp>;
let client: SQSClient;
let urls: { checks: string; results: string; dlq: string };

beforeAll(async () => {
  app = buildApp({ logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  client = new SQSClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    useQueueUrlAsEndpoint: false,
  });
  const create = async (name: string, attributes: Record<string, string> = {}) =>
    (await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl as string;
  const dlq = await create('checks-dlq');
  const dlqArn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))).Attributes?.['QueueArn'];
  urls = {
    dlq,
    checks: await create('checks', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) }),
    results: await create('results'),
  };
});

afterAll(async () => {
  client?.destroy();
  await app?.close();
});

const lambda = { functionName: 'checker', awsRequestId: 'test', getRemainingTimeInMillis: () => 60_000 } as Context;

/** One poll of the event source mapping; returns how many messages it handed to the function. */
async function pollOnce(handler: ReturnType<typeof createCheckerHandler>): Promise<number> {
  const out = await client.send(new ReceiveMessageCommand({ QueueUrl: urls.checks, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }));
  const messages = out.Messages ?? [];
  if (messages.length === 0) return 0;
  const event: SQSEvent = {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: m.Attributes?.['ApproximateReceiveCount'] ?? '1',
        SentTimestamp: m.Attributes?.['SentTimestamp'] ?? '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: m.Attributes?.['ApproximateFirstReceiveTimestamp'] ?? '0',
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:checks',
      awsRegion: 'us-east-1',
    })),
  };
  const res = (await handler(event, lambda)) as { batchItemFailures: { itemIdentifier: string }[] };
  const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
  const ok = messages.filter((m) => !failed.has(m.MessageId!));
  const retry = messages.filter((m) => failed.has(m.MessageId!));
  if (ok.length) await client.send(new DeleteMessageBatchCommand({ QueueUrl: urls.checks, Entries: ok.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  if (retry.length) {
    await client.send(
      new ChangeMessageVisibilityBatchCommand({ QueueUrl: urls.checks, Entries: retry.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })) }),
    );
  }
  return messages.length;
}

async function receiveAll(url: string): Promise<string[]> {
  const out = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
  return (out.Messages ?? []).map((m) => m.Body ?? '');
}

describe('one batch helper for every SQS consumer', () => {
  it('sends a malformed message to the dead-letter queue, and handles the good one of the same batch once', async () => {
    const log = { errors: [] as string[], debug: () => {}, info: () => {}, warn: () => {}, error: (m: string) => log.errors.push(m) };
    const c: CheckerContext = { queue: new SqsQueue(client, { checks: urls.checks, results: urls.results }), log, allowPrivateTargets: true };
    const handler = createCheckerHandler(async () => c);
    const target = { url: 'http://127.0.0.1:9/', custom_headers: {}, time_limit: null, timeout: 5, retry_count: 1, content_change_detection: false, content_selector: null, keyword_monitoring: false, keywords: [], keyword_alert_on_found: false };
    const good = { type: 'check_batch', checks: [{ type: 'check', kind: 'http', project_id: 7, due_at: new Date().toISOString(), cycle: 1, target }] };
    await client.send(new SendMessageCommand({ QueueUrl: urls.checks, MessageBody: JSON.stringify(good) }));
    await client.send(new SendMessageCommand({ QueueUrl: urls.checks, MessageBody: JSON.stringify({ type: 'check_batch', checks: [{ project_id: 'seven' }] }) }));

    // Two receives fail it (maxReceiveCount 2); the third receive moves it to the dead-letter queue.
    for (let i = 0; i < 4; i++) await pollOnce(handler);
    expect(await receiveAll(urls.checks)).toEqual([]);
    const dead = await receiveAll(urls.dlq);
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]!)).toEqual({ type: 'check_batch', checks: [{ project_id: 'seven' }] });
    expect(log.errors.filter((e) => e.startsWith('malformed check message'))).toHaveLength(2);

    const results = (await receiveAll(urls.results)).map((b) => JSON.parse(b) as { type: string; project_id: number; result: { error_kind: string } });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ type: 'http_result', project_id: 7, result: { error_kind: 'refused' } });
  }, 30_000);
});
