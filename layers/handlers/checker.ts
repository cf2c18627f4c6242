import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { checkAndReport, type CheckerContext } from '../services/checker.ts';
import { checkMessageSchema } from '../services/messages.ts';
import { forEachRecord } from './sqs.ts';

/** The check queue consumer (outside the VPC on AWS): scheduled checks, expiry sweeps and the API's "check now". */
export function createCheckerHandler(getContext: () => Promise<CheckerContext>) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event) => {
    const c = await getContext();
    return forEachRecord(event, checkMessageSchema, c.log, 'check', (m) => checkAndReport(c, m));
  });
}
