import { toolSchemas, TOOL_NAMES } from '../../checks/schemas.ts';
import { runToolFor } from '../../services/tools.ts';
import type { ServiceContext } from '../../services/context.ts';
import { createHttpHandler, route, type AnyRoute } from '../router.ts';

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

/** The tools page's probes. They need only the token (on AWS they run outside the VPC). */
export const toolRoutes: AnyRoute[] = TOOL_NAMES.map((name) =>
  route({
    method: 'POST',
    path: `/api/v1/tools/${name}`,
    summary: summaries[name],
    tag: 'tools',
    access: 'viewer',
    tokenOnly: true,
    body: toolSchemas[name],
    handler: ({ ctx, actor, body }) => runToolFor(ctx, actor, name, body),
  }),
);

/**
 * The tools function's handler: API Gateway sends it /api/v1/tools/* only, so it routes these alone
 * (the same route objects as the full API's) and its bundle holds none of the other routes.
 */
export function createToolsHandler(getContext: () => Promise<ServiceContext>) {
  return createHttpHandler(getContext, toolRoutes);
}
