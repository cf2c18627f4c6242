import { isIP } from 'node:net';
import * as z from 'zod';
import { RECORD_TYPES, type RecordType } from './dns-wire.ts';

// Request bodies of the tools API (spec 4.5-4.10). Timeouts are in SECONDS here, as users type them;
// runTool converts them to the probes' milliseconds.

// Here rather than in api-check.ts, so the routes can hold these schemas without the probes.
export const ASSERTION_OPERATORS = ['equals', 'not_equals', 'contains', 'greater_than', 'less_than', 'exists'] as const;
export type AssertionOperator = (typeof ASSERTION_OPERATORS)[number];

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export const httpUrlSchema = z
  .string()
  .trim()
  .min(1, 'a URL is required')
  .max(2048)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

const HOST_LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/i;

/** A host name or IP literal; a pasted URL is reduced to its host. */
export const hostSchema = z
  .string()
  .trim()
  .min(1, 'a host is required')
  .max(2048)
  .transform((s) => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
      try {
        return new URL(s).hostname.replace(/^\[|\]$/g, '');
      } catch {
        return s;
      }
    }
    return s.replace(/^\[|\]$/g, '');
  })
  .pipe(
    z
      .string()
      .max(253)
      .refine(
        (h) => isIP(h) !== 0 || h.replace(/\.$/, '').split('.').every((l) => HOST_LABEL.test(l)),
        'must be a host name or an IP address',
      ),
  );

export const domainNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'a domain is required')
  .max(253)
  .refine((d) => d.replace(/\.$/, '').split('.').every((l) => HOST_LABEL.test(l)), 'must be a domain name');

const portSchema = z.coerce.number().int().min(1).max(65535);

const headersSchema = z
  .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9a-z-]+$/i, 'invalid header name'), z.string().max(8192).regex(/^[^\r\n]*$/, 'header values cannot contain line breaks'))
  .refine((h) => Object.keys(h).length <= 50, 'at most 50 headers');

/**
 * The longest timeout a tool takes, in seconds. A tool answers synchronously, and on AWS the API waits
 * for the tools function within API Gateway's 29 s (lib/api.ts TOOLS_TIMEOUT_SECONDS is 25).
 */
export const TOOL_TIMEOUT_MAX_SECONDS = 20;
/** Seconds for TCP/UDP tools (the spec's 1-30 s, capped as above). */
const socketTimeout = z.coerce.number().min(1).max(TOOL_TIMEOUT_MAX_SECONDS);
/** Seconds for HTTP-based tools. */
const httpTimeout = z.coerce.number().min(1).max(TOOL_TIMEOUT_MAX_SECONDS);

export const httpToolSchema = z.object({
  url: httpUrlSchema,
  method: z.enum(HTTP_METHODS).default('GET'),
  headers: headersSchema.optional(),
  timeout: httpTimeout.default(10),
});

export const tcpToolSchema = z.object({
  host: hostSchema,
  port: portSchema,
  timeout: socketTimeout.default(5),
});

export const udpToolSchema = tcpToolSchema.extend({
  timeout: socketTimeout.default(3),
  payload: z.string().max(1024).optional(),
});

export const dnsRecordTypeSchema = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
  z.enum(Object.keys(RECORD_TYPES) as [RecordType, ...RecordType[]]),
);

export const dnsToolSchema = z.object({
  domain: domainNameSchema,
  record_type: dnsRecordTypeSchema.default('A'),
});

export const contentToolSchema = z.object({
  url: httpUrlSchema,
  expected_content: z.string().min(1, 'expected content is required').max(1000),
  timeout: httpTimeout.default(10),
});

export const securityHeadersToolSchema = z.object({ url: httpUrlSchema });

export const sslToolSchema = z.object({
  host: hostSchema,
  port: portSchema.default(443),
});

export const domainToolSchema = z.object({
  domain: z.string().trim().min(1, 'a domain is required').max(2048),
});

export const assertionSchema = z.object({
  path: z.string().trim().min(1).max(200),
  operator: z.enum(ASSERTION_OPERATORS),
  value: z.unknown().optional(),
});

export const apiToolSchema = z.object({
  url: httpUrlSchema,
  method: z.enum(HTTP_METHODS),
  headers: headersSchema.optional(),
  /** A string is sent as is; any other JSON value is sent as JSON. */
  body: z.union([z.string().max(100_000), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  timeout: httpTimeout.default(10),
  expected_status: z.coerce.number().int().min(100).max(599).optional(),
  assertions: z.array(assertionSchema).max(50).optional(),
});

export const toolSchemas = {
  http: httpToolSchema,
  tcp: tcpToolSchema,
  udp: udpToolSchema,
  dns: dnsToolSchema,
  content: contentToolSchema,
  'security-headers': securityHeadersToolSchema,
  api: apiToolSchema,
  ssl: sslToolSchema,
  domain: domainToolSchema,
} as const;

export type ToolName = keyof typeof toolSchemas;
export const TOOL_NAMES = Object.keys(toolSchemas) as ToolName[];
export type ToolInput<N extends ToolName> = z.input<(typeof toolSchemas)[N]>;
export type ParsedToolInput<N extends ToolName> = z.output<(typeof toolSchemas)[N]>;

/** A tools request that does not match its schema; `errors` name the field and the reason. */
export class ToolInputError extends Error {
  constructor(
    message: string,
    readonly errors: { field: string; message: string }[],
  ) {
    super(message);
    this.name = 'ToolInputError';
  }
}
