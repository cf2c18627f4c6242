import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../layers/errors.ts';
import { Reply, bearerToken, errorResponse, parseBody, parseQuery, toResponse, type HttpEvent } from '../../../layers/endpoints/http.ts';

// The HTTP edge in isolation: bodies by content type, query strings, bearer tokens, responses.

const ev = (o: Partial<HttpEvent> & { type?: string }): HttpEvent =>
  ({ headers: o.type ? { 'content-type': o.type } : {}, rawQueryString: '', isBase64Encoded: false, ...o }) as HttpEvent;

describe('request bodies', () => {
  it('reads the OAuth2 form, also base64-encoded as API Gateway delivers it', () => {
    const text = 'username=a%40example.com&password=p%26w';
    expect(parseBody(ev({ type: 'application/x-www-form-urlencoded; charset=utf-8', body: text }))).toEqual({ username: 'a@example.com', password: 'p&w' });
    expect(parseBody(ev({ type: 'application/x-www-form-urlencoded', body: Buffer.from(text).toString('base64'), isBase64Encoded: true }))).toEqual({ username: 'a@example.com', password: 'p&w' });
  });

  it('reads JSON, and no body as undefined', () => {
    expect(parseBody(ev({ type: 'application/json', body: '{"a":[1]}' }))).toEqual({ a: [1] });
    expect(parseBody(ev({ type: 'application/json' }))).toBeUndefined();
    expect(parseBody(ev({ type: 'application/json', body: '  ' }))).toBeUndefined();
  });

  it('turns malformed JSON into a VALIDATION error naming the body', () => {
    let caught: unknown;
    try {
      parseBody(ev({ type: 'application/json', body: '{"a":' }));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).errors).toEqual([{ field: 'body', message: 'malformed JSON' }]);
  });
});

describe('query strings and tokens', () => {
  it('keeps the first value of a repeated query parameter', () => {
    expect(parseQuery(ev({ rawQueryString: 'a=1&b=x%20y&a=2' }))).toEqual({ a: '1', b: 'x y' });
  });

  it('reads a Bearer token in any letter case and ignores other schemes', () => {
    expect(bearerToken(ev({ headers: { authorization: 'bearer abc.def' } }))).toBe('abc.def');
    expect(bearerToken(ev({ headers: { authorization: 'Basic abc' } }))).toBeUndefined();
    expect(bearerToken(ev({ headers: {} }))).toBeUndefined();
  });
});

describe('responses', () => {
  it('maps every domain error code to the status of the appendix', () => {
    const statuses = (['VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'INTERNAL'] as const).map(
      (code) => errorResponse(new DomainError(code, 'x')).statusCode,
    );
    expect(statuses).toEqual([400, 401, 403, 404, 409, 429, 500]);
  });

  it('hides anything that is not a domain error behind a generic 500', () => {
    const res = errorResponse(Object.assign(new Error('relation "users" does not exist'), { stack: 'Error\n    at x (/srv/a.ts:1:1)' }));
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/users|\/srv|at x/);
  });

  it('encodes a binary reply in base64 and JSON with its status', () => {
    const bin = toResponse(new Reply(200, new Uint8Array([0, 255, 1]), { 'content-type': 'image/png' }), 200);
    expect(bin.isBase64Encoded).toBe(true);
    expect(Buffer.from(bin.body!, 'base64')).toEqual(Buffer.from([0, 255, 1]));
    expect(toResponse({ a: 1 }, 201)).toMatchObject({ statusCode: 201, body: '{"a":1}' });
    expect(toResponse(undefined, 200).statusCode).toBe(204);
  });
});
