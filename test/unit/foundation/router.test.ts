import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../layers/errors.ts';
import type { HttpEvent } from '../../../layers/endpoints/http.ts';
import { Router, route } from '../../../layers/endpoints/router.ts';
import { idParam } from '../../../layers/endpoints/schemas/common.ts';
import type { ServiceContext } from '../../../layers/services/context.ts';

// The router on its own: matching, input parsing into field errors, and the error mapping.
// Only public routes here, so the context needs nothing but a logger (and the config the router reads
// the client address with: no VIEWER_ADDRESS_KEY).

const logged: { msg: string; data: unknown }[] = [];
const ctx = {
  config: {},
  log: { debug() {}, info() {}, warn() {}, error: (msg: string, data: unknown) => logged.push({ msg, data }) },
} as unknown as ServiceContext;

function event(method: string, path: string, opts: { body?: string; query?: string; headers?: Record<string, string> } = {}): HttpEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: opts.query ?? '',
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: opts.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'unit',
      apiId: 'unit',
      domainName: 'unit',
      domainPrefix: 'unit',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'unit' },
      requestId: 'r-1',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
  };
}

const router = new Router([
  route({ method: 'GET', path: '/api/v1/things/{id}', summary: '', tag: 't', access: 'public', params: idParam, handler: async ({ params }) => ({ by: 'id', id: params.id }) }),
  route({ method: 'GET', path: '/api/v1/things/stats', summary: '', tag: 't', access: 'public', handler: async () => ({ by: 'stats' }) }),
  route({
    method: 'POST',
    path: '/api/v1/things',
    summary: '',
    tag: 't',
    access: 'public',
    status: 201,
    query: z.object({ dry: z.enum(['true', 'false']).optional() }),
    body: z.object({ name: z.string().min(1), nested: z.object({ n: z.number() }).optional() }),
    handler: async ({ body, query }) => ({ ...body, dry: query.dry ?? null }),
  }),
  route({ method: 'GET', path: '/api/v1/boom', summary: '', tag: 't', access: 'public', handler: async () => { throw new Error('secret connection string postgres://u:p@h/db'); } }),
  route({ method: 'GET', path: '/api/v1/limited', summary: '', tag: 't', access: 'public', handler: async () => { throw new DomainError('RATE_LIMITED', 'slow down', { retryAfter: 42 }); } }),
  route({ method: 'GET', path: '/api/v1/private', summary: '', tag: 't', access: 'viewer', handler: async () => ({}) }),
]);

describe('route matching', () => {
  it('prefers a literal segment over a parameter', async () => {
    expect(JSON.parse((await router.handle(ctx, event('GET', '/api/v1/things/stats'))).body!)).toEqual({ by: 'stats' });
    expect(JSON.parse((await router.handle(ctx, event('GET', '/api/v1/things/7'))).body!)).toEqual({ by: 'id', id: 7 });
  });

  it('accepts a trailing slash', async () => {
    expect((await router.handle(ctx, event('GET', '/api/v1/things/7/'))).statusCode).toBe(200);
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await router.handle(ctx, event('HEAD', '/api/v1/things/7'));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
  });

  it('answers an unknown path or method with 404 NOT_FOUND', async () => {
    for (const [m, p] of [['GET', '/api/v1/nope'], ['DELETE', '/api/v1/things/7'], ['GET', '/api/v1/things/7/more']] as const) {
      const res = await router.handle(ctx, event(m, p));
      expect(res.statusCode).toBe(404);
      expect(JSON.parse(res.body!).code).toBe('NOT_FOUND');
    }
  });

  it('answers a malformed percent-encoding with 400 naming the parameter', async () => {
    const res = await router.handle(ctx, event('GET', '/api/v1/things/%E0%A4%A'));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!).errors[0].field).toBe('id');
  });

  it('uses the status declared on the route', async () => {
    expect((await router.handle(ctx, event('POST', '/api/v1/things', { body: '{"name":"a"}' }))).statusCode).toBe(201);
  });
});

describe('input parsing', () => {
  const post = async (body: string, query = '') => {
    const res = await router.handle(ctx, event('POST', '/api/v1/things', { body, query }));
    return { status: res.statusCode, body: JSON.parse(res.body!) };
  };

  it('names a nested field by its dotted path', async () => {
    const r = await post('{"name":"a","nested":{"n":"x"}}');
    expect(r.status).toBe(400);
    expect(r.body.errors[0].field).toBe('nested.n');
    expect(r.body.detail).toMatch(/^nested\.n: /);
  });

  it('names the body when it is not an object, and the query parameter when it is wrong', async () => {
    expect((await post('[1]')).body.errors[0].field).toBe('body');
    expect((await post('{"name":"a"}', 'dry=maybe')).body.errors[0].field).toBe('dry');
  });

  it('rejects a NUL character anywhere in the input, naming where', async () => {
    const r = await post(JSON.stringify({ name: 'ok', nested: { 'k\u0000': 1 } }));
    expect(r.status).toBe(400);
    expect(r.body.errors[0].field).toBe('nested.k\u0000');
    expect((await post('{"name":"a\\u0000"}')).body.errors[0].field).toBe('name');
    expect((await post('{"name":"a"}', 'dry=%00')).body.errors[0].field).toBe('dry');
  });

  it('survives a body nested 200,000 levels deep', async () => {
    const r = await post(`{"name":"a","nested":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    expect(r.status).toBe(400);
  });
});

describe('error mapping', () => {
  it('answers an unexpected error with 500 and a generic body, logging the detail instead', async () => {
    logged.length = 0;
    const res = await router.handle(ctx, event('GET', '/api/v1/boom'));
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body!)).toEqual({ detail: 'internal server error', code: 'INTERNAL', errors: [] });
    expect(res.body).not.toContain('postgres://');
    expect(JSON.stringify(logged)).toContain('secret connection string');
  });

  it('sends Retry-After with RATE_LIMITED', async () => {
    const res = await router.handle(ctx, event('GET', '/api/v1/limited'));
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('42');
  });

  it('answers a protected route without a token with 401 and WWW-Authenticate', async () => {
    const res = await router.handle(ctx, event('GET', '/api/v1/private'));
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });
});
