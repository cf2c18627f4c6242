import { toolSchemas, TOOL_NAMES } from '../../checks/schemas.ts';
import { runToolFor } from '../../services/tools.ts';
import { translateMessage } from '../messages.ts';
import { route, type AnyRoute } from '../router.ts';

/**
 * The tools' findings and error messages in the reader's language (their `message`, `error_message` and
 * `error` strings); the probed site's own data (headers, bodies, records) stays as it came.
 */
export function translateToolResult(result: unknown, lang: 'ko' | 'en'): unknown {
  if (lang === 'en') return result;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object' || v instanceof Date) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      out[k] = typeof x === 'string' && (k === 'message' || k === 'error_message' || k === 'error') ? translateMessage(x, lang) : k === 'response_headers' || k === 'body' || k === 'records' || k === 'answers' ? x : walk(x);
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
