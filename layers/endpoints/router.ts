import middy from '@middy/core';
import { clientIp } from './client-ip.ts';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import type { ZodType } from 'zod';
import { DomainError, forbidden, type FieldError } from '../errors.ts';
import { authenticate } from '../services/auth.ts';
import { assertCanModifyProject } from '../services/access.ts';
import type { Role } from '../model/user.ts';
import { hasRole, type Actor, type ServiceContext } from '../services/context.ts';
import { bearerToken, bufferStream, errorResponse, parseBody, parseQuery, toResponse, type HttpEvent, type HttpResponse } from './http.ts';
import { languageOfHeader, translateErrorMessages } from '../i18n.ts';
import { findUnknownFields } from './unknown-fields.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Access = 'public' | Role;

export interface Request<A extends Access, P, Q, B> {
  ctx: ServiceContext;
  actor: A extends 'public' ? Actor | null : Actor;
  params: P;
  query: Q;
  body: B;
  event: HttpEvent;
  ip: string;
}

export interface RouteSpec<A extends Access, P extends ZodType, Q extends ZodType, B extends ZodType> {
  method: Method;
  /** OpenAPI-style template, e.g. `/api/v1/projects/{id}`. */
  path: string;
  summary: string;
  tag: string;
  /** The least role allowed; `public` needs no token. */
  access: A;
  /** Below manager, the caller must own the project named by the `id` path parameter. */
  owner?: 'project';
  params?: P;
  query?: Q;
  body?: B;
  /**
   * The handler reads the body itself (from `event`): these content types, up to this size. `body`
   * then only documents the JSON form.
   */
  rawBody?: { maxBytes: number; types: readonly string[] };
  /** Documents the JSON response (OpenAPI); not enforced at run time. */
  response?: ZodType;
  /** The route may answer 202 with a job (layers/endpoints/routes/jobs.ts) when its work outlasts the wait. */
  accepted?: ZodType;
  /** Content type of a non-JSON response, for the docs. */
  produces?: string;
  status?: number;
  handler: (req: Request<A, z.output<P>, z.output<Q>, z.output<B>>) => Promise<unknown>;
}

export type AnyRoute = RouteSpec<Access, ZodType, ZodType, ZodType>;

/** Declares a route with its types inferred from the schemas. */
export function route<A extends Access, P extends ZodType = z.ZodObject<{}>, Q extends ZodType = z.ZodObject<{}>, B extends ZodType = z.ZodUndefined>(
  spec: RouteSpec<A, P, Q, B>,
): AnyRoute {
  return spec as unknown as AnyRoute;
}

export function fieldErrors(error: z.ZodError, whole: string): FieldError[] {
  return error.issues.map((i) => ({ field: i.path.map(String).join('.') || whole, message: i.message }));
}

/** The path of the first string holding a NUL character: PostgreSQL text and jsonb cannot store one. */
function findNul(root: unknown): string[] | undefined {
  // Iterative with parent links, so a deeply nested body costs linear time and no stack.
  type Step = { key: string; parent: Step | undefined } | undefined;
  const pathOf = (step: Step): string[] => {
    const keys: string[] = [];
    for (let s = step; s; s = s.parent) keys.push(s.key);
    return keys.reverse();
  };
  const stack: [unknown, Step][] = [[root, undefined]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [value, at] = item;
    if (typeof value === 'string') {
      if (value.includes('\0')) return pathOf(at);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, v] of Object.entries(value)) {
        if (key.includes('\0')) return pathOf({ key, parent: at });
        stack.push([v, { key, parent: at }]);
      }
    }
  }
  return undefined;
}

/** A body key the schema does not declare is a 400 naming it, never silently dropped. */
function refuseUnknownFields(schema: ZodType, value: unknown): void {
  const unknown = findUnknownFields(schema, value).map((p) => p.map(String).join('.'));
  if (unknown.length === 0) return;
  throw new DomainError('VALIDATION', `unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
    errors: unknown.map((field) => ({ field, message: 'unknown field' })),
  });
}

function parseWith<T extends ZodType>(schema: T | undefined, value: unknown, where: string): z.output<T> {
  if (!schema) return (where === 'body' ? undefined : {}) as z.output<T>;
  const nul = findNul(value);
  if (nul) {
    const field = nul.join('.') || where;
    throw new DomainError('VALIDATION', `${field}: must not contain NUL characters`, {
      errors: [{ field, message: 'must not contain NUL characters' }],
    });
  }
  if (where === 'body') refuseUnknownFields(schema, value);
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const errors = fieldErrors(r.error, where);
  const first = errors[0];
  const detail = first ? `${first.field}: ${first.message}` : `invalid ${where}`;
  throw new DomainError('VALIDATION', detail, { errors });
}

interface Compiled {
  route: AnyRoute;
  regex: RegExp;
  names: string[];
}

function compile(route: AnyRoute): Compiled {
  const names: string[] = [];
  const pattern = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, regex: new RegExp(`^${pattern}/?$`), names };
}

export interface RouterOptions {
  /** The server writes `stream` bodies as they come (the local server); otherwise they are buffered (Lambda). */
  streaming?: boolean;
}

export class Router {
  private readonly byMethod = new Map<string, Compiled[]>();

  constructor(
    readonly routes: AnyRoute[],
    private readonly options: RouterOptions = {},
  ) {
    for (const r of routes) {
      const list = this.byMethod.get(r.method) ?? [];
      list.push(compile(r));
      this.byMethod.set(r.method, list);
    }
    // Literal segments win over parameters: `/projects/stats` before `/projects/{id}`.
    for (const list of this.byMethod.values()) {
      list.sort((a, b) => a.names.length - b.names.length);
    }
  }

  match(method: string, path: string): { route: AnyRoute; params: Record<string, string> } | undefined {
    const list = this.byMethod.get(method === 'HEAD' ? 'GET' : method);
    if (!list) return undefined;
    for (const c of list) {
      const m = c.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      c.names.forEach((n, i) => {
        try {
          params[n] = decodeURIComponent(m[i + 1] ?? '');
        } catch {
          throw new DomainError('VALIDATION', `${n}: malformed percent-encoding`, {
            errors: [{ field: n, message: 'malformed percent-encoding' }],
          });
        }
      });
      return { route: c.route, params };
    }
    return undefined;
  }

  async handle(ctx: ServiceContext, event: HttpEvent): Promise<HttpResponse> {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath;
    let actor: Actor | null = null;
    try {
      const found = this.match(method, path);
      if (!found) throw new DomainError('NOT_FOUND', `no route for ${method} ${path}`);
      const { route } = found;
      const token = bearerToken(event);
      if (route.access !== 'public') {
        if (!token) throw new DomainError('UNAUTHORIZED', 'not authenticated');
        actor = await authenticate(ctx, token);
        if (!hasRole(actor, route.access)) throw forbidden();
      } else if (token) {
        actor = await authenticate(ctx, token).catch(() => null);
      }
      const params = parseWith(route.params, found.params, 'path');
      const query = parseWith(route.query, parseQuery(event), 'query');
      if (route.owner === 'project' && actor) {
        await assertCanModifyProject(ctx, actor, Number((params as { id?: unknown }).id));
      }
      const body = route.rawBody ? undefined : parseWith(route.body, route.body ? parseBody(event) : undefined, 'body');
      const result = await route.handler({
        ctx,
        actor,
        params,
        query,
        body,
        event,
        ip: clientIp(event, ctx.config),
      });
      // A check's stored error (English, from the probes) in the reader's language.
      let response = toResponse(actor?.language ? translateErrorMessages(result, actor.language) : result, route.status ?? 200);
      if (method === 'HEAD') {
        delete response.stream;
        response.body = '';
      }
      if (response.stream && !this.options.streaming) response = await bufferStream(response);
      return response;
    } catch (err) {
      // Messages in the user's language setting, or the Accept-Language of a request without a session.
      const lang = actor?.language ?? languageOfHeader(event.headers['accept-language']);
      return errorResponse(err, ctx.log, event.requestContext.requestId, lang);
    }
  }
}

/** An HTTP API Lambda handler over some routes, for any context. The onError hook is the last line. */
export function createHttpHandler(getContext: () => Promise<ServiceContext>, routes: AnyRoute[], options: RouterOptions = {}) {
  const router = new Router(routes, options);
  return middy<HttpEvent, HttpResponse, Error, Context>()
    .use({
      onError: async (request) => {
        request.response = errorResponse(request.error);
      },
    })
    .handler(async (event) => router.handle(await getContext(), event));
}
