import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Queue, QueueMessage, QueueName } from '../../layers/platform/ports.ts';

/**
 * SQS and its Lambda event source, replaced at that boundary: each send reaches the named queue's
 * real handler as an SQS event, after the sender's call returns. Records what each delivery answered.
 */
export function queueToHandlers(handlers: Partial<Record<QueueName, (event: SQSEvent) => Promise<SQSBatchResponse>>>) {
  const deliveries: { queue: QueueName; body: unknown; response: SQSBatchResponse | Error }[] = [];
  const pending = new Set<Promise<void>>();
  const queue: Queue = {
    async send(name: QueueName, messages: QueueMessage[]) {
      const handler = handlers[name];
      if (!handler) throw new Error(`no handler for queue '${name}'`);
      for (const [i, m] of messages.entries()) {
        const record = { messageId: m.id ?? `m${i}`, body: JSON.stringify(m.body), attributes: { ApproximateReceiveCount: '1' } };
        const run = (async () => {
          await new Promise((r) => setImmediate(r));
          const response = await handler({ Records: [record] } as unknown as SQSEvent).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
          deliveries.push({ queue: name, body: m.body, response });
        })();
        pending.add(run);
        void run.finally(() => pending.delete(run));
      }
    },
  };
  return { queue, deliveries, settled: () => Promise.all([...pending]) };
}
