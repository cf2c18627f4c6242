import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { runBrowserJob, runDirectBrowserJob, type BrowserJobDeps } from '../services/browser-jobs.ts';
import * as z from 'zod';
import { deepCheckJobSchema, directBrowserJobSchema, journeyJobSchema, screenshotJobSchema, type BrowserOutputMessage, type PdfResult } from '../services/browser-messages.ts';
import { jobStartedMessage } from '../services/messages.ts';
import { answerRequest, expired, pageKey, pdfRequestSchema } from '../services/queued-answers.ts';
import type { Logger, Queue } from '../platform/ports.ts';
import { forEachRecord } from './pipeline.ts';

// The browser queue consumer: the container Lambda's handler, and locally the same one fed by the local queue.
// Each record is one job; results go to the results queue; failed records are reported individually.

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
  return (event) =>
    forEachRecord(event, browserQueueMessageSchema, deps.logger, 'browser job', async (job, record) => {
      if (job.kind === 'pdf_request') return printRequestedPdf(deps, job);
      // An on-demand job first tells the API's job that it started (it shows `running`).
      if (job.job_id) await deps.sink.send('results', [{ body: jobStartedMessage(job.job_id) }]);
      const message = await runBrowserJob(deps, job);
      await deps.sink.send('results', [{ body: message, id: record.messageId }]);
    });
}

/** Everything the browser queue carries: jobs whose results go to the results queue, and the API's PDF requests. */
const browserQueueMessageSchema = z.discriminatedUnion('kind', [deepCheckJobSchema, screenshotJobSchema, journeyJobSchema, pdfRequestSchema]);

/** The API's SLA report (services/queued-answers.ts): the page and the PDF go through the blob store. */
async function printRequestedPdf(deps: BrowserHandlerDeps, req: z.output<typeof pdfRequestSchema>): Promise<void> {
  if (expired(req)) return deps.logger?.warn('PDF request expired before it ran', { id: req.id });
  const blobs = deps.blobs;
  if (!blobs) throw new Error('PDF requests need the blob store');
  await answerRequest(blobs, req.id, async () => {
    const page = await blobs.get(pageKey(req.id));
    if (!page) throw new Error('the page to print is gone');
    return runDirectBrowserJob(deps, { kind: 'pdf', html: new TextDecoder().decode(page.data), timeout: req.timeout });
  });
}

/** The browser function: the browser queue's batches, and direct `{ job }` invocations (by hand) that return the result. */
export function createBrowserFunctionHandler(deps: BrowserHandlerDeps) {
  const batch = createBrowserHandler(deps);
  return async (event: SQSEvent | { job: unknown }): Promise<SQSBatchResponse | BrowserOutputMessage | PdfResult> =>
    'job' in event ? runDirectBrowserJob(deps, directBrowserJobSchema.parse(event.job)) : batch(event);
}
