import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { ToolInputError, TOOL_NAMES } from '../checks/schemas.ts';
import type { ToolAnswer } from '../platform/ports.ts';
import type { ServiceContext } from '../services/context.ts';
import { toolEnvFor } from '../services/tools.ts';

/** What the API invokes the tools function with (the caller was authenticated and rate-limited there). */
export const toolInvocationSchema = z.object({ tool: z.object({ name: z.enum(TOOL_NAMES), input: z.unknown() }) });
export type ToolInvocation = z.input<typeof toolInvocationSchema>;

/**
 * The tools function (outside the VPC, where probes reach the internet). The in-VPC API checks the
 * session like on every route, then invokes it synchronously with one tool run.
 */
export function createToolsHandler(getContext: () => Promise<Pick<ServiceContext, 'config' | 'cache' | 'tools'>>) {
  return middy<ToolInvocation, ToolAnswer, Error, Context>().handler(async (event) => {
    const ctx = await getContext();
    const { name, input } = toolInvocationSchema.parse(event).tool;
    try {
      return { ok: true, result: await ctx.tools.run(name, input, toolEnvFor(ctx)) };
    } catch (err) {
      if (err instanceof ToolInputError) return { ok: false, message: err.message, errors: err.errors };
      throw err;
    }
  });
}
