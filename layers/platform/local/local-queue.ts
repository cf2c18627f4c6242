import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger, Queue, QueueMessage, QueueName, QueueStats } from '../ports.ts';

export type BatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

interface Pending {
  id: string;
  body: string;
  visibleAt: number;
  receiveCount: number;
  sentAt: number;
}

interface Consumer {
  handler: BatchHandler;
  concurrency: number;
  batchSize: number;
  inFlight: number;
  /** Messages in the batches in flight. */
  messagesInFlight: number;
}

/**
 * The local stand-in for SQS: honours DelaySeconds, delivers SQS-shaped batches to the same handlers,
 * retries the records a handler reports as failed, and moves a record that fails `maxReceives` times
 * to a dead-letter list.
 */
export class LocalQueue implements Queue, QueueStats {
  private readonly pending = new Map<QueueName, Pending[]>();
  private readonly consumers = new Map<QueueName, Consumer>();
  readonly deadLetters: { queue: QueueName; body: string; id: string }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly log: Logger,
    private readonly opts: { maxReceives?: number; retryDelayMs?: number; tickMs?: number } = {},
  ) {}

  async send(queue: QueueName, messages: QueueMessage[]): Promise<void> {
    const now = Date.now();
    const list = this.pending.get(queue) ?? [];
    for (const m of messages) {
      const delay = Math.min(900, Math.max(0, m.delaySeconds ?? 0)) * 1000;
      list.push({ id: m.id ?? randomUUID(), body: JSON.stringify(m.body), visibleAt: now + delay, receiveCount: 0, sentAt: now });
    }
    this.pending.set(queue, list);
    this.schedule(0);
  }

  consume(queue: QueueName, handler: BatchHandler, concurrency: number, batchSize = 1): void {
    this.consumers.set(queue, { handler, concurrency, batchSize, inFlight: 0, messagesInFlight: 0 });
    this.schedule(0);
  }

  /** Messages waiting (visible or delayed) plus those being handled. */
  depth(queue: QueueName): number {
    return (this.pending.get(queue)?.length ?? 0) + (this.consumers.get(queue)?.inFlight ?? 0);
  }

  waiting(queue: QueueName): number {
    return this.pending.get(queue)?.length ?? 0;
  }

  inFlight(queue: QueueName): number {
    return this.consumers.get(queue)?.messagesInFlight ?? 0;
  }

  /** Resolves when no message is waiting to become visible soon and none is in flight. */
  async drain(horizonMs = 0): Promise<void> {
    for (;;) {
      const now = Date.now();
      const busy = [...this.pending.entries()].some(
        ([q, l]) => this.consumers.has(q) && l.some((p) => p.visibleAt <= now + horizonMs),
      ) || [...this.consumers.values()].some((c) => c.inFlight > 0);
      if (!busy) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), ms);
    this.timer.unref?.();
  }

  private pump(): void {
    this.timer = undefined;
    const now = Date.now();
    let nextWake = Infinity;
    for (const [queue, consumer] of this.consumers) {
      const list = this.pending.get(queue);
      if (!list || list.length === 0) continue;
      while (consumer.inFlight < consumer.concurrency) {
        const batch: Pending[] = [];
        for (let i = 0; i < list.length && batch.length < consumer.batchSize; ) {
          const p = list[i]!;
          if (p.visibleAt <= now) {
            batch.push(p);
            list.splice(i, 1);
          } else i++;
        }
        if (batch.length === 0) break;
        consumer.inFlight++;
        consumer.messagesInFlight += batch.length;
        void this.deliver(queue, consumer, batch).finally(() => {
          consumer.inFlight--;
          consumer.messagesInFlight -= batch.length;
          this.schedule(0);
        });
      }
      for (const p of list) nextWake = Math.min(nextWake, p.visibleAt);
    }
    if (nextWake !== Infinity) this.schedule(Math.max(0, Math.min(nextWake - Date.now(), 60_000)));
  }

  private async deliver(queue: QueueName, consumer: Consumer, batch: Pending[]): Promise<void> {
    const records: SQSRecord[] = batch.map((p) => {
      p.receiveCount++;
      return {
        messageId: p.id,
        receiptHandle: p.id,
        body: p.body,
        attributes: {
          ApproximateReceiveCount: String(p.receiveCount),
          SentTimestamp: String(p.sentAt),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:local:sqs:local:000000000000:${queue}`,
        awsRegion: 'local',
      };
    });
    let failed: Set<string>;
    try {
      const res = await consumer.handler({ Records: records });
      failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (err) {
      this.log.error('queue handler failed', { queue, error: err instanceof Error ? err.message : String(err) });
      failed = new Set(batch.map((p) => p.id));
    }
    const maxReceives = this.opts.maxReceives ?? 5;
    for (const p of batch) {
      if (!failed.has(p.id)) continue;
      if (p.receiveCount >= maxReceives) {
        this.deadLetters.push({ queue, body: p.body, id: p.id });
        this.log.error('message moved to dead-letter list', { queue, id: p.id });
        continue;
      }
      p.visibleAt = Date.now() + (this.opts.retryDelayMs ?? 30_000);
      const list = this.pending.get(queue) ?? [];
      list.push(p);
      this.pending.set(queue, list);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
