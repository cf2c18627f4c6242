import * as z from 'zod';
import type { ZodType } from 'zod';
import type { AnyRoute } from './router.ts';
import { MAX_BODY_BYTES } from './http.ts';
import { errorBodySchema } from './schemas/common.ts';

type Json = Record<string, unknown>;

const toSchema = (s: ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  return rest;
};

function parameters(schema: ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const js = toSchema(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (js.required ?? []).includes(name),
    schema: s,
    ...(typeof s['description'] === 'string' ? { description: s['description'] } : {}),
  }));
}

const errorRef = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorRef } } });

/** OpenAPI 3.1 document generated from the route declarations and their zod schemas. */
export function buildOpenApi(routes: AnyRoute[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const op: Json = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${r.path.replace(/[{}]/g, '').replace(/\/(\w)/g, (_m, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`,
      'x-required-role': r.access,
      ...(r.owner ? { 'x-ownership': 'below manager, only the project owner' } : {}),
    };
    const params = [...parameters(r.params, 'path'), ...parameters(r.query, 'query')];
    if (params.length) op['parameters'] = params;
    if (r.body) {
      const content: Json = { 'application/json': { schema: toSchema(r.body, 'input') } };
      if (r.path.endsWith('/auth/login')) {
        content['application/x-www-form-urlencoded'] = {
          schema: { type: 'object', properties: { username: { type: 'string' }, password: { type: 'string' } }, required: ['username', 'password'] },
        };
      }
      if (r.rawBody) {
        for (const t of r.rawBody.types) if (t !== 'application/json') content[t] = { schema: { type: 'string' } };
      }
      op['requestBody'] = { required: true, content };
      op['x-max-body-bytes'] = r.rawBody?.maxBytes ?? MAX_BODY_BYTES;
    }
    const ok = String(r.status ?? 200);
    const responses: Json = {
      [ok]: r.produces
        ? { description: 'OK', content: { [r.produces]: {} } }
        : r.response
          ? { description: 'OK', content: { 'application/json': { schema: toSchema(r.response, 'output') } } }
          : { description: 'No content' },
      '400': errorResponse('Invalid input: the field and the reason are in `errors`'),
    };
    if (r.method === 'DELETE' && !r.response) {
      delete responses[ok];
      responses['204'] = { description: 'Deleted' };
    }
    if (r.access !== 'public') {
      op['security'] = [{ bearerAuth: [] }];
      responses['401'] = errorResponse('Missing, invalid or expired token');
      responses['403'] = errorResponse('The role (or ownership) does not allow this');
    }
    if (r.params) responses['404'] = errorResponse('Not found');
    if (r.body) responses['413'] = errorResponse(r.rawBody ? `Request body larger than the limit (${r.rawBody.maxBytes} bytes)` : 'Request body larger than the limit (1 MiB)');
    responses['429'] = errorResponse('Too many requests (see Retry-After)');
    op['responses'] = responses;
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Py_Monitor API',
      version,
      description: 'Uptime and website-health monitoring. Errors share one body: {detail, code, errors: [{field, message}]}.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: toSchema(errorBodySchema, 'output') },
    },
  };
}
