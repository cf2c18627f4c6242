import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { checkAndReport, runCheckBatch, type CheckerContext } from '../services/checker.ts';
import { checkQueueMessageSchema, type HttpCheckMessage } from '../services/messages.ts';
import { consumeBatch } from './sqs.ts';

/**
 * The check queue consumer (outside the VPC on AWS): scheduled checks, expiry sweeps and the API's
 * "check now" (a single check carrying its job id).
 * The checks of every batch message of an invocation run together, under one concurrency cap and
 * within the invocation's remaining time.
 */
export function createCheckerHandler(getContext: () => Promise<CheckerContext>) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event, lambda) => {
    const c = await getContext();
    return consumeBatch(event, checkQueueMessageSchema, c.log, 'check message', async (records) => {
      const batched: HttpCheckMessage[] = [];
      const batchIds: string[] = [];
      const failed: string[] = [];
      const singles = records.map(async (r) => {
        // A single HTTP check (sent before batching, or by hand) runs with the batch, under its deadline.
        if (r.message.type === 'check_batch' || r.message.kind === 'http') {
          batched.push(...(r.message.type === 'check_batch' ? r.message.checks : [r.message]));
          batchIds.push(r.messageId);
          return;
        }
        try {
          await checkAndReport(c, r.message);
        } catch (err) {
          c.log.error('check failed', { messageId: r.messageId, error: err instanceof Error ? err.message : String(err) });
          failed.push(r.messageId);
        }
      });
      const batch = batched.length
        ? runCheckBatch(c, batched, { remainingMs: () => lambda.getRemainingTimeInMillis() }).catch((err: unknown) => {
            c.log.error('check batch failed', { error: err instanceof Error ? err.message : String(err) });
            failed.push(...batchIds);
          })
        : undefined;
      await Promise.all([...singles, batch]);
      return failed;
    });
  });
}
