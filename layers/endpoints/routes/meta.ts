import * as z from 'zod';
import { checkHealth } from '../../services/system.ts';
import { Reply } from '../http.ts';
import { buildOpenApi } from '../openapi.ts';
import { docsPage } from '../docs-page.ts';
import { route, type AnyRoute } from '../router.ts';

export const API_VERSION = '0.1.0';

/** Routes that describe the API itself; they need the full route list. */
export function metaRoutes(all: () => AnyRoute[]): AnyRoute[] {
  let cached: string | undefined;
  return [
    route({
      method: 'GET',
      path: '/api/v1/openapi.json',
      summary: 'This API as OpenAPI 3.1',
      tag: 'meta',
      access: 'public',
      produces: 'application/json',
      handler: async () => {
        cached ??= JSON.stringify(buildOpenApi(all(), API_VERSION));
        return new Reply(200, cached, { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' });
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/docs',
      summary: 'Browsable API documentation',
      tag: 'meta',
      access: 'public',
      produces: 'text/html',
      handler: async () => new Reply(200, docsPage, { 'content-type': 'text/html; charset=utf-8' }),
    }),
    route({
      method: 'GET',
      path: '/api/v1/health',
      summary: 'Liveness and database reachability',
      tag: 'meta',
      access: 'public',
      response: z.object({ status: z.literal('ok'), version: z.string() }),
      handler: async ({ ctx }) => {
        await checkHealth(ctx);
        return { status: 'ok' as const, version: API_VERSION };
      },
    }),
  ];
}
