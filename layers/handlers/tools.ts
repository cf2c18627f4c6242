import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ServiceContext } from '../services/context.ts';
import { answerToolInvocation, type ToolAnswer, type ToolInvocation } from '../services/tools.ts';

/**
 * The tools function (outside the VPC, where probes reach the internet). The in-VPC API checks the
 * session like on every route, then invokes it synchronously with one tool run.
 */
export function createToolsHandler(getContext: () => Promise<Pick<ServiceContext, 'config' | 'cache' | 'tools'>>) {
  return middy<ToolInvocation, ToolAnswer, Error, Context>().handler(async (event) => answerToolInvocation(await getContext(), event));
}
