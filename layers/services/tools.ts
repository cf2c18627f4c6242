import { ToolInputError, type ToolName } from '../checks/schemas.ts';
import { DomainError } from '../errors.ts';
import { hitRateLimit } from './rate-limit.ts';
import type { Actor, ServiceContext } from './context.ts';

export type ToolsContext = Pick<ServiceContext, 'config' | 'cache' | 'log' | 'tools'>;

/** One run of a tools-page probe (spec 14 tools.html), rate-limited per user. */
export async function runToolFor(ctx: ToolsContext, actor: Actor, name: ToolName, input: unknown) {
  await hitRateLimit(ctx.cache, `tools:${actor.id}`, ctx.config.TOOLS_RATE_LIMIT_PER_MINUTE, 60);
  try {
    return await ctx.tools.run(name, input, {
      allowPrivateTargets: ctx.config.ALLOW_PRIVATE_TARGETS,
      ...(ctx.config.DNS_SERVERS ? { dnsServers: ctx.config.DNS_SERVERS } : {}),
      ...(ctx.config.RDAP_BOOTSTRAP_URL ? { rdapBootstrapUrl: ctx.config.RDAP_BOOTSTRAP_URL } : {}),
      ...(ctx.config.WHOIS_SERVER ? { whoisServer: ctx.config.WHOIS_SERVER } : {}),
      cache: ctx.cache,
    });
  } catch (err) {
    if (err instanceof ToolInputError) throw new DomainError('VALIDATION', err.message, { errors: err.errors });
    throw err;
  }
}
