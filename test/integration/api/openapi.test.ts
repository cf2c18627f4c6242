import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../layers/endpoints/routes/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';

// The API describes itself: OpenAPI 3.1 generated from the route table, and a self-contained docs page.

type Operation = {
  operationId: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  'x-required-role': string;
};

let app: TestApp;
let doc: { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };

beforeAll(async () => {
  app = await startTestApp();
  const res = await app.request('GET', '/api/v1/openapi.json');
  if (res.status !== 200) throw new Error(`openapi.json: ${res.status}`);
  doc = res.body;
});
afterAll(async () => app?.close());

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, op })));

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document served as JSON without a token', async () => {
    const res = await app.request('GET', '/api/v1/openapi.json');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  it('lists exactly the routes of the router', () => {
    const routes = apiRoutes().map((r) => `${r.method} ${r.path}`).sort();
    expect(operations().map((o) => o.key).sort()).toEqual(routes);
  });

  it('requires the bearer scheme on every non-public route and on no public one', () => {
    expect(doc.components.securitySchemes['bearerAuth']).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    const access = new Map(apiRoutes().map((r) => [`${r.method} ${r.path}`, r.access]));
    for (const { key, op } of operations()) {
      if (access.get(key) === 'public') expect(op.security, key).toBeUndefined();
      else {
        expect(op.security, key).toEqual([{ bearerAuth: [] }]);
        expect(Object.keys(op.responses), key).toEqual(expect.arrayContaining(['401', '403']));
      }
      expect(op['x-required-role'], key).toBe(access.get(key));
    }
  });

  it('declares every path parameter, every request body, and unique operation ids', () => {
    const ids = operations().map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const bodies = new Set(apiRoutes().filter((r) => r.body || r.rawBody).map((r) => `${r.method} ${r.path}`));
    for (const { key, path, op } of operations()) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name), key).toEqual(names);
      expect(declared.every((p) => p.required), key).toBe(true);
      expect(op.requestBody !== undefined, key).toBe(bodies.has(key));
    }
  });

  it('documents an upload by its content type, as binary', () => {
    const kuma = doc.paths['/api/v1/admin/import/kuma']!['post']!;
    expect((kuma.requestBody as { content: object }).content).toEqual({ 'application/octet-stream': { schema: { type: 'string', format: 'binary', maxLength: 100 * 1024 * 1024 } } });
  });

  it('documents the login form of the OAuth2 password flow', () => {
    const login = doc.paths['/api/v1/auth/login']!['post']!;
    expect(Object.keys((login.requestBody as { content: object }).content)).toEqual(['application/json', 'application/x-www-form-urlencoded']);
  });
});

describe('GET /api/v1/docs', () => {
  it('returns an HTML page that loads openapi.json and references no other host', async () => {
    const res = await app.request('GET', '/api/v1/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('/api/v1/openapi.json');
    const refs = [...res.text.matchAll(/(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]!);
    expect(refs.filter((r) => /^(https?:)?\/\//i.test(r))).toEqual([]);
    expect(res.text).not.toMatch(/(?:import|fetch|url)\s*\(\s*["'`](?:https?:)?\/\//i);
  });
});
