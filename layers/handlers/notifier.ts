import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handleNotifyBatch, type NotifierContext } from '../services/notifier.ts';

export function createNotifierHandler(getContext: () => Promise<NotifierContext>) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event) => handleNotifyBatch(await getContext(), event));
}
