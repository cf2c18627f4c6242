import { SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { Config } from '../../config.ts';
import type { Queue, QueueMessage, QueueName } from '../ports.ts';
import { clientOptions } from './client-options.ts';

export type QueueUrls = Partial<Record<QueueName, string>>;

/** SQS caps a batch at 10 entries and 256 KiB in total. */
const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024;
const MAX_DELAY_SECONDS = 900;

export class QueueSendError extends Error {
  constructor(
    readonly queue: QueueName,
    readonly failed: { id: string; code: string; message: string }[],
  ) {
    super(`SQS rejected ${failed.length} message(s) on '${queue}': ${failed.map((f) => `${f.id} ${f.code}`).join(', ')}`);
  }
}

/** The Queue port on SQS: logical queue names map to URLs given by the caller (from config). */
export class SqsQueue implements Queue {
  constructor(
    private readonly client: SQSClient,
    private readonly urls: QueueUrls,
  ) {}

  async send(queue: QueueName, messages: QueueMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const url = this.urls[queue];
    if (!url) throw new Error(`no SQS queue URL configured for '${queue}'`);
    for (const batch of toBatches(messages)) await this.sendBatch(queue, url, batch);
  }

  /** Retries entries SQS failed on its side once; sender faults (bad input) fail at once. */
  private async sendBatch(queue: QueueName, url: string, entries: SendMessageBatchRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 0; attempt < 2 && pending.length > 0; attempt++) {
      const out = await this.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: pending }));
      const failed = out.Failed ?? [];
      if (failed.length === 0) return;
      const senderFaults = failed.filter((f) => f.SenderFault);
      if (senderFaults.length > 0 || attempt === 1) {
        throw new QueueSendError(
          queue,
          failed.map((f) => ({ id: f.Id ?? '?', code: f.Code ?? 'Unknown', message: f.Message ?? '' })),
        );
      }
      const retry = new Set(failed.map((f) => f.Id));
      pending = pending.filter((e) => retry.has(e.Id));
    }
  }
}

/** The queues the function was bound to (a send to any other fails with the queue's name). */
export function createSqsQueue(config: Config): SqsQueue {
  return new SqsQueue(new SQSClient(clientOptions(config)), {
    checks: config.CHECK_QUEUE_URL,
    browser: config.BROWSER_QUEUE_URL,
    results: config.RESULTS_QUEUE_URL,
    notifications: config.NOTIFY_QUEUE_URL,
    tools: config.TOOLS_QUEUE_URL,
  });
}

/** Batch entry ids: the message's own id where SQS accepts it, unique within the batch. */
function entryId(message: QueueMessage, index: number, used: Set<string>): string {
  const own = message.id?.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
  const id = own && !used.has(own) ? own : `m${index}`;
  used.add(id);
  return id;
}

export function toBatches(messages: QueueMessage[]): SendMessageBatchRequestEntry[][] {
  const batches: SendMessageBatchRequestEntry[][] = [];
  let current: SendMessageBatchRequestEntry[] = [];
  let bytes = 0;
  let used = new Set<string>();
  messages.forEach((message, index) => {
    const body = JSON.stringify(message.body);
    const size = Buffer.byteLength(body);
    if (current.length === MAX_ENTRIES || (current.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
      used = new Set();
    }
    const entry: SendMessageBatchRequestEntry = { Id: entryId(message, index, used), MessageBody: body };
    if (message.delaySeconds !== undefined && message.delaySeconds > 0) {
      entry.DelaySeconds = Math.min(MAX_DELAY_SECONDS, Math.round(message.delaySeconds));
    }
    current.push(entry);
    bytes += size;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}
