import * as z from 'zod';
import type { ToolEnv, ToolResult } from '../checks/index.ts';
import { ToolInputError, TOOL_NAMES, type ToolName } from '../checks/schemas.ts';
import { DomainError } from '../errors.ts';
import type { ToolInvoker } from '../platform/ports.ts';
import { hitRateLimit } from './rate-limit.ts';
import type { Actor, ServiceContext, ToolRunner } from './context.ts';

export type ToolsContext = Pick<ServiceContext, 'config' | 'cache' | 'log' | 'tools'>;

/** Where probes may go and how names resolve, from this function's configuration. */
export function toolEnvFor(ctx: Pick<ServiceContext, 'config' | 'cache'>): ToolEnv {
  return {
    allowPrivateTargets: ctx.config.ALLOW_PRIVATE_TARGETS,
    ...(ctx.config.DNS_SERVERS ? { dnsServers: ctx.config.DNS_SERVERS } : {}),
    ...(ctx.config.RDAP_BOOTSTRAP_URL ? { rdapBootstrapUrl: ctx.config.RDAP_BOOTSTRAP_URL } : {}),
    ...(ctx.config.WHOIS_SERVER ? { whoisServer: ctx.config.WHOIS_SERVER } : {}),
    cache: ctx.cache,
  };
}

/** One run of a tools-page probe (spec 14 tools.html), rate-limited per user. */
export async function runToolFor(ctx: ToolsContext, actor: Actor, name: ToolName, input: unknown) {
  await hitRateLimit(ctx.cache, `tools:${actor.id}`, ctx.config.TOOLS_RATE_LIMIT_PER_MINUTE, 60);
  try {
    return await ctx.tools.run(name, input, toolEnvFor(ctx));
  } catch (err) {
    if (err instanceof ToolInputError) throw new DomainError('VALIDATION', err.message, { errors: err.errors });
    throw err;
  }
}

/** What the API invokes the tools function with (the caller was authenticated and rate-limited there). */
export const toolInvocationSchema = z.object({ tool: z.object({ name: z.enum(TOOL_NAMES), input: z.unknown() }) });
export type ToolInvocation = z.input<typeof toolInvocationSchema>;

const toolAnswerSchema = z.discriminatedUnion('ok', [
  // The result is the tools function's own probe output, which it built from a schema-checked input.
  z.object({ ok: z.literal(true), result: z.custom<ToolResult>((v) => typeof v === 'object' && v !== null) }),
  z.object({ ok: z.literal(false), message: z.string(), errors: z.array(z.object({ field: z.string(), message: z.string() })) }),
]);

/** The tools function's answer to the API: the probe's result, or why its input was refused (a 400). */
export type ToolAnswer = z.infer<typeof toolAnswerSchema>;

/** The tools function's side: one probe run with this function's configuration. */
export async function answerToolInvocation(ctx: Pick<ServiceContext, 'config' | 'cache' | 'tools'>, event: unknown): Promise<ToolAnswer> {
  const { name, input } = toolInvocationSchema.parse(event).tool;
  try {
    return { ok: true, result: await ctx.tools.run(name, input, toolEnvFor(ctx)) };
  } catch (err) {
    if (err instanceof ToolInputError) return { ok: false, message: err.message, errors: err.errors };
    throw err;
  }
}

/**
 * The API's side on AWS: probes run in the tools function, so `env` is that function's own (its
 * configuration), not the caller's. Refused input comes back as the ToolInputError a local run raises.
 */
export function invokedToolRunner(invoker: ToolInvoker): ToolRunner {
  return {
    async run(name: ToolName, input: unknown): Promise<ToolResult> {
      const answer = toolAnswerSchema.parse(await invoker.invoke({ name, input }));
      if (!answer.ok) throw new ToolInputError(answer.message, answer.errors);
      return answer.result;
    },
  };
}
