import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTypesFile, generateApiTypes, typeOf, type OpenApiDocument } from '../../../frontend/scripts/api-types.ts';
import { buildVendorFiles, vendorDir } from '../../../frontend/scripts/vendor.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';

// Files the frontend commits but does not write by hand: they must be what their scripts make today.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
}, 60_000);
afterAll(async () => {
  await app?.close();
});

describe('generated frontend files', () => {
  it('api.d.ts is what `npm run api-types` makes from the served /api/v1/openapi.json', async () => {
    const r = await app.request('GET', '/api/v1/openapi.json');
    expect(r.status).toBe(200);
    const expected = generateApiTypes(r.body as OpenApiDocument);
    expect(expected).toContain('"/projects/{id}": {');
    expect(await readFile(apiTypesFile, 'utf8')).toBe(expected);
  });

  it('frontend/vendor/uplot is what `npm run vendor` makes from the pinned uplot package', async () => {
    for (const [name, content] of await buildVendorFiles()) {
      expect(await readFile(join(vendorDir, name), 'utf8'), name).toBe(content);
    }
  });
});

describe('JSON Schema to TypeScript', () => {
  it('maps the shapes zod emits', () => {
    expect(typeOf({ type: ['string', 'null'] })).toBe('string | null');
    expect(typeOf({ anyOf: [{ type: 'integer' }, { type: 'null' }] })).toBe('number | null');
    expect(typeOf({ type: 'string', enum: ['ko', 'en'] })).toBe('"ko" | "en"');
    expect(typeOf({ const: 'subscribe' })).toBe('"subscribe"');
    expect(typeOf({ type: 'array', items: { type: 'string' } })).toBe('string[]');
    expect(typeOf({ type: 'object', additionalProperties: { type: 'string' } })).toBe('Record<string, string>');
    expect(typeOf({ type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } }, required: ['id'] })).toBe('{\n  id: number;\n  name?: string;\n}');
    expect(typeOf({ $ref: '#/components/schemas/Error' })).toBe('ErrorBody');
    expect(typeOf({})).toBe('unknown');
  });
});
