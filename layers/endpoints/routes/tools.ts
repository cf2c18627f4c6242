import { toolSchemas, TOOL_NAMES } from '../../checks/schemas.ts';
import { runToolFor } from '../../services/tools.ts';
import type { Language } from '../../model/user.ts';
import { renderMessage, translateMessage } from '../messages.ts';
import { route, type AnyRoute } from '../router.ts';

/** Keys of a tool result that hold a probe's words (texts.ts), not the probed site's data. */
const MESSAGE_KEYS = new Set(['message', 'error_message', 'error', 'warning_message', 'invalid_reason']);
/** The probed site's own data (response headers, bodies, DNS records): kept as it came. */
const SITE_DATA = new Set(['response_headers', 'body', 'response_body', 'records', 'answers', 'value', 'expected', 'actual', 'params']);

/**
 * The tools' findings and error messages in the reader's language. A finding with a `code` is written
 * from the catalog (`api.finding.<code>` filled from its `params`); other messages (`error_message`,
 * assertion and SSL messages) are matched against the English `api.` templates and filled in.
 */
export function translateToolResult(result: unknown, lang: Language): unknown {
  if (lang === 'en') return result;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object' || v instanceof Date) return v;
    const o = v as Record<string, unknown>;
    const rendered =
      typeof o['code'] === 'string' && typeof o['message'] === 'string' && typeof o['params'] === 'object' && o['params'] !== null
        ? renderMessage(`api.finding.${o['code']}`, o['params'] as Record<string, unknown>, lang)
        : undefined;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      if (k === 'message' && rendered !== undefined) out[k] = rendered;
      else if (typeof x === 'string') out[k] = MESSAGE_KEYS.has(k) ? translateMessage(x, lang) : x;
      // An HTTP result's `headers` are the site's; a security-headers result's are evaluations (objects).
      else if (SITE_DATA.has(k) || (k === 'headers' && Object.values(x ?? {}).some((h) => typeof h !== 'object'))) out[k] = x;
      else out[k] = walk(x);
    }
    return out;
  };
  return walk(result);
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
