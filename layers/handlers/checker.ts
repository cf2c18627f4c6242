import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { checkAndReport, runCheck, type CheckerContext } from '../services/checker.ts';
import { checkMessageSchema } from '../services/messages.ts';
import { forEachRecord } from './sqs.ts';

/** Direct invocation for "check now": `{ probe: <check message> }` returns the result message. */
export type ProbeEvent = { probe: unknown };

/** The check queue consumer (outside the VPC on AWS), and the "check now" probe of the in-VPC API. */
export function createCheckerHandler(getContext: () => Promise<CheckerContext>) {
  return middy<SQSEvent | ProbeEvent, SQSBatchResponse | unknown, Error, Context>().handler(async (event) => {
    const c = await getContext();
    if ('probe' in event) return runCheck(c, checkMessageSchema.parse(event.probe));
    return forEachRecord(event, checkMessageSchema, c.log, 'check', (m) => checkAndReport(c, m));
  });
}
