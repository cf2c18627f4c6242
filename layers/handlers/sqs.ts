import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type * as z from 'zod';
import type { Logger } from '../platform/ports.ts';

/**
 * Runs `handle` on each record of an SQS batch that parses with `schema`. A record that does not parse
 * is logged and dropped (it never would); one whose handling throws is reported in batchItemFailures,
 * so SQS retries that record alone. `inOrder` handles the records one after another.
 */
export async function forEachRecord<S extends z.ZodType>(
  event: SQSEvent,
  schema: S,
  log: Logger,
  what: string,
  handle: (message: z.output<S>) => Promise<void>,
  opts: { inOrder?: boolean } = {},
): Promise<SQSBatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  const one = async (record: SQSEvent['Records'][number]) => {
    let message: z.output<S>;
    try {
      message = schema.parse(JSON.parse(record.body));
    } catch (err) {
      log.error(`malformed ${what} dropped`, { messageId: record.messageId, error: err instanceof Error ? err.message : String(err) });
      return;
    }
    try {
      await handle(message);
    } catch (err) {
      log.error(`${what} failed`, { messageId: record.messageId, error: err instanceof Error ? err.message : String(err) });
      failures.push({ itemIdentifier: record.messageId });
    }
  };
  if (opts.inOrder) for (const record of event.Records) await one(record);
  else await Promise.all(event.Records.map(one));
  return { batchItemFailures: failures };
}
