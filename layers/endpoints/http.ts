import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, type ErrorCode, type FieldError } from '../errors.ts';
import type { Language } from '../model/user.ts';
import type { Logger } from '../platform/ports.ts';
import { translateMessage } from '../i18n.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResponse = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  /** A body produced piece by piece (text, or UTF-8 bytes); only a server that can stream sees it (see Router's `streaming`). */
  stream?: AsyncIterable<string | Uint8Array>;
};

/** A response a route returns when it needs more than JSON with the default status. */
export class Reply {
  constructor(
    readonly statusCode: number,
    readonly body: string | Uint8Array,
    readonly headers: Record<string, string> = {},
  ) {}
  static json(status: number, data: unknown, headers: Record<string, string> = {}) {
    return new Reply(status, JSON.stringify(data), { 'content-type': 'application/json', ...headers });
  }
  static noContent() {
    return new Reply(204, '');
  }
}

/** A response whose body is produced while it is sent (a CSV export of millions of rows). */
export class StreamReply {
  constructor(
    readonly statusCode: number,
    readonly headers: Record<string, string>,
    readonly chunks: AsyncIterable<string | Uint8Array>,
  ) {}
}

/**
 * Where a server cannot stream (Lambda behind API Gateway returns one payload of at most 6 MB), a
 * streamed body is collected up to this many bytes; a larger one is refused with 413.
 */
export const MAX_BUFFERED_STREAM_BYTES = 5 * 1024 * 1024;

/** Collects a streamed response into one body, or a 413 once it passes `limit` bytes (the rest is never produced). */
export async function bufferStream(response: HttpResponse, limit = MAX_BUFFERED_STREAM_BYTES): Promise<HttpResponse> {
  const { stream, ...rest } = response;
  if (!stream) return response;
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    size += bytes.byteLength;
    if (size > limit) {
      throw new DomainError('PAYLOAD_TOO_LARGE', `the response is larger than ${limit / 1024 / 1024} MiB, the most this deployment can send at once; ask for a shorter from/to range`, {
        errors: [{ field: 'from', message: `response larger than ${limit / 1024 / 1024} MiB: ask for a shorter range` }],
      });
    }
    parts.push(bytes);
  }
  return { ...rest, body: Buffer.concat(parts, size).toString('utf8') };
}

const statusOf: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export interface ErrorBody {
  detail: string;
  code: ErrorCode;
  errors: FieldError[];
}

/** Maps any thrown value to the one error body; only domain errors expose their message. */
export function errorResponse(err: unknown, log?: Logger, requestId?: string, lang: Language = 'en'): HttpResponse {
  if (err instanceof DomainError) {
    // The reader's language: the signed-in user's setting, else Accept-Language (the router decides).
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (err.retryAfter !== undefined) headers['retry-after'] = String(err.retryAfter);
    if (err.code === 'UNAUTHORIZED') headers['www-authenticate'] = 'Bearer';
    const body: ErrorBody = {
      detail: translateMessage(err.message, lang),
      code: err.code,
      errors: err.errors.map((e) => ({ field: e.field, message: translateMessage(e.message, lang) })),
    };
    return { statusCode: statusOf[err.code], headers, body: JSON.stringify(body) };
  }
  log?.error('unhandled error', {
    requestId,
    error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
  });
  const body: ErrorBody = { detail: translateMessage('internal server error', lang), code: 'INTERNAL', errors: [] };
  return { statusCode: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function toResponse(result: unknown, defaultStatus: number): HttpResponse {
  if (result instanceof StreamReply) return { statusCode: result.statusCode, headers: result.headers, body: '', stream: result.chunks };
  if (result instanceof Reply) {
    if (typeof result.body === 'string') {
      return { statusCode: result.statusCode, headers: result.headers, body: result.body };
    }
    return {
      statusCode: result.statusCode,
      headers: result.headers,
      body: Buffer.from(result.body).toString('base64'),
      isBase64Encoded: true,
    };
  }
  if (result === undefined) return { statusCode: 204, headers: {}, body: '' };
  return {
    statusCode: defaultStatus,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(result),
  };
}

/** Bodies above this are refused with 413; no route needs more (API Gateway would pass up to 10 MB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The history import takes up to 20 MB (issue 19); on AWS, API Gateway itself stops at 10 MB. */
export const MAX_IMPORT_BODY_BYTES = 20 * 1024 * 1024;

/** An Uptime Kuma database sent to the admin import (issue 15); a larger one goes through the CLI. */
export const MAX_KUMA_UPLOAD_BYTES = 100 * 1024 * 1024;

/** The body limit of a path: an import route's own, else MAX_BODY_BYTES. */
export function bodyLimitFor(path: string): number {
  if (/^\/api\/v1\/projects\/[^/]+\/results\/import\/?$/.test(path)) return MAX_IMPORT_BODY_BYTES;
  if (/^\/api\/v1\/admin\/import\/kuma\/?$/.test(path)) return MAX_KUMA_UPLOAD_BYTES;
  return MAX_BODY_BYTES;
}

const sizeText = (bytes: number) => (bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`);

export const bodyTooLarge = (limit = MAX_BODY_BYTES) =>
  new DomainError('PAYLOAD_TOO_LARGE', `request body larger than ${sizeText(limit)}`, { errors: [{ field: 'body', message: `larger than ${sizeText(limit)}` }] });

export function bodyText(event: HttpEvent): string {
  if (event.body === undefined || event.body === null) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** Parses the request body by content type: JSON, or an urlencoded form (OAuth2 password flow). */
export function parseBody(event: HttpEvent): unknown {
  const text = bodyText(event);
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw bodyTooLarge();
  const type = (event.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DomainError('VALIDATION', 'request body is not valid JSON', {
      errors: [{ field: 'body', message: 'malformed JSON' }],
    });
  }
}

export function parseQuery(event: HttpEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(event.rawQueryString ?? '')) if (!(k in out)) out[k] = v;
  return out;
}

export function bearerToken(event: HttpEvent): string | undefined {
  const h = event.headers['authorization'];
  if (!h) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m?.[1];
}
