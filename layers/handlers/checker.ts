import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handleCheckBatch, runCheck, type CheckerContext } from '../services/checker.ts';
import { checkMessageSchema } from '../services/messages.ts';

/** Direct invocation for "check now": `{ probe: <check message> }` returns the result message. */
export type ProbeEvent = { probe: unknown };

export function createCheckerHandler(getContext: () => Promise<CheckerContext>) {
  return middy<SQSEvent | ProbeEvent, SQSBatchResponse | unknown, Error, Context>().handler(async (event) => {
    const c = await getContext();
    if ('probe' in event) return runCheck(c, checkMessageSchema.parse(event.probe));
    return handleCheckBatch(c, event);
  });
}
