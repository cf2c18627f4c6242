import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { recordBrowserCheck, recordJourneyResult, recordScreenshotResult } from '../services/browser.ts';
import { checkNowView } from '../services/check-now.ts';
import type { ServiceContext } from '../services/context.ts';
import { finishJob, jobStarted } from '../services/jobs.ts';
import { resultMessageSchema, type ResultMessage } from '../services/messages.ts';
import { recordExpiryResult, recordHttpResult } from '../services/monitoring.ts';
import { recordDelivery } from '../services/outbox.ts';
import { forEachRecord } from './sqs.ts';

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
  }
}

/** The results queue consumer (in the VPC on AWS). In order: results of one project are judged in order, and a batch is small. */
export function createResultsHandler(getContext: () => Promise<ServiceContext>) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event) => {
    const ctx = await getContext();
    return forEachRecord(event, resultMessageSchema, ctx.log, 'result', (m) => recordResult(ctx, m), { inOrder: true });
  });
}
