import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { runBrowserJob, runDirectBrowserJob, type BrowserJobDeps } from '../services/browser-jobs.ts';
import { browserJobSchema, directBrowserJobSchema, type BrowserJob, type BrowserOutputMessage, type PdfResult } from '../services/browser-messages.ts';
import type { Logger, Queue } from '../platform/ports.ts';

// The browser queue consumer: the container Lambda's handler, and locally the same one fed by the local queue.
// Each record is one job; results go to the results queue; failed records are reported individually.
// The container also takes `{ job }` invocations from the in-VPC API and answers with the result.

export interface BrowserHandlerDeps extends BrowserJobDeps {
  /** Results go to its 'results' queue. */
  sink: Queue;
  logger?: Logger;
}

export type BrowserHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/**
 * Runs a batch's jobs through the pool (which bounds concurrency) and reports the records that must be
 * retried: unparseable ones (they end in the dead-letter queue, where an alarm sees them) and ones whose
 * result could not be delivered. A browser crash is not a retry: it is delivered as a monitoring_error.
 */
export function createBrowserHandler(deps: BrowserHandlerDeps): BrowserHandler {
  return async (event) => {
    const failures: SQSBatchItemFailure[] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        const job = parseRecord(record, deps.logger);
        if (!job) {
          failures.push({ itemIdentifier: record.messageId });
          return;
        }
        try {
          const message = await runBrowserJob(deps, job);
          await deps.sink.send('results', [{ body: message, id: record.messageId }]);
        } catch (err) {
          deps.logger?.error('browser job failed', { messageId: record.messageId, kind: job.kind, error: String(err) });
          failures.push({ itemIdentifier: record.messageId });
        }
      }),
    );
    return { batchItemFailures: failures };
  };
}

/** The browser function: the browser queue's batches, and direct `{ job }` invocations (PDF printing too) that return the result. */
export function createBrowserFunctionHandler(deps: BrowserHandlerDeps) {
  const batch = createBrowserHandler(deps);
  return async (event: SQSEvent | { job: unknown }): Promise<SQSBatchResponse | BrowserOutputMessage | PdfResult> =>
    'job' in event ? runDirectBrowserJob(deps, directBrowserJobSchema.parse(event.job)) : batch(event);
}

function parseRecord(record: SQSRecord, logger: Logger | undefined): BrowserJob | undefined {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    logger?.error('browser job is not JSON', { messageId: record.messageId });
    return undefined;
  }
  const parsed = browserJobSchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    logger?.error('invalid browser job', { messageId: record.messageId, issues });
    return undefined;
  }
  return parsed.data;
}
