import { toolSchemas, TOOL_NAMES } from '../../checks/schemas.ts';
import { runToolFor } from '../../services/tools.ts';
import type { Language } from '../../model/user.ts';
import { translateAnswer } from '../../i18n.ts';
import { route, type AnyRoute } from '../router.ts';

/** Keys of a tool result that hold a probe's words (texts.ts), not the probed site's data. */
const MESSAGE_KEYS = new Set(['message', 'error_message', 'error', 'warning_message', 'invalid_reason']);

/**
 * The tools' findings and error messages in the reader's language (i18n.ts translateAnswer): a finding
 * with a `code` is written from the catalog, other messages are matched against the English templates.
 */
export function translateToolResult(result: unknown, lang: Language): unknown {
  return translateAnswer(result, lang, MESSAGE_KEYS);
}

const summaries: Record<(typeof TOOL_NAMES)[number], string> = {
  http: 'HTTP check: status, timings, redirects, TLS (spec 4.1)',
  tcp: 'TCP port check (spec 4.5)',
  udp: 'UDP port check: open, closed or open|filtered (spec 4.6)',
  dns: 'DNS lookup with TTLs (spec 4.7)',
  content: 'Content check: is the expected text on the page (spec 4.8)',
  'security-headers': 'Security headers and a 0-100 score (spec 4.9)',
  api: 'API endpoint check with JSON-path assertions (spec 4.10)',
  ssl: 'SSL certificate check (spec 4.3)',
  domain: 'Domain expiry via RDAP, WHOIS as fallback (spec 4.4)',
};

/**
 * The tools page's probes. The session is checked like on every route; on AWS the API then invokes
 * the tools function, outside the VPC, to probe (the ToolRunner port).
 */
export const toolRoutes: AnyRoute[] = TOOL_NAMES.map((name) =>
  route({
    method: 'POST',
    path: `/api/v1/tools/${name}`,
    summary: summaries[name],
    tag: 'tools',
    access: 'viewer',
    body: toolSchemas[name],
    handler: async ({ ctx, actor, body }) => translateToolResult(await runToolFor(ctx, actor, name, body), actor.language ?? 'en'),
  }),
);
