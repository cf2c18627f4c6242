/**
 * One HTTP/1.1 exchange on a connection the probe opened itself: the request as bytes, and an
 * incremental parser for exactly one response (RFC 9112). A probe makes one request per fresh
 * connection and never pipelines, so it needs no connection pool, queue or stream machinery; what
 * it needs is to know, inside the socket's own 'data' callback, when the headers and when the last
 * byte of the body arrived. Strict where a lenient reading could hide a broken server (framing,
 * status line, header syntax), lenient where every client is (bare LF line ends, folded headers).
 */

export class HttpProtocolError extends Error {
  readonly code = 'HPE_INVALID_RESPONSE';
  constructor(message: string) {
    super(message);
    this.name = 'HTTPParserError';
  }
}

export class HttpRequestError extends Error {
  readonly code = 'ERR_INVALID_HTTP_TOKEN';
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_VALUE = /[\r\n\0]/;
/** Headers a caller may not set: they would change the framing of the exchange. */
const FRAMING_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'te', 'content-length']);

export interface RequestHead {
  method: string;
  /** Path and query, already percent-encoded (URL.pathname + URL.search). */
  target: string;
  /** The Host header (host[:port]). */
  host: string;
  headers: Record<string, string>;
  body?: string;
}

/** The request's bytes. Throws HttpRequestError for a method, header or value that cannot be sent. */
export function serializeRequest(req: RequestHead): Buffer {
  if (!TOKEN.test(req.method)) throw new HttpRequestError(`invalid method: ${req.method}`);
  if (/[\s\0]/.test(req.target) || req.target === '') throw new HttpRequestError('invalid request target');
  let head = `${req.method} ${req.target} HTTP/1.1\r\n`;
  let host = req.host;
  let lines = '';
  for (const [name, value] of Object.entries(req.headers)) {
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) throw new HttpRequestError(`invalid header name: ${JSON.stringify(name)}`);
    if (BAD_VALUE.test(value)) throw new HttpRequestError(`invalid value for header ${name}`);
    if (FRAMING_HEADERS.has(lower)) throw new HttpRequestError(`the ${lower} header is set by the probe and cannot be sent`);
    if (lower === 'host') host = value;
    else lines += `${name}: ${value}\r\n`;
  }
  const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
  head += `host: ${host}\r\n${lines}connection: close\r\n`;
  if (body !== undefined || req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') {
    head += `content-length: ${body?.length ?? 0}\r\n`;
  }
  head += '\r\n';
  return body && body.length > 0 ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
}

export interface ResponseHead {
  status: number;
  /** Lower-case names; repeated headers joined with ", " (set-cookie with "\n"). */
  headers: Record<string, string>;
}

export interface ResponseEvents {
  onHead(head: ResponseHead): void;
  onData(chunk: Buffer): void;
  onEnd(): void;
}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE = 4 * 1024;

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'until-close' | 'done';

/**
 * Parses one response from the bytes of a connection. Push every chunk the socket delivers, and
 * call end() when the server closes; events fire synchronously from push() and end(). Errors are
 * thrown as HttpProtocolError (a malformed response) or returned by end() (cut short).
 */
export class ResponseParser {
  private state: State = 'head';
  private pending: Buffer | null = null;
  private remaining = 0;
  private seen = 0;

  constructor(
    private readonly events: ResponseEvents,
    private readonly noBody: boolean,
  ) {}

  get done(): boolean {
    return this.state === 'done';
  }

  /** Whether any byte of a response arrived. */
  get started(): boolean {
    return this.seen > 0;
  }

  push(chunk: Buffer): void {
    this.seen += chunk.length;
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    while (buf.length > 0 && this.state !== 'done') {
      switch (this.state) {
        case 'head':
          buf = this.readHead(buf);
          break;
        case 'length':
          buf = this.readCounted(buf);
          if (this.remaining === 0) this.finish();
          break;
        case 'until-close':
          this.events.onData(buf);
          buf = buf.subarray(buf.length);
          break;
        case 'chunk-size':
          buf = this.readChunkSize(buf);
          break;
        case 'chunk-data':
          buf = this.readCounted(buf);
          if (this.remaining === 0) this.state = 'chunk-end';
          break;
        case 'chunk-end':
          buf = this.readChunkEnd(buf);
          break;
        case 'trailers':
          buf = this.readTrailers(buf);
          break;
      }
    }
  }

  /** The server closed the connection. Returns why the response is incomplete, or null if it is whole. */
  end(): string | null {
    if (this.state === 'done') return null;
    if (this.state === 'until-close') {
      this.finish();
      return null;
    }
    if (this.state === 'head') {
      return this.seen === 0 ? 'the server closed the connection without answering' : 'the server closed the connection in the middle of the response headers';
    }
    return 'the server closed the connection before the response body was complete';
  }

  private finish(): void {
    this.state = 'done';
    this.events.onEnd();
  }

  /** Keeps an incomplete line for the next push, bounded so a server cannot grow it forever. */
  private keep(buf: Buffer, limit: number, what: string): Buffer {
    if (buf.length > limit) throw new HttpProtocolError(`${what} longer than ${limit} bytes`);
    this.pending = Buffer.from(buf);
    return buf.subarray(buf.length);
  }

  /** Hands on up to `remaining` body bytes (of a content-length body or of one chunk); returns the rest. */
  private readCounted(buf: Buffer): Buffer {
    const n = Math.min(this.remaining, buf.length);
    this.events.onData(buf.subarray(0, n));
    this.remaining -= n;
    return buf.subarray(n);
  }

  private readHead(buf: Buffer): Buffer {
    const end = headEnd(buf);
    if (end === null) return this.keep(buf, MAX_HEAD_BYTES, 'response headers');
    if (end.at > MAX_HEAD_BYTES) throw new HttpProtocolError(`response headers longer than ${MAX_HEAD_BYTES} bytes`);
    const lines = buf.toString('latin1', 0, end.at).replace(/\r$/, '').split(/\r?\n/);
    const statusLine = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
    if (!statusLine) {
      throw new HttpProtocolError(`not an HTTP/1.x status line: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
    }
    const status = Number(statusLine[1]);
    const headers = parseHeaderLines(lines, 1);
    const rest = buf.subarray(end.at + end.length);
    if (status === 101) throw new HttpProtocolError('the server switched protocols (101), which a probe does not do');
    // Interim responses (100 Continue, 103 Early Hints) precede the real one.
    if (status < 200) return rest;
    this.events.onHead({ status, headers });
    if (this.state === 'done') return rest; // the receiver ended the exchange at the head
    if (this.noBody || status === 204 || status === 304) {
      this.finish();
      return rest;
    }
    const te = headers['transfer-encoding'];
    if (te !== undefined) {
      const codings = te.split(',').map((c) => c.trim().toLowerCase());
      this.state = codings[codings.length - 1] === 'chunked' ? 'chunk-size' : 'until-close';
      return rest;
    }
    const cl = headers['content-length'];
    if (cl !== undefined) {
      const values = new Set(cl.split(',').map((v) => v.trim()));
      const [only] = values;
      if (values.size !== 1 || only === undefined || !/^\d{1,15}$/.test(only)) {
        throw new HttpProtocolError(`invalid content-length: ${JSON.stringify(cl)}`);
      }
      this.remaining = Number(only);
      if (this.remaining === 0) this.finish();
      else this.state = 'length';
      return rest;
    }
    this.state = 'until-close';
    return rest;
  }

  private readChunkSize(buf: Buffer): Buffer {
    const nl = buf.indexOf(10);
    if (nl < 0) return this.keep(buf, MAX_CHUNK_LINE, 'chunk size line');
    const line = buf.toString('latin1', 0, nl).replace(/\r$/, '');
    const size = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?$/.exec(line);
    if (!size) throw new HttpProtocolError(`invalid chunk size line: ${JSON.stringify(line.slice(0, 40))}`);
    this.remaining = Number.parseInt(size[1]!, 16);
    this.state = this.remaining === 0 ? 'trailers' : 'chunk-data';
    return buf.subarray(nl + 1);
  }

  private readChunkEnd(buf: Buffer): Buffer {
    if (buf[0] === 10) {
      this.state = 'chunk-size';
      return buf.subarray(1);
    }
    if (buf[0] !== 13) throw new HttpProtocolError('chunk data not followed by CRLF');
    if (buf.length < 2) return this.keep(buf, 2, 'chunk end');
    if (buf[1] !== 10) throw new HttpProtocolError('chunk data not followed by CRLF');
    this.state = 'chunk-size';
    return buf.subarray(2);
  }

  private readTrailers(buf: Buffer): Buffer {
    // Trailer fields are read and dropped; the empty line ends the message.
    for (;;) {
      const nl = buf.indexOf(10);
      if (nl < 0) return this.keep(buf, MAX_HEAD_BYTES, 'trailers');
      const line = buf.toString('latin1', 0, nl).replace(/\r$/, '');
      buf = buf.subarray(nl + 1);
      if (line === '') {
        this.finish();
        return buf;
      }
    }
  }
}

/** Where the blank line after the headers is: CRLF CRLF, or bare LF line ends. */
function headEnd(buf: Buffer): { at: number; length: number } | null {
  for (let i = buf.indexOf(10); i >= 0 && i < buf.length; i = buf.indexOf(10, i + 1)) {
    if (buf[i + 1] === 10) return { at: i, length: 2 };
    if (buf[i + 1] === 13 && buf[i + 2] === 10) return { at: i, length: 3 };
    if (i + 2 >= buf.length) break;
  }
  return null;
}

function parseHeaderLines(lines: string[], from: number): Record<string, string> {
  const headers: Record<string, string> = {};
  let last: string | null = null;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    if (line[0] === ' ' || line[0] === '\t') {
      // obs-fold: a continuation of the previous field, replaced by a space (RFC 9112 5.2).
      if (last === null) throw new HttpProtocolError('response headers start with a continuation line');
      headers[last] = `${headers[last]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) throw new HttpProtocolError(`invalid header line: ${JSON.stringify(line.slice(0, 80))}`);
    const key = name.toLowerCase();
    const value = line.slice(colon + 1).trim();
    const prior = headers[key];
    headers[key] = prior === undefined ? value : `${prior}${key === 'set-cookie' ? '\n' : ', '}${value}`;
    last = key;
  }
  return headers;
}
