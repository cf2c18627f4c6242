import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { recordBrowserCheck, recordJourneyResult, recordScreenshotResult } from '../services/browser.ts';
import { checkNowView } from '../services/check-now.ts';
import type { ServiceContext } from '../services/context.ts';
import { finishJob, jobStarted } from '../services/jobs.ts';
import { resultMessageSchema, type HttpResultMessage, type ResultMessage } from '../services/messages.ts';
import { recordExpiryResult, recordHttpResult } from '../services/monitoring.ts';
import { recordDelivery } from '../services/outbox.ts';
import { recordResults } from '../services/recorder.ts';
import { consumeBatch } from './sqs.ts';

/** Every message of the results queue lands here and goes to the one service that records its kind. */
export async function recordResult(ctx: ServiceContext, m: ResultMessage): Promise<void> {
  switch (m.type) {
    case 'http_result':
      await recordHttpResult(ctx, m);
      return finishJob(ctx, m.job_id, checkNowView(m));
    case 'expiry_result':
      return recordExpiryResult(ctx, m);
    case 'browser_result':
      return recordBrowserCheck(ctx, m);
    case 'screenshot_result':
      await recordScreenshotResult(ctx, m);
      return;
    case 'journey_result':
      await recordJourneyResult(ctx, m);
      return;
    case 'job_started':
      return jobStarted(ctx, m.job_id, m.at);
    case 'delivery':
      return recordDelivery(ctx, m);
    case 'result_batch':
      await recordResults(ctx, m.results, { notify: true });
      return finishJobs(ctx, m.results);
  }
}

/**
 * The HTTP results of a batch (single or batched messages), recorded in one transaction in
 * per-project order (services/recorder.ts; repeats are ignored, so a redelivered message is harmless).
 * If the batch fails, each message is tried alone, so one bad result does not hold back the others.
 * Returns the ids of the messages whose results could not be recorded.
 */
async function recordHttpBatch(ctx: ServiceContext, items: { messageId: string; result: HttpResultMessage }[]): Promise<string[]> {
  const ordered = (list: typeof items) => [...list].sort((a, b) => a.result.project_id - b.result.project_id || time(a.result) - time(b.result)).map((i) => i.result);
  try {
    await recordResults(ctx, ordered(items), { notify: true });
    await finishJobs(ctx, items.map((i) => i.result));
    return [];
  } catch (err) {
    ctx.log.warn('result batch not recorded; trying each message alone', { error: err instanceof Error ? err.message : String(err) });
  }
  const failed: string[] = [];
  for (const id of new Set(items.map((i) => i.messageId))) {
    try {
      const alone = ordered(items.filter((i) => i.messageId === id));
      await recordResults(ctx, alone, { notify: true });
      await finishJobs(ctx, alone);
    } catch (err) {
      ctx.log.error('result not recorded', { messageId: id, error: err instanceof Error ? err.message : String(err) });
      failed.push(id);
    }
  }
  return failed;
}

/** "Check now" results finish their API job (services/jobs.ts) with what the route answers. */
async function finishJobs(ctx: ServiceContext, results: HttpResultMessage[]): Promise<void> {
  for (const r of results) if (r.job_id) await finishJob(ctx, r.job_id, checkNowView(r));
}

const time = (r: HttpResultMessage) => (r.due_at ?? r.result.checked_at).getTime();

/**
 * The results queue consumer (in the VPC on AWS). The HTTP results of the whole batch are recorded
 * together; every other message after them, one after another.
 */
export function createResultsHandler(getContext: () => Promise<ServiceContext>) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event) => {
    const ctx = await getContext();
    return consumeBatch(event, resultMessageSchema, ctx.log, 'result', async (records) => {
      const http: { messageId: string; result: HttpResultMessage }[] = [];
      const others: typeof records = [];
      for (const r of records) {
        if (r.message.type === 'http_result') http.push({ messageId: r.messageId, result: r.message });
        else if (r.message.type === 'result_batch') for (const result of r.message.results) http.push({ messageId: r.messageId, result });
        else others.push(r);
      }
      const failed = http.length ? await recordHttpBatch(ctx, http) : [];
      for (const r of others) {
        try {
          await recordResult(ctx, r.message);
        } catch (err) {
          ctx.log.error('result failed', { messageId: r.messageId, error: err instanceof Error ? err.message : String(err) });
          failed.push(r.messageId);
        }
      }
      return failed;
    });
  });
}
