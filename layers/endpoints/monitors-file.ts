import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, stringify, type Document, type Node } from 'yaml';
import * as z from 'zod';
import { DomainError, type FieldError } from '../errors.ts';
import type { MonitorsDocument, ValueRef } from '../services/monitors-file.ts';
import { channels as providers } from '../services/notifications/channels/index.ts';
import { syntheticTestBody } from './schemas/browser.ts';
import { channelBody } from './schemas/notification-channels.ts';
import { maintenanceBody, monitoringSettingsBody, projectCreateBody, projectKey } from './schemas/projects.ts';
import { findUnknownFields } from './unknown-fields.ts';

// The monitors file (issue 15, monitors as code): YAML read with source positions, `${env:NAME}`
// references resolved, and validated with the API's own schemas, so a bad file is refused with the
// file, line and field; and the document written back as YAML, without the fields at their defaults.

const channelName = channelBody.shape.name;

const monitoringEntry = monitoringSettingsBody.omit({ check_interval: true, channel_ids: true }).extend({
  channels: z
    .array(channelName)
    .max(50, 'at most 50 channels')
    .refine((names) => new Set(names).size === names.length, 'must not repeat a channel')
    .default([]),
});

const maintenanceEntry = z
  .object({ message: maintenanceBody.shape.maintenance_message, ends_at: maintenanceBody.shape.maintenance_ends_at })
  .transform((m) => ({ message: m.message ?? null, ends_at: m.ends_at ?? null }));

const projectEntry = projectCreateBody.extend({
  key: projectKey,
  monitoring: monitoringEntry.prefault({}),
  maintenance: maintenanceEntry.nullable().default(null),
  journeys: z.array(syntheticTestBody).max(50, 'at most 50 journeys').default([]),
});

/** A monitors file: the API's schemas of channels, projects, monitoring settings, journeys and maintenance. */
export const monitorsDocumentSchema = z.object({
  version: z.literal(1, 'must be 1'),
  channels: z.array(channelBody).max(1000).default([]),
  projects: z.array(projectEntry).max(10_000).default([]),
}) satisfies z.ZodType<MonitorsDocument, unknown>;

export interface FileProblem {
  line: number;
  column: number;
  field: string;
  message: string;
}

/** A file that cannot be applied: every problem with its line and field. */
export class MonitorsFileError extends Error {
  constructor(
    readonly fileName: string,
    readonly problems: FileProblem[],
  ) {
    super(problems.map((p) => `${fileName}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ''}${p.message}`).join('\n'));
    this.name = 'MonitorsFileError';
  }

  /** The API's form: 400 with each problem's line and field. */
  toDomainError(): DomainError {
    const first = this.problems[0];
    return new DomainError('VALIDATION', first ? this.message.split('\n')[0]! : 'invalid file', {
      errors: this.problems.map((p) => ({ field: p.field || 'document', message: `line ${p.line}, column ${p.column}: ${p.message}` })),
    });
  }
}

export interface ParsedMonitorsFile {
  document: MonitorsDocument;
  refs: ValueRef[];
  /** Where a field (`projects.3.url`) is in the file. */
  locate(field: string): { line: number; column: number };
  /** A service's validation error, with each field's place in the file. */
  fileError(err: DomainError): MonitorsFileError;
}

const ENV_REF = /\$\{env:([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Path = (string | number)[];

/** The node at a path, or the deepest one on the way there. */
function nodeAt(doc: Document, path: Path): Node | undefined {
  let node: unknown = doc.contents;
  let found: Node | undefined = doc.contents ?? undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (!node) break;
    } else break;
    found = node as Node;
  }
  return found;
}

const fieldPath = (field: string): Path => (field ? field.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)) : []);

/**
 * Reads a monitors file. `${env:NAME}` in a string takes NAME's value from `variables` (the CLI's
 * environment, or the variables an API request sends); an unset one is an error at its line.
 */
export function parseMonitorsFile(text: string, opts: { fileName: string; variables: (name: string) => string | undefined }): ParsedMonitorsFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.2', schema: 'core' });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const locate = (field: string) => position(nodeAt(doc, fieldPath(field))?.range?.[0] ?? 0);
  const fail = (problems: FileProblem[]) => new MonitorsFileError(opts.fileName, problems);
  if (doc.errors.length > 0) {
    throw fail(doc.errors.map((e) => ({ ...position(e.pos[0]), field: '', message: e.message.split('\n')[0]! })));
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw fail([{ line: 1, column: 1, field: '', message: err instanceof Error ? err.message : String(err) }]);
  }
  const problems: FileProblem[] = [];
  const problem = (path: Path, message: string) => problems.push({ ...locate(path.join('.')), field: path.join('.'), message });

  // References first: what the schemas check is the value the installation will hold.
  const refs: ValueRef[] = [];
  const resolve = (v: unknown, path: Path): unknown => {
    if (typeof v === 'string') {
      if (!v.includes('${env:')) return v;
      const out = v.replace(ENV_REF, (whole, name: string) => {
        if (!ENV_NAME.test(name)) {
          problem(path, `"${whole}" is not a reference to an environment variable (\${env:NAME}, NAME of letters, digits and _)`);
          return whole;
        }
        const value = opts.variables(name);
        if (value === undefined) {
          problem(path, `environment variable ${name} is not set`);
          return whole;
        }
        return value;
      });
      refs.push({ path, template: v });
      return out;
    }
    if (Array.isArray(v)) return v.map((x, i) => resolve(x, [...path, i]));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, [...path, k])]));
    return v;
  };
  const resolved = resolve(raw, []);
  for (const path of findUnknownFields(monitorsDocumentSchema, resolved)) problem(path, 'unknown field');
  const parsed = monitorsDocumentSchema.safeParse(resolved);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      if (issue.code === 'unrecognized_keys') for (const k of issue.keys) problem([...path, k], 'unknown field');
      else problem(path, issue.message);
    }
  }
  if (problems.length > 0 || !parsed.success) {
    problems.sort((a, b) => a.line - b.line || a.column - b.column);
    throw fail(problems);
  }
  return {
    document: parsed.data,
    refs,
    locate,
    fileError: (err) =>
      fail((err.errors.length > 0 ? err.errors : [{ field: '', message: err.message }]).map((e) => ({ ...locate(e.field), field: e.field, message: e.message }))),
  };
}

// ---- writing ----

const defaults = {
  project: projectCreateBody.parse({ title: 'x', url: 'https://example.com/' }) as Record<string, unknown>,
  monitoring: monitoringEntry.parse({}) as Record<string, unknown>,
  channel: channelBody.parse({ name: 'x', type: 'email', settings: {} }) as Record<string, unknown>,
  journey: syntheticTestBody.parse({ name: 'x', steps: [{ action: 'screenshot' }] }) as Record<string, unknown>,
};
const journeySettingsDefaults = defaults.journey['settings'] as Record<string, unknown>;

const equal = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The database keeps JSON objects with its own key order: written back, keys follow the schema
 * (`first`), then the rest sorted, so an export reads like the file and never reorders itself.
 */
function ordered<T>(value: T, first: readonly string[] = []): T {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const rank = (k: string) => (first.includes(k) ? first.indexOf(k) : first.length);
  entries.sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries) as T;
}

const shapeKeys = (schema: z.ZodType): string[] => (schema instanceof z.ZodObject ? Object.keys(schema.shape) : []);

/** The defaults an object schema fills in (a provider's `events_url`), which a file need not say. */
function schemaDefaults(schema: z.ZodType): Record<string, unknown> {
  if (!(schema instanceof z.ZodObject)) return {};
  const out: Record<string, unknown> = {};
  for (const [k, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const r = field.safeParse(undefined);
    if (r.success && r.data !== undefined) out[k] = r.data;
  }
  return out;
}
const stepKeys = ['action', 'selector', 'value', 'description'];

/** The fields whose value is not their default, in the order given. */
function withoutDefaultValues(value: Record<string, unknown>, fallback: Record<string, unknown>, keep: string[] = []): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k, v]) => keep.includes(k) || !(k in fallback) || !equal(v, fallback[k])));
}

/** The document as YAML: fields at their defaults left out, so a file says only what it means. */
export function renderMonitorsFile(doc: MonitorsDocument): string {
  const out: Record<string, unknown> = { version: doc.version };
  if (doc.channels.length > 0) {
    out['channels'] = doc.channels.map((c) => {
      const provider = Object.hasOwn(providers, c.type) ? providers[c.type] : undefined;
      const settings = withoutDefaultValues(ordered(c.settings, provider ? shapeKeys(provider.settings) : []), provider ? schemaDefaults(provider.settings) : {});
      return withoutDefaultValues({ ...c, settings }, defaults.channel, ['name', 'type', 'settings']);
    });
  }
  if (doc.projects.length > 0) {
    out['projects'] = doc.projects.map((p) => {
      const { key, monitoring, maintenance, journeys, ...fields } = p;
      const entry: Record<string, unknown> = { key, ...withoutDefaultValues({ ...fields, custom_headers: ordered(fields.custom_headers) }, defaults.project, ['title', 'url']) };
      const settings = withoutDefaultValues({ ...monitoring }, defaults.monitoring);
      if (Object.keys(settings).length > 0) entry['monitoring'] = settings;
      if (maintenance) {
        entry['maintenance'] = withoutDefaultValues(
          { message: maintenance.message, ends_at: maintenance.ends_at?.toISOString() ?? null },
          { message: null, ends_at: null },
        );
      }
      if (journeys.length > 0) {
        entry['journeys'] = journeys.map((j) => {
          const steps = j.steps.map((s) => ordered(s, stepKeys));
          const journey = withoutDefaultValues({ ...j, steps }, defaults.journey, ['name', 'steps']);
          const settings = withoutDefaultValues(ordered(j.settings, Object.keys(journeySettingsDefaults)), journeySettingsDefaults);
          if (Object.keys(settings).length > 0) journey['settings'] = settings;
          else delete journey['settings'];
          return journey;
        });
      }
      return entry;
    });
  }
  return stringify(out, { lineWidth: 0, version: '1.2' });
}

/**
 * Checks a document built in code (an importer's) with the file's schemas: the document as the
 * reconcile takes it, or every problem by field (`projects.3.url`).
 */
export function validateMonitorsDocument(raw: unknown): { document: MonitorsDocument } | { errors: FieldError[] } {
  const unknownFields = findUnknownFields(monitorsDocumentSchema, raw);
  if (unknownFields.length > 0) return { errors: unknownFields.map((p) => ({ field: p.map(String).join('.'), message: 'unknown field' })) };
  const parsed = monitorsDocumentSchema.safeParse(raw);
  if (parsed.success) return { document: parsed.data };
  return { errors: parsed.error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message })) };
}
