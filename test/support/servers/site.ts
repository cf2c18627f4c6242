import type http from 'node:http';
import zlib from 'node:zlib';

/**
 * A test website with one route per behaviour a probe must handle:
 *   /ok                       200 text
 *   /html                     200 HTML page ("Welcome to the test site")
 *   /delay?ms=N               200 after N ms
 *   /slow-headers?ms=N        headers after N ms, body right away
 *   /slow-body?ms=N           headers now, body after N ms
 *   /status/N                 status N
 *   /redirect/N               N redirects (302) then /ok
 *   /redirect-to?url=U&code=C one redirect to U (default 302)
 *   /loop                     redirects to itself forever
 *   /chunked                  chunked body in several writes
 *   /gzip, /br, /deflate      compressed HTML
 *   /echo                     JSON echo of method, headers and body
 *   /json                     a JSON document for API assertions
 *   /headers/strong, /headers/none   security headers set well / not at all
 *   /reset                    destroys the connection without answering
 */
export const SITE_HTML =
  '<!doctype html><html><head><title>Test</title></head><body><h1>Welcome to the test site</h1><p class="price">$10</p></body></html>';

export const SITE_JSON = {
  status: 'ok',
  version: '1.2.3',
  uptime: 12345,
  checks: [
    { name: 'db', healthy: true, latency_ms: 3 },
    { name: 'cache', healthy: false, latency_ms: 250 },
  ],
};

export const STRONG_HEADERS: Record<string, string> = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'content-security-policy': "default-src 'self'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'x-xss-protection': '0',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), geolocation=()',
};

const num = (u: URL, name: string, fallback: number) => {
  const v = Number(u.searchParams.get(name));
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

export function siteHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const u = new URL(req.url ?? '/', 'http://site.test');
  const path = u.pathname;
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(fn, ms);
    res.on('close', () => clearTimeout(t));
  };
  if (path === '/ok') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  } else if (path === '/html' || path === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(SITE_HTML);
  } else if (path === '/delay') {
    later(num(u, 'ms', 100), () => res.writeHead(200, { 'content-type': 'text/plain' }).end('late'));
  } else if (path === '/slow-headers') {
    later(num(u, 'ms', 1000), () => res.writeHead(200).end('finally'));
  } else if (path === '/slow-body') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('start ');
    later(num(u, 'ms', 1000), () => res.end('end'));
  } else if (path.startsWith('/status/')) {
    res.writeHead(Number(path.slice(8)) || 500, { 'content-type': 'text/plain' }).end('status');
  } else if (path.startsWith('/redirect/')) {
    const n = Number(path.slice(10));
    res.writeHead(302, { location: n > 1 ? `/redirect/${n - 1}` : '/ok' }).end();
  } else if (path === '/redirect-to') {
    res.writeHead(num(u, 'code', 302), { location: u.searchParams.get('url') ?? '/ok' }).end();
  } else if (path === '/loop') {
    res.writeHead(301, { location: '/loop' }).end();
  } else if (path === '/chunked') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    const parts = ['<html><body>', '<p>part one</p>', '<p>part two</p>', '</body></html>'];
    let i = 0;
    const next = () => {
      const p = parts[i++];
      if (p === undefined) res.end();
      else {
        res.write(p);
        later(5, next);
      }
    };
    next();
  } else if (path === '/gzip' || path === '/br' || path === '/deflate') {
    const body = Buffer.from(SITE_HTML);
    const enc = path.slice(1);
    const data = enc === 'gzip' ? zlib.gzipSync(body) : enc === 'br' ? zlib.brotliCompressSync(body) : zlib.deflateSync(body);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': enc, 'content-length': data.length }).end(data);
  } else if (path === '/echo') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
  } else if (path === '/json') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(SITE_JSON));
  } else if (path === '/headers/strong') {
    res.writeHead(200, { 'content-type': 'text/html', ...STRONG_HEADERS }).end(SITE_HTML);
  } else if (path === '/headers/none') {
    res.writeHead(200, { 'content-type': 'text/html' }).end(SITE_HTML);
  } else if (path === '/reset') {
    req.socket.destroy();
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}
