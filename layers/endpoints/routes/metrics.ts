import { DomainError } from '../../errors.ts';
import { authorizeScrape, METRICS_CONTENT_TYPE, renderMetrics } from '../../services/metrics.ts';
import { errorResponse, Reply } from '../http.ts';
import { route } from '../router.ts';

// Prometheus scrapes this with the bearer token or basic-auth pair of the METRICS_* settings, not a
// user's session; with neither configured it does not exist (404).
export const metricsRoutes = [
  route({
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics (text format 0.0.4): every project, and this process. Needs METRICS_BEARER_TOKEN or METRICS_BASIC_AUTH_*; off (404) without',
    tag: 'meta',
    access: 'public',
    produces: METRICS_CONTENT_TYPE,
    handler: async ({ ctx, event }) => {
      try {
        authorizeScrape(ctx.config, event.headers['authorization']);
      } catch (err) {
        if (!(err instanceof DomainError && err.code === 'UNAUTHORIZED')) throw err;
        const refused = errorResponse(err);
        return new Reply(401, refused.body ?? '', { ...refused.headers, 'www-authenticate': 'Bearer realm="metrics", Basic realm="metrics"' });
      }
      return new Reply(200, await renderMetrics(ctx), { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' });
    },
  }),
];
