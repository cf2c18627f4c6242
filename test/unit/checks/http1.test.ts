import { describe, expect, it } from 'vitest';
import { HttpProtocolError, HttpRequestError, ResponseParser, serializeRequest, type ResponseHead } from '../../../layers/checks/http1.ts';

interface Parsed {
  head: ResponseHead | null;
  body: string;
  ended: boolean;
  /** What end() said when the connection closed after the last chunk; undefined if not closed. */
  closed?: string | null;
}

/** Feeds the response in the given pieces; `close` simulates the server closing afterwards. */
function parse(pieces: (string | Buffer)[], { head = false, close = false } = {}): Parsed {
  const out: Parsed = { head: null, body: '', ended: false };
  const parser = new ResponseParser(
    {
      onHead: (h) => {
        out.head = h;
      },
      onData: (c) => {
        out.body += c.toString('latin1');
      },
      onEnd: () => {
        out.ended = true;
      },
    },
    head,
  );
  for (const p of pieces) parser.push(typeof p === 'string' ? Buffer.from(p, 'latin1') : p);
  if (close) out.closed = parser.end();
  return out;
}

/** The same response split at every byte boundary, and byte by byte: framing must not depend on packets. */
function everySplit(text: string, opts?: { head?: boolean; close?: boolean }): Parsed[] {
  const results = [parse([text], opts), parse([...text], opts)];
  for (let i = 1; i < text.length; i++) results.push(parse([text.slice(0, i), text.slice(i)], opts));
  return results;
}

describe('HTTP/1.1 response parser', () => {
  it('reads a content-length body, whatever the packet boundaries', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nX-Two: a\r\nX-Two: b\r\n\r\nhello world';
    for (const r of everySplit(text)) {
      expect(r).toEqual({ head: { status: 200, headers: { 'content-type': 'text/plain', 'content-length': '11', 'x-two': 'a, b' } }, body: 'hello world', ended: true });
    }
  });

  it('decodes chunked bodies with extensions and trailers, whatever the packet boundaries', () => {
    const text =
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n' + '5;name=value\r\nhello\r\n' + '1\r\n \r\n' + 'A\r\n0123456789\r\n' + '0\r\nx-trailer: t\r\n\r\n';
    for (const r of everySplit(text)) {
      expect(r.ended).toBe(true);
      expect(r.body).toBe('hello 0123456789');
      expect(r.head?.status).toBe(200);
    }
  });

  it('reads a body delimited by the close, and says so only when the server closes', () => {
    const text = 'HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end';
    expect(parse([text])).toMatchObject({ body: 'until the end', ended: false });
    for (const r of everySplit(text, { close: true })) expect(r).toMatchObject({ body: 'until the end', ended: true, closed: null });
    // HTTP/1.0 without a length, and a transfer coding that is not chunked, are read the same way.
    expect(parse(['HTTP/1.0 200 OK\r\n\r\nold'], { close: true })).toMatchObject({ body: 'old', ended: true, closed: null });
    expect(parse(['HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\nzz'], { close: true })).toMatchObject({ body: 'zz', ended: true });
  });

  it('lets chunked win over content-length', () => {
    const r = parse(['HTTP/1.1 200 OK\r\ncontent-length: 100\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n']);
    expect(r).toMatchObject({ body: 'ok', ended: true });
  });

  it('knows which responses have no body: HEAD, 204, 304 and an empty length', () => {
    expect(parse(['HTTP/1.1 200 OK\r\ncontent-length: 1234\r\n\r\n'], { head: true })).toMatchObject({ body: '', ended: true });
    expect(parse(['HTTP/1.1 204 No Content\r\n\r\n'])).toMatchObject({ body: '', ended: true });
    expect(parse(['HTTP/1.1 304 Not Modified\r\ncontent-length: 50\r\n\r\n'])).toMatchObject({ body: '', ended: true });
    expect(parse(['HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'])).toMatchObject({ body: '', ended: true });
  });

  it('skips interim responses and reports the final one', () => {
    const text = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok';
    for (const r of everySplit(text)) expect(r).toMatchObject({ head: { status: 201, headers: { 'content-length': '2' } }, body: 'ok', ended: true });
  });

  it('accepts bare LF line ends, a status line without a reason and folded header lines', () => {
    const r = parse(['HTTP/1.1 200\nx-folded: one\n  two\nContent-Length: 2\n\nok']);
    expect(r).toMatchObject({ head: { status: 200, headers: { 'x-folded': 'one two' } }, body: 'ok', ended: true });
  });

  it('joins repeated set-cookie headers with newlines', () => {
    const r = parse(['HTTP/1.1 200 OK\r\nset-cookie: a=1\r\nset-cookie: b=2\r\ncontent-length: 0\r\n\r\n']);
    expect(r.head?.headers['set-cookie']).toBe('a=1\nb=2');
  });

  it('stops at the end of the response and ignores what follows', () => {
    expect(parse(['HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokEXTRA'])).toMatchObject({ body: 'ok', ended: true });
  });

  it('rejects what is not an HTTP/1.x response', () => {
    const bad = [
      'SSH-2.0-OpenSSH_9.6\r\n\r\n',
      'HTTP/2 200\r\n\r\n',
      'HTTP/1.1 20 OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
      'HTTP/1.1 200 OK\r\nbad name: x\r\n\r\n',
      'HTTP/1.1 200 OK\r\n continuation first\r\n\r\n',
      'HTTP/1.1 200 OK\r\ncontent-length: 5, 6\r\n\r\n',
      'HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n',
      'HTTP/1.1 200 OK\r\ncontent-length: 1e3\r\n\r\n',
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nokXX',
      'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n',
    ];
    for (const text of bad) expect(() => parse([text]), text).toThrow(HttpProtocolError);
  });

  it('accepts identical repeated content-length values', () => {
    expect(parse(['HTTP/1.1 200 OK\r\ncontent-length: 2, 2\r\n\r\nok'])).toMatchObject({ body: 'ok', ended: true });
  });

  it('bounds the headers and chunk lines a server can send', () => {
    expect(() => parse([`HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(70 * 1024)}`])).toThrow(/longer than 65536 bytes/);
    expect(() => parse(['HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n', '1'.repeat(5000)])).toThrow(/chunk size line longer/);
  });

  it('says how a response was cut short when the server closes early', () => {
    expect(parse([], { close: true }).closed).toBe('the server closed the connection without answering');
    expect(parse(['HTTP/1.1 200 OK\r\ncontent-'], { close: true }).closed).toBe('the server closed the connection in the middle of the response headers');
    expect(parse(['HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort'], { close: true })).toMatchObject({
      ended: false,
      closed: 'the server closed the connection before the response body was complete',
    });
    expect(parse(['HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhel'], { close: true }).closed).toMatch(/before the response body was complete/);
  });
});

describe('HTTP/1.1 request serializer', () => {
  const text = (b: Buffer) => b.toString('latin1');

  it('writes the request line, the host, the caller’s headers and connection: close', () => {
    const req = serializeRequest({ method: 'GET', target: '/a?b=1', host: 'example.test:8080', headers: { 'user-agent': 'Py_Monitor/1.0', accept: '*/*' } });
    expect(text(req)).toBe('GET /a?b=1 HTTP/1.1\r\nhost: example.test:8080\r\nuser-agent: Py_Monitor/1.0\r\naccept: */*\r\nconnection: close\r\n\r\n');
  });

  it('frames a body with its length in bytes, and sends a zero length for an empty POST', () => {
    const req = serializeRequest({ method: 'POST', target: '/', host: 'h', headers: { 'content-type': 'application/json' }, body: '{"é":1}' });
    expect(text(req)).toContain('content-length: 8\r\n\r\n');
    expect(req.subarray(req.length - 8).toString('utf8')).toBe('{"é":1}');
    expect(text(serializeRequest({ method: 'POST', target: '/', host: 'h', headers: {} }))).toContain('content-length: 0\r\n');
    expect(text(serializeRequest({ method: 'GET', target: '/', host: 'h', headers: {} }))).not.toContain('content-length');
  });

  it('lets the caller set the Host header', () => {
    expect(text(serializeRequest({ method: 'GET', target: '/', host: 'h', headers: { Host: 'virtual.test' } }))).toMatch(/^GET \/ HTTP\/1\.1\r\nhost: virtual\.test\r\nconnection: close/);
  });

  it('refuses what cannot be sent: bad tokens, line breaks in values, headers that change the framing', () => {
    const bad: { method: string; headers: Record<string, string> }[] = [
      { method: 'G ET', headers: {} },
      { method: 'GET', headers: { 'bad name': 'x' } },
      { method: 'GET', headers: { 'x-a': 'one\r\nx-injected: two' } },
      { method: 'GET', headers: { 'x-a': 'nul\0' } },
      { method: 'GET', headers: { 'transfer-encoding': 'chunked' } },
      { method: 'GET', headers: { Connection: 'keep-alive' } },
      { method: 'GET', headers: { expect: '100-continue' } },
      { method: 'GET', headers: { 'content-length': '3' } },
    ];
    for (const b of bad) expect(() => serializeRequest({ ...b, target: '/', host: 'h' }), JSON.stringify(b)).toThrow(HttpRequestError);
    expect(() => serializeRequest({ method: 'GET', target: '/a b', host: 'h', headers: {} })).toThrow(HttpRequestError);
  });
});
