import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { resultMessageSchema, type ResultMessage } from './messages.ts';
import { recordResult } from './monitoring.ts';
import type { ServiceContext } from './context.ts';

/** The results queue consumer (in the VPC on AWS): records results and delivery outcomes. */
export async function handleResultsBatch(ctx: ServiceContext, event: SQSEvent): Promise<SQSBatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  // Sequential: results of one project must be judged in order, and a batch is small.
  for (const record of event.Records) {
    let message: ResultMessage;
    try {
      message = resultMessageSchema.parse(JSON.parse(record.body));
    } catch (err) {
      ctx.log.error('malformed result dropped', { messageId: record.messageId, error: err instanceof Error ? err.message : String(err) });
      continue;
    }
    try {
      await recordResult(ctx, message);
    } catch (err) {
      ctx.log.error('recording a result failed', { messageId: record.messageId, error: err instanceof Error ? err.message : String(err) });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
