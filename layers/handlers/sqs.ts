import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod';
import type { Logger } from '../platform/ports.ts';

/** One record of a batch, parsed. */
export interface Parsed<T> {
  messageId: string;
  message: T;
  /** How many times SQS has delivered it (1 the first time). */
  receiveCount: number;
}

/**
 * The one way every SQS consumer reads a batch: each record is parsed with `schema`; a record that
 * does not parse is reported as failed, so the queue's redrive policy moves it to the dead-letter
 * queue (where an alarm sees it) instead of dropping it; `handle` gets the rest at once and returns
 * the ids of the records it could not handle, which SQS delivers again (partial batch response).
 */
export async function consumeBatch<S extends z.ZodType>(
  event: SQSEvent,
  schema: S,
  log: Logger | undefined,
  what: string,
  handle: (records: Parsed<z.output<S>>[]) => Promise<Iterable<string> | void>,
): Promise<SQSBatchResponse> {
  const failed = new Set<string>();
  const parsed: Parsed<z.output<S>>[] = [];
  for (const record of event.Records) {
    const message = parseRecord(record, schema);
    if (message.ok) parsed.push({ messageId: record.messageId, message: message.value, receiveCount: receiveCount(record) });
    else {
      log?.error(`malformed ${what}: left for the dead-letter queue`, { messageId: record.messageId, receiveCount: receiveCount(record), error: message.error });
      failed.add(record.messageId);
    }
  }
  if (parsed.length) {
    try {
      for (const id of (await handle(parsed)) ?? []) failed.add(id);
    } catch (err) {
      log?.error(`${what} batch failed`, { error: err instanceof Error ? err.message : String(err) });
      for (const p of parsed) failed.add(p.messageId);
    }
  }
  return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
}

/**
 * `consumeBatch` for consumers that handle each record on its own: concurrently, or one after another
 * with `inOrder`. A record whose handling throws is retried alone.
 */
export async function forEachRecord<S extends z.ZodType>(
  event: SQSEvent,
  schema: S,
  log: Logger | undefined,
  what: string,
  handle: (message: z.output<S>, record: Parsed<z.output<S>>) => Promise<void>,
  opts: { inOrder?: boolean } = {},
): Promise<SQSBatchResponse> {
  return consumeBatch(event, schema, log, what, async (records) => {
    const failed: string[] = [];
    const one = async (r: Parsed<z.output<S>>) => {
      try {
        await handle(r.message, r);
      } catch (err) {
        log?.error(`${what} failed`, { messageId: r.messageId, error: err instanceof Error ? err.message : String(err) });
        failed.push(r.messageId);
      }
    };
    if (opts.inOrder) for (const r of records) await one(r);
    else await Promise.all(records.map(one));
    return failed;
  });
}

function parseRecord<S extends z.ZodType>(record: SQSRecord, schema: S): { ok: true; value: z.output<S> } | { ok: false; error: string } {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ') };
}

const receiveCount = (record: SQSRecord) => Number(record.attributes?.ApproximateReceiveCount ?? 1) || 1;
