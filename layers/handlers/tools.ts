import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Blobs, Logger } from '../platform/ports.ts';
import type { ServiceContext } from '../services/context.ts';
import { answerRequest, expired, toolRequestSchema } from '../services/queued-answers.ts';
import { answerToolInvocation } from '../services/tools.ts';
import { forEachRecord } from './pipeline.ts';

export type ToolsContext = Pick<ServiceContext, 'config' | 'cache' | 'tools'> & { blobs: Blobs; log?: Logger };

/**
 * The tools function (outside the VPC, where probes reach the internet): the tools queue's consumer.
 * The in-VPC API checked the session and the rate limit, queued the run and reads the answer this
 * leaves in the blob bucket (services/queued-answers.ts).
 */
export function createToolsHandler(getContext: () => Promise<ToolsContext>) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event) => {
    const ctx = await getContext();
    return forEachRecord(event, toolRequestSchema, ctx.log, 'tool request', async (req) => {
      if (expired(req)) return ctx.log?.warn('tool request expired before it ran', { id: req.id });
      await answerRequest(ctx.blobs, req.id, () => answerToolInvocation(ctx, { tool: req.tool }));
    });
  });
}
