import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ServiceContext } from '../services/context.ts';
import { handleResultsBatch } from '../services/results.ts';

export function createResultsHandler(getContext: () => Promise<ServiceContext>) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event) => handleResultsBatch(await getContext(), event));
}
