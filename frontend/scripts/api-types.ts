// Writes frontend/js/types/api.d.ts from the API's OpenAPI document (itself generated from the zod
// schemas), so the pages are type-checked against the API they call. Run: npm run api-types
// A test checks that the committed file is what this makes from today's /api/v1/openapi.json.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  description?: string;
};
type Parameter = { name: string; in: string; required?: boolean; schema?: Schema; description?: string };
type Operation = {
  summary?: string;
  'x-required-role'?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
};
export type OpenApiDocument = {
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

export const apiTypesFile = fileURLToPath(new URL('../js/types/api.d.ts', import.meta.url));
const PREFIX = '/api/v1';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

const pad = (depth: number) => '  '.repeat(depth);
const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));
const literal = (v: unknown) => JSON.stringify(v);
const comment = (text: string | undefined, depth: number) => (text ? `${pad(depth)}/** ${text.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ')} */\n` : '');

function union(parts: string[]): string {
  const unique = [...new Set(parts)];
  return unique.length === 1 ? unique[0]! : unique.map((p) => (p.includes('=>') ? `(${p})` : p)).join(' | ');
}

/** A TypeScript type for a JSON Schema (the subset z.toJSONSchema emits). */
export function typeOf(s: Schema | boolean | undefined, depth = 0): string {
  if (s === undefined || s === true) return 'unknown';
  if (s === false) return 'never';
  if (s.$ref) {
    const name = s.$ref.replace('#/components/schemas/', '');
    return name === 'Error' ? 'ErrorBody' : name;
  }
  if (s.const !== undefined) return literal(s.const);
  if (s.enum) return union(s.enum.map(literal));
  if (s.anyOf || s.oneOf) return union((s.anyOf ?? s.oneOf)!.map((x) => typeOf(x, depth)));
  if (s.allOf) return s.allOf.map((x) => typeOf(x, depth)).join(' & ');
  if (Array.isArray(s.type)) return union(s.type.map((t) => typeOf({ ...s, type: t }, depth)));
  switch (s.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = typeOf(s.items, depth);
      return /^[\w$]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
    }
    case 'object':
      return objectType(s, depth);
    default:
      return s.properties ? objectType(s, depth) : 'unknown';
  }
}

function objectType(s: Schema, depth: number): string {
  const props = Object.entries(s.properties ?? {});
  const extra = s.additionalProperties;
  if (props.length === 0) return extra === undefined || extra === false ? 'Record<string, never>' : `Record<string, ${typeOf(extra, depth)}>`;
  const required = new Set(s.required ?? []);
  const lines = props.map(([name, p]) => `${comment(p.description, depth + 1)}${pad(depth + 1)}${key(name)}${required.has(name) ? '' : '?'}: ${typeOf(p, depth + 1)};`);
  if (extra && extra !== true) lines.push(`${pad(depth + 1)}[key: string]: ${typeOf(extra, depth + 1)};`);
  return `{\n${lines.join('\n')}\n${pad(depth)}}`;
}

function paramsType(params: Parameter[], where: 'path' | 'query', depth: number): string {
  const list = params.filter((p) => p.in === where);
  if (list.length === 0) return 'never';
  return objectType(
    {
      properties: Object.fromEntries(list.map((p) => [p.name, { ...p.schema, ...(p.description ? { description: p.description } : {}) }])),
      required: list.filter((p) => p.required).map((p) => p.name),
    },
    depth,
  );
}

function operationType(op: Operation, depth: number): string {
  const ok = Object.entries(op.responses ?? {}).find(([status]) => /^2/.test(status));
  const okJson = ok?.[1].content?.['application/json'];
  const response = !ok ? 'unknown' : okJson ? typeOf(okJson.schema, depth + 1) : ok[0] === '204' ? 'void' : 'unknown';
  const body = op.requestBody?.content?.['application/json']?.schema;
  const params = op.parameters ?? [];
  return [
    '{',
    `${pad(depth + 1)}role: ${literal(op['x-required-role'] ?? 'public')};`,
    `${pad(depth + 1)}params: ${paramsType(params, 'path', depth + 1)};`,
    `${pad(depth + 1)}query: ${paramsType(params, 'query', depth + 1)};`,
    `${pad(depth + 1)}body: ${body ? typeOf(body, depth + 1) : 'never'};`,
    `${pad(depth + 1)}response: ${response};`,
    `${pad(depth)}}`,
  ].join('\n');
}

/** The text of api.d.ts for an OpenAPI document. */
export function generateApiTypes(doc: OpenApiDocument): string {
  const out: string[] = [
    `// Generated by frontend/scripts/api-types.ts from ${PREFIX}/openapi.json (${doc.info.title} ${doc.info.version}). Do not edit.`,
    '',
    `/** The error body every route shares. */`,
    `export type ErrorBody = ${typeOf(doc.components?.schemas?.['Error'])};`,
    '',
    `/** Every route under ${PREFIX}, by path template and lower-case method. */`,
    'export interface Paths {',
  ];
  for (const path of Object.keys(doc.paths).sort()) {
    if (!path.startsWith(PREFIX + '/')) continue;
    const ops = doc.paths[path]!;
    out.push(`  ${literal(path.slice(PREFIX.length))}: {`);
    for (const method of METHODS) {
      const op = ops[method];
      if (!op) continue;
      out.push(`${comment(op.summary, 2)}    ${method}: ${operationType(op, 2)};`);
    }
    out.push('  };');
  }
  out.push('}', '');
  return out.join('\n');
}

/** The document a running server serves, or (no URL given) the same document built in-process. */
async function loadDocument(url: string | undefined): Promise<OpenApiDocument> {
  if (url) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return (await res.json()) as OpenApiDocument;
  }
  const { apiRoutes } = await import('../../layers/endpoints/routes/index.ts');
  const { buildOpenApi } = await import('../../layers/endpoints/openapi.ts');
  const { API_VERSION } = await import('../../layers/endpoints/routes/meta.ts');
  return buildOpenApi(apiRoutes(), API_VERSION) as OpenApiDocument;
}

// npm run api-types [-- http://127.0.0.1:8000/api/v1/openapi.json]
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(apiTypesFile, generateApiTypes(await loadDocument(process.argv[2])));
  console.log(`wrote ${apiTypesFile}`);
}
