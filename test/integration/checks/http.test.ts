import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeHttp } from '../../../layers/checks/http.ts';
import { startDnsServer, type TestDnsServer } from '../../support/servers/dns-server.ts';
import { closedTcpPort, startHttpServer, type TestHttpServer } from '../../support/servers/http-server.ts';
import { SITE_HTML, siteHandler } from '../../support/servers/site.ts';

let site: TestHttpServer;
let other: TestHttpServer;
let dns: TestDnsServer;
const allow = { allowPrivateTargets: true };

beforeAll(async () => {
  site = await startHttpServer(siteHandler);
  other = await startHttpServer(siteHandler);
  dns = await startDnsServer();
  dns.setRecords('site.example.test', [{ type: 'A', ttl: 60, address: '127.0.0.1' }]);
  dns.setRecords('metadata.example.test', [{ type: 'A', ttl: 60, address: '169.254.169.254' }]);
});

afterAll(async () => {
  await Promise.all([site.close(), other.close(), dns.close()]);
});

describe('HTTP status monitoring: success', () => {
  it('reports availability, status code, response time and phase timings', async () => {
    const r = await probeHttp(`${site.url}/ok`, allow);
    expect(r).toMatchObject({ is_available: true, status_code: 200, error_kind: null, error_message: null, resolved_ip: '127.0.0.1', attempts: 1 });
    expect(r.response_time).toBeGreaterThan(0);
    expect(r.timings.total).toBe(r.response_time);
    expect(r.timings.ttfb).toBeGreaterThanOrEqual(0);
    expect(r.timings.dns + r.timings.connect + r.timings.ttfb + r.timings.transfer).toBeLessThanOrEqual(r.timings.total + 0.1);
    expect(r.body_size).toBe(2);
    expect(r.body).toBeUndefined();
  });

  it('measures at least the server delay in the response time and TTFB', async () => {
    const r = await probeHttp(`${site.url}/delay?ms=120`, allow);
    expect(r.is_available).toBe(true);
    expect(r.response_time).toBeGreaterThanOrEqual(115);
    expect(r.timings.ttfb).toBeGreaterThanOrEqual(115);
  });

  it('opens a fresh connection for every check', async () => {
    const before = site.connections();
    await probeHttp(`${site.url}/ok`, allow);
    await probeHttp(`${site.url}/ok`, allow);
    await probeHttp(`${site.url}/ok`, allow);
    expect(site.connections() - before).toBe(3);
  });

  it('times the whole body: the transfer phase ends with the last byte, not with the headers', async () => {
    const r = await probeHttp(`${site.url}/slow-body?ms=120`, allow);
    expect(r.is_available).toBe(true);
    expect(r.timings.transfer).toBeGreaterThanOrEqual(115);
    expect(r.response_time).toBeGreaterThanOrEqual(r.timings.ttfb + r.timings.transfer - 0.1);
  });

  it('reads bodies of servers that close the connection: with a length, and delimited by the close', async () => {
    const answers = [
      'HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 5\r\n\r\nhello',
      'HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: text/plain\r\n\r\nuntil the close',
      'HTTP/1.0 200 OK\r\n\r\nold style',
    ];
    let next = 0;
    const closing = net.createServer((s) => {
      const answer = answers[next++ % answers.length]!;
      s.once('data', () => s.end(answer));
    });
    await new Promise<void>((r) => closing.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(closing.address() as AddressInfo).port}/`;
      const results = [];
      for (let i = 0; i < answers.length; i++) results.push(await probeHttp(url, { ...allow, captureBody: true }));
      expect(results.map((r) => [r.is_available, r.status_code, r.body, r.body_size])).toEqual([
        [true, 200, 'hello', 5],
        [true, 200, 'until the close', 15],
        [true, 200, 'old style', 9],
      ]);
    } finally {
      await new Promise<void>((r) => closing.close(() => r()));
    }
  });

  it('frames responses the way servers send them: HEAD, 204, interim 100/103, chunked trailers', async () => {
    const seen: string[] = [];
    const answers: Record<string, string> = {
      '/head': 'HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n',
      '/empty': 'HTTP/1.1 204 No Content\r\n\r\n',
      '/interim': 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </x.css>\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nbody',
      '/trailers': 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nx-checksum: 1\r\n\r\n',
    };
    // Answers and keeps the connection open: the probe must know from the framing alone that it is done.
    const raw = net.createServer((s) => {
      s.once('data', (d: Buffer) => {
        const line = d.toString('latin1').split('\r\n')[0] ?? '';
        seen.push(line);
        s.write(answers[line.split(' ')[1] ?? ''] ?? 'HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      });
      s.on('error', () => {});
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', () => r()));
    try {
      const base = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
      const head = await probeHttp(`${base}/head`, { ...allow, method: 'HEAD' });
      const empty = await probeHttp(`${base}/empty`, allow);
      const interim = await probeHttp(`${base}/interim`, { ...allow, captureBody: true });
      const trailers = await probeHttp(`${base}/trailers`, { ...allow, captureBody: true });
      expect([head, empty, interim, trailers].map((r) => [r.is_available, r.status_code, r.body_size])).toEqual([
        [true, 200, 0],
        [true, 204, 0],
        [true, 200, 4],
        [true, 200, 3],
      ]);
      expect([interim.body, trailers.body]).toEqual(['body', 'abc']);
      expect(seen).toEqual(['HEAD /head HTTP/1.1', 'GET /empty HTTP/1.1', 'GET /interim HTTP/1.1', 'GET /trailers HTTP/1.1']);
    } finally {
      await new Promise<void>((r) => raw.close(() => r()));
    }
  });

  it('reports a response cut short by the server as reset, with what was missing', async () => {
    const cut = net.createServer((s) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly this')));
    await new Promise<void>((r) => cut.listen(0, '127.0.0.1', () => r()));
    try {
      const r = await probeHttp(`http://127.0.0.1:${(cut.address() as AddressInfo).port}/`, allow);
      expect(r).toMatchObject({
        is_available: false,
        status_code: null,
        error_kind: 'reset',
        error_message: 'the server closed the connection before the response body was complete',
      });
    } finally {
      await new Promise<void>((r) => cut.close(() => r()));
    }
  });

  it('follows redirects, counting them and reporting the final URL', async () => {
    const r = await probeHttp(`${site.url}/redirect/3`, allow);
    expect(r).toMatchObject({ is_available: true, status_code: 200, redirect_count: 3, final_url: `${site.url}/ok` });
    expect(r.redirects.map((x) => x.status_code)).toEqual([302, 302, 302]);
  });

  it('reports a redirect as is when redirects are not followed', async () => {
    const r = await probeHttp(`${site.url}/redirect/1`, { ...allow, followRedirects: false });
    expect(r).toMatchObject({ is_available: true, status_code: 302, redirect_count: 0 });
  });

  it('returns the decoded body of chunked, gzip, deflate and brotli responses when asked', async () => {
    const chunked = await probeHttp(`${site.url}/chunked`, { ...allow, captureBody: true });
    expect(chunked.body).toBe('<html><body><p>part one</p><p>part two</p></body></html>');
    expect(chunked.headers['transfer-encoding']).toBe('chunked');
    for (const enc of ['gzip', 'deflate', 'br']) {
      const r = await probeHttp(`${site.url}/${enc}`, { ...allow, captureBody: true });
      expect(r.body, enc).toBe(SITE_HTML);
      expect(r.body_size, enc).toBeLessThan(Buffer.byteLength(SITE_HTML) + 30);
      expect(r.body_truncated).toBe(false);
    }
  });

  it('caps the captured body', async () => {
    const r = await probeHttp(`${site.url}/html`, { ...allow, captureBody: true, maxBodyBytes: 20 });
    expect(r.body).toBe(SITE_HTML.slice(0, 20));
    expect(r.body_truncated).toBe(true);
  });

  it('sends custom headers, method and body', async () => {
    const r = await probeHttp(`${site.url}/echo`, {
      ...allow,
      method: 'POST',
      headers: { 'X-Project': 'py-monitor', 'content-type': 'text/plain' },
      body: 'hello',
      captureBody: true,
    });
    const echo = JSON.parse(r.body ?? '{}') as { method: string; headers: Record<string, string>; body: string };
    expect(echo).toMatchObject({ method: 'POST', body: 'hello' });
    expect(echo.headers['x-project']).toBe('py-monitor');
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    const target = encodeURIComponent(`${other.url}/echo`);
    const r = await probeHttp(`${site.url}/redirect-to?url=${target}`, {
      ...allow,
      headers: { authorization: 'Bearer secret', 'x-keep': 'yes' },
      captureBody: true,
    });
    const echo = JSON.parse(r.body ?? '{}') as { headers: Record<string, string> };
    expect(echo.headers.authorization).toBeUndefined();
    expect(echo.headers['x-keep']).toBe('yes');
  });

  it('resolves names through the configured DNS servers', async () => {
    const r = await probeHttp(`http://site.example.test:${site.port}/ok`, { ...allow, dnsServers: [dns.server] });
    expect(r).toMatchObject({ is_available: true, resolved_ip: '127.0.0.1' });
    expect(r.headers['content-type']).toBe('text/plain');
  });

  it('accepts an explicit expected status', async () => {
    expect((await probeHttp(`${site.url}/status/404`, { ...allow, expectedStatus: 404 })).is_available).toBe(true);
    expect((await probeHttp(`${site.url}/status/201`, { ...allow, expectedStatus: [200, 201] })).is_available).toBe(true);
  });
});

describe('HTTP status monitoring: failures are classified results', () => {
  it('dns: a name that does not resolve', async () => {
    const r = await probeHttp(`http://missing.example.test:${site.port}/`, { ...allow, dnsServers: [dns.server] });
    expect(r).toMatchObject({ is_available: false, status_code: null, error_kind: 'dns' });
    expect(r.error_message).toContain('missing.example.test');
  });

  it('dns: a resolver that does not answer in time', async () => {
    dns.setBehaviour('silent.example.test', 'silent');
    const r = await probeHttp(`http://silent.example.test:${site.port}/`, { ...allow, dnsServers: [dns.server], timeoutMs: 300 });
    expect(r.error_kind).toBe('dns');
    expect(r.error_message).toMatch(/timed out/);
  });

  it('refused: nothing listens on the port', async () => {
    const port = await closedTcpPort();
    const r = await probeHttp(`http://127.0.0.1:${port}/`, allow);
    expect(r).toMatchObject({ is_available: false, error_kind: 'refused', error_message: 'connection refused' });
  });

  it('timeout: headers that come later than the timeout', async () => {
    const r = await probeHttp(`${site.url}/slow-headers?ms=2000`, { ...allow, timeoutMs: 200 });
    expect(r).toMatchObject({ is_available: false, error_kind: 'timeout', error_message: 'no response within 200 ms' });
    expect(r.response_time).toBeGreaterThanOrEqual(195);
  });

  it('timeout: a body that does not finish within the timeout', async () => {
    const r = await probeHttp(`${site.url}/slow-body?ms=2000`, { ...allow, timeoutMs: 200 });
    expect(r).toMatchObject({ error_kind: 'timeout', error_message: 'response body not complete within 200 ms' });
  });

  it('http_status: an error status', async () => {
    const r = await probeHttp(`${site.url}/status/503`, allow);
    expect(r).toMatchObject({ is_available: false, status_code: 503, error_kind: 'http_status', error_message: 'unexpected status 503 (expected 2xx or 3xx)' });
  });

  it("accepted status codes: a project's list of codes and ranges judges the final status", async () => {
    const codes = ['200-299', '404'];
    const probe = (path: string, expectedStatus?: readonly string[]) => probeHttp(`${site.url}${path}`, { ...allow, ...(expectedStatus ? { expectedStatus } : {}) });
    expect(await probe('/status/404', codes)).toMatchObject({ is_available: true, status_code: 404, error_kind: null, error_message: null });
    expect(await probe('/status/201', codes)).toMatchObject({ is_available: true, status_code: 201, error_kind: null });
    // A 302 with no Location to follow is the final status: refused by the list, saying which codes it accepts.
    expect(await probe('/status/302', codes)).toMatchObject({
      is_available: false,
      status_code: 302,
      error_kind: 'http_status',
      error_message: 'unexpected status 302 (expected 200-299, 404)',
    });
    // A redirect with a Location is followed: the list judges where it ends.
    expect(await probe('/redirect/1', ['200'])).toMatchObject({ is_available: true, status_code: 200, redirect_count: 1 });
    expect(await probe('/status/302', ['301', '302'])).toMatchObject({ is_available: true, status_code: 302 });
    // The default list, 200-399, is what a project accepted before the setting: 302 up, 404 down.
    expect(await probe('/status/302', ['200-399'])).toMatchObject({ is_available: true });
    expect(await probe('/status/404', ['200-399'])).toMatchObject({ is_available: false, error_message: 'unexpected status 404 (expected 200-399)' });
    expect(await probe('/status/404')).toMatchObject({ is_available: false, error_message: 'unexpected status 404 (expected 2xx or 3xx)' });
  });

  it('http_status: a redirect loop stops after the redirect limit', async () => {
    const r = await probeHttp(`${site.url}/loop`, { ...allow, maxRedirects: 5 });
    expect(r).toMatchObject({ error_kind: 'http_status', redirect_count: 5, error_message: 'too many redirects (more than 5)' });
  });

  it('too_slow: a response slower than time_limit', async () => {
    const r = await probeHttp(`${site.url}/delay?ms=150`, { ...allow, timeLimitMs: 50 });
    expect(r.is_available).toBe(false);
    expect(r.status_code).toBe(200);
    expect(r.error_kind).toBe('too_slow');
    expect(r.error_message).toMatch(/^response time \d+ ms exceeded the limit of 50 ms$/);
  });

  it('reset: the server drops the connection without answering', async () => {
    const r = await probeHttp(`${site.url}/reset`, allow);
    expect(r.error_kind).toBe('reset');
  });

  it('protocol: the server answers something that is not HTTP', async () => {
    const garbage = net.createServer((s) => s.resume().end('SSH-2.0-OpenSSH_9.6\r\n\r\n'));
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', () => r()));
    try {
      const r = await probeHttp(`http://127.0.0.1:${(garbage.address() as AddressInfo).port}/`, allow);
      expect(r.error_kind).toBe('protocol');
    } finally {
      await new Promise<void>((r) => garbage.close(() => r()));
    }
  });

  it('invalid: a header the HTTP client refuses to send', async () => {
    const before = site.connections();
    const r = await probeHttp(`${site.url}/ok`, { ...allow, headers: { 'transfer-encoding': 'chunked' } });
    expect(r.error_kind).toBe('invalid');
    const injected = await probeHttp(`${site.url}/ok`, { ...allow, headers: { 'x-a': 'one\r\nx-injected: two' } });
    expect(injected).toMatchObject({ error_kind: 'invalid', error_message: 'invalid request: invalid value for header x-a', attempts: 1 });
    expect(site.connections()).toBe(before);
  });

  it('invalid: a URL that is not http(s)', async () => {
    expect((await probeHttp('ftp://127.0.0.1/', allow)).error_kind).toBe('invalid');
    expect((await probeHttp('not a url', allow)).error_kind).toBe('invalid');
  });

  it('retries a failure with backoff and reports the attempts', async () => {
    const r = await probeHttp(`${site.url}/status/500`, { ...allow, retryCount: 2, retryDelayMs: 10 });
    expect(r).toMatchObject({ attempts: 3, error_kind: 'http_status' });
    expect(site.requests.filter((x) => x === 'GET /status/500').length).toBeGreaterThanOrEqual(3);
  });

  it('stops retrying at the first success', async () => {
    const r = await probeHttp(`${site.url}/ok`, { ...allow, retryCount: 3, retryDelayMs: 10 });
    expect(r.attempts).toBe(1);
  });
});

describe('HTTP status monitoring: SSRF policy on the connected address', () => {
  it('blocks loopback targets when private targets are not allowed', async () => {
    const before = site.connections();
    const r = await probeHttp(`${site.url}/ok`, { allowPrivateTargets: false });
    expect(r).toMatchObject({ is_available: false, error_kind: 'blocked', error_message: 'target address not allowed: 127.0.0.1' });
    expect(site.connections()).toBe(before);
  });

  it('blocks a name that resolves to a metadata address, checking the resolved address', async () => {
    const r = await probeHttp('http://metadata.example.test/latest/meta-data/', { ...allow, dnsServers: [dns.server] });
    expect(r).toMatchObject({ error_kind: 'blocked', error_message: 'target address not allowed: 169.254.169.254' });
  });

  it('blocks a redirect to a metadata address', async () => {
    const r = await probeHttp(`${site.url}/redirect-to?url=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`, allow);
    expect(r).toMatchObject({ error_kind: 'blocked', redirect_count: 1, error_message: 'target address not allowed: 169.254.169.254' });
  });

  it('blocks a redirect to a non-http scheme', async () => {
    const r = await probeHttp(`${site.url}/redirect-to?url=${encodeURIComponent('file:///etc/passwd')}`, allow);
    expect(r.error_kind).toBe('blocked');
  });

  it('connects to the address it checked even if DNS changes its answer (rebinding)', async () => {
    // First answer loopback (allowed here), every later answer metadata: one lookup per hop, no second look.
    dns.setRebinding('rebind.example.test', [{ type: 'A', ttl: 0, address: '127.0.0.1' }], [{ type: 'A', ttl: 0, address: '169.254.169.254' }]);
    const r = await probeHttp(`http://rebind.example.test:${site.port}/ok`, { ...allow, dnsServers: [dns.server] });
    expect(r).toMatchObject({ is_available: true, resolved_ip: '127.0.0.1' });
    expect(dns.queries.filter((q) => q === 'rebind.example.test A')).toHaveLength(1);
    const again = await probeHttp(`http://rebind.example.test:${site.port}/ok`, { ...allow, dnsServers: [dns.server] });
    expect(again).toMatchObject({ error_kind: 'blocked', error_message: 'target address not allowed: 169.254.169.254' });
  });
});
