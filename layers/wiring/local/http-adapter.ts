import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyLimitFor, type HttpEvent, type HttpResponse } from '../../endpoints/http.ts';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
  }
}

/** The client's connection failed or closed before its body ended: nobody is left to answer. */
export class ClientGoneError extends Error {
  constructor(cause: unknown) {
    super('the client closed the connection before its body ended', { cause });
  }
}

/** Reads the body up to the limit; past it, stops keeping data (the stream stays open for the 413). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData).off('end', onEnd).resume();
      reject(new BodyTooLargeError(limit));
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData).once('end', onEnd).once('error', (err) => reject(new ClientGoneError(err)));
  });
}

const textTypes = /^(application\/(json|x-www-form-urlencoded|xml)|text\/)/i;

const plain = (address: string) => address.trim().replace(/^::ffff:/i, '').toLowerCase();
const isLoopback = (address: string) => /^127\./.test(address) || address === '::1';

/**
 * The client's address: the connection's peer, unless that is a trusted proxy (TRUST_PROXY); then
 * X-Forwarded-For is read from the right, past every trusted proxy, to the first address none of
 * them vouches for. Entries left of it are whatever the client wrote, and never believed.
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustProxy: readonly string[] | undefined): string {
  let address = plain(req.socket.remoteAddress ?? '127.0.0.1');
  if (!trustProxy?.length) return address;
  const trusted = new Set(trustProxy.map(plain));
  const isTrusted = (a: string) => trusted.has(a) || (trusted.has('loopback') && isLoopback(a));
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map(plain).filter(Boolean);
  while (isTrusted(address) && hops.length > 0) address = hops.pop()!;
  return address;
}

/** Converts a node:http request into the API Gateway HTTP API (v2) event the Lambda handler takes. */
export async function toApiGatewayEvent(req: IncomingMessage, opts: { trustProxy?: readonly string[] | undefined } = {}): Promise<HttpEvent> {
  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k === 'cookie') continue;
    headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  // GET and HEAD carry no body worth reading; skipping the stream read is measurable under load.
  const raw = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(req, bodyLimitFor(url.pathname));
  const isText = textTypes.test(headers['content-type'] ?? 'application/json');
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: req.headers.cookie ? req.headers.cookie.split(/;\s*/) : undefined,
    headers,
    queryStringParameters: url.search ? query : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers['host'] ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: clientAddress(req, opts.trustProxy),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body: raw.length === 0 ? undefined : isText ? raw.toString('utf8') : raw.toString('base64'),
    isBase64Encoded: raw.length > 0 && !isText,
  } as HttpEvent;
}

/**
 * Writes a streamed result chunk by chunk, waiting for the socket to drain, so memory stays flat. A
 * client that goes away stops the producer (its iterator is closed); an error midway cuts the connection.
 */
export async function writeStreamedResult(res: ServerResponse, result: HttpResponse & { stream: AsyncIterable<string | Uint8Array> }, onError: (err: unknown) => void): Promise<void> {
  res.writeHead(result.statusCode, result.headers);
  try {
    for await (const chunk of result.stream) {
      if (res.destroyed) break;
      if (!res.write(chunk)) await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done).off('close', done);
          resolve();
        };
        res.once('drain', done).once('close', done);
      });
    }
    res.end();
  } catch (err) {
    onError(err);
    res.destroy();
  }
}

/** Writes a Lambda proxy result to a node:http response. */
export function writeApiGatewayResult(res: ServerResponse, result: HttpResponse): void {
  const body = result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  res.writeHead(result.statusCode, { ...result.headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
