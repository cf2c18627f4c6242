import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { notifyMessageSchema } from '../services/messages.ts';
import { handleNotifyMessage, type NotifierContext } from '../services/notifier.ts';
import { forEachRecord } from './sqs.ts';

export function createNotifierHandler(getContext: () => Promise<NotifierContext>) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event) => {
    const c = await getContext();
    return forEachRecord(event, notifyMessageSchema, c.log, 'notification', (m) => handleNotifyMessage(c, m));
  });
}
