import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// Loopback pages built to produce known browser metrics. Port 0; close() when done.

export interface PageServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  url(path: string): string;
  /** How many requests a path received (query string ignored). */
  hits(path: string): number;
  /** Bodies POSTed to /report, in arrival order. */
  reports(): string[];
  /** The Cookie header of each request to a path, in arrival order ('' when there was none). */
  cookiesSent(path: string): string[];
  close(): Promise<void>;
}

const html = (body: string, head = '') =>
  `<!doctype html><html><head><meta charset="utf-8"><title>test page</title>${head}</head><body>${body}</body></html>`;

/** A 1x1 transparent PNG. */
const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * An 800x600 picture with enough detail to be an LCP candidate: Chrome ignores images under 0.05 bits
 * per pixel (a flat colour), so it is drawn from a few hundred rectangles.
 */
const BIG_SVG = (() => {
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const rects = Array.from({ length: 400 }, () => `<rect x="${next(780)}" y="${next(580)}" width="${10 + next(60)}" height="${10 + next(60)}" fill="#${next(0xffffff).toString(16).padStart(6, '0')}"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600" fill="#eee"/>${rects.join('')}</svg>`;
})();

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

const pages: Record<string, Handler> = {
  '/plain': (_req, res) => send(res, 200, html('<h1>Plain page</h1><p>Nothing happens here.</p><img src="/pixel.png" alt="">')),

  // A 250 ms busy loop shortly after first paint: one long task, so TBT is about 200 ms.
  '/busy': (_req, res) =>
    send(
      res,
      200,
      html(`<h1>Busy page</h1><p>${'Some text. '.repeat(40)}</p>
<script>
new PerformanceObserver((list, observer) => {
  if (!list.getEntries().some((e) => e.name === 'first-contentful-paint')) return;
  observer.disconnect();
  setTimeout(() => { const end = performance.now() + 250; while (performance.now() < end) {} }, 50);
}).observe({ type: 'paint', buffered: true });
</script>`),
    ),

  // After load, a block is inserted above the content and pushes it down: CLS > 0.
  '/shift': (_req, res) =>
    send(
      res,
      200,
      html(`<div id="top"></div><h1>Shifting page</h1><p style="font-size:20px">${'Content that moves. '.repeat(60)}</p>
<script>
addEventListener('load', () => setTimeout(() => {
  const block = document.createElement('div');
  block.style.height = '300px';
  block.textContent = 'late banner';
  document.getElementById('top').appendChild(block);
}, 200));
</script>`),
    ),

  // Two seconds after load: a banner pushes the text down, a 300 ms task blocks the main thread, and the
  // largest element (an 800x600 image) arrives. All three come after a quiet spell.
  '/late': (_req, res) =>
    send(
      res,
      200,
      html(`<h1>Late page</h1><div id="top"></div><p style="font-size:18px">${'Text that will move. '.repeat(30)}</p>
<script>
addEventListener('load', () => setTimeout(() => {
  const banner = document.createElement('div');
  banner.style.height = '200px';
  banner.textContent = 'late banner';
  document.getElementById('top').appendChild(banner);
  const img = new Image(800, 600);
  img.src = '/big.svg';
  document.body.appendChild(img);
  const end = performance.now() + 300;
  while (performance.now() < end) {}
}, 2000));
</script>`),
    ),

  // Never quiet: a block changes height every 400 ms, forever.
  '/restless': (_req, res) =>
    send(
      res,
      200,
      html(`<div id="top"></div><p>${'Restless text. '.repeat(40)}</p>
<script>
let tall = false;
setInterval(() => { tall = !tall; document.getElementById('top').style.height = tall ? '120px' : '0px'; }, 400);
</script>`),
    ),

  '/big.svg': (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/svg+xml' });
    res.end(BIG_SVG);
  },

  // One console.error, one uncaught exception, one missing image.
  '/errors': (_req, res) =>
    send(
      res,
      200,
      html(`<h1>Broken page</h1><img src="/missing.png" alt="missing">
<script>console.error('deliberate console error');</script>
<script>setTimeout(() => { throw new Error('deliberate uncaught error'); }, 10);</script>`),
    ),

  // Two redirects before the page: /redirect-2 -> /redirect-1 -> /plain
  '/redirect-2': (_req, res) => redirect(res, '/redirect-1'),
  '/redirect-1': (_req, res) => redirect(res, '/plain'),
  '/redirect-to-metadata': (_req, res) => redirect(res, 'http://169.254.169.254/latest/meta-data/'),

  // Subresources that the SSRF policy must refuse even though the page itself is allowed.
  '/ssrf-subresources': (_req, res) =>
    send(
      res,
      200,
      html(`<h1>Sneaky page</h1>
<img src="http://169.254.169.254/latest/meta-data/iam.png" alt="">
<img src="http://[fd00:ec2::254]/latest/meta-data/" alt="">
<script>fetch('http://169.254.169.254/latest/api/token', { method: 'PUT' }).catch(() => {});</script>
<script>try { new WebSocket('ws://169.254.169.254/socket'); } catch (e) {}</script>`),
    ),

  // Asks the metadata address every 100 ms for as long as the page lives.
  '/ssrf-forever': (_req, res) =>
    send(res, 200, html(`<h1>Persistent</h1><script>setInterval(() => fetch('http://169.254.169.254/latest/meta-data/').catch(() => {}), 100);</script>`)),

  // Traffic the page router never sees: a shared worker's fetch and a dedicated worker's WebSocket,
  // all to inner.test on this server's port (tests map that name to a refused address).
  '/workers': (_req, res) =>
    send(
      res,
      200,
      html(`<h1>Workers</h1>
<script>
const base = 'inner.test:' + location.port;
const blobUrl = (src) => URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
new Worker(blobUrl("fetch('http://" + base + "/from-worker').catch(() => {}); try { new WebSocket('ws://" + base + "/ws-from-worker'); } catch (e) {}"));
new SharedWorker(blobUrl("fetch('http://" + base + "/from-shared-worker').catch(() => {});"));
</script>`),
    ),

  // WebRTC to a STUN server on this machine (?port=): UDP the policy proxy would never see.
  '/webrtc': (_req, res, url) =>
    send(
      res,
      200,
      html(`<h1>WebRTC</h1><p id="state">starting</p>
<script>
(async () => {
  const pc = new RTCPeerConnection({ iceServers: [{ urls: 'stun:127.0.0.1:${Number(url.searchParams.get('port'))}' }] });
  pc.createDataChannel('probe');
  await pc.setLocalDescription(await pc.createOffer());
  document.getElementById('state').textContent = 'gathering';
})().catch((e) => { document.getElementById('state').textContent = 'failed: ' + e; });
</script>`),
    ),

  // A script that never yields: the page never reaches DOMContentLoaded.
  '/infinite-loop': (_req, res) => send(res, 200, html('<h1>Stuck</h1><script>for (;;) {}</script>')),

  '/server-error': (_req, res) => send(res, 500, html('<h1>Internal error</h1>')),

  // The document arrives after 3 s: long enough to kill the browser mid-check.
  '/slow': (_req, res) => {
    setTimeout(() => send(res, 200, html('<h1>Finally</h1>')), 3_000);
  },

  // Journey pages: a form, and the page it leads to.
  '/form': (_req, res) =>
    send(
      res,
      200,
      html(`<h1>Sign up</h1>
<form id="signup" action="/welcome" method="get">
  <label>Name <input id="name" name="name" autocomplete="off"></label>
  <label>Plan <select id="plan" name="plan">
    <option value="free">Free</option><option value="pro">Pro</option><option value="team">Team</option>
  </select></label>
  <button id="go" type="submit">Continue</button>
</form>
<p id="hint" hidden>Please enter a name</p>`),
    ),
  '/welcome': (_req, res, url) => {
    const name = escapeHtml(url.searchParams.get('name') ?? '');
    const plan = escapeHtml(url.searchParams.get('plan') ?? '');
    send(res, 200, html(`<h1>Done</h1><p id="msg">Welcome, ${name} (${plan})</p>`));
  },

  // Leaves every kind of trace a visitor can leave (an HttpOnly and script cookies, local and session
  // storage, IndexedDB, Cache Storage, a cached script, the same in a cross-site frame's partitioned
  // storage), after POSTing to /report what it found on arrival. A visit in a clean browser finds nothing.
  '/traces': (_req, res, url) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'set-cookie': 'server_trace=1; Max-Age=3600; Path=/; HttpOnly' });
    res.end(
      html(`<h1>Traces</h1><script src="/cacheable.js"></script>
<iframe src="http://localhost:${url.searchParams.get('port') ?? ''}/traces-frame"></iframe>
<script>${traceScript('top')}</script>`),
    );
  },
  '/traces-frame': (_req, res) => send(res, 200, html(`<p>frame</p><script>${traceScript('frame')}</script>`)),
  '/cacheable.js': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=3600' });
    res.end('window.cacheableLoaded = true;');
  },

  '/pixel.png': (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': PIXEL_PNG.length });
    res.end(PIXEL_PNG);
  },
};

export async function startPageServer(): Promise<PageServer> {
  const hits = new Map<string, number>();
  const reports: string[] = [];
  const cookies = new Map<string, string[]>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    cookies.set(url.pathname, [...(cookies.get(url.pathname) ?? []), req.headers.cookie ?? '']);
    if (url.pathname === '/report' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        reports.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(204, { 'access-control-allow-origin': '*' }).end();
      });
      return;
    }
    const handler = pages[url.pathname];
    if (handler) handler(req, res, url);
    else send(res, 404, html('<h1>Not found</h1>'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path) => `${origin}${path}`,
    hits: (path) => hits.get(path) ?? 0,
    reports: () => [...reports],
    cookiesSent: (path) => [...(cookies.get(path) ?? [])],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function traceScript(where: string): string {
  return `(async () => {
  const seen = {
    where: ${JSON.stringify(where)},
    cookie: document.cookie,
    local: localStorage.getItem('trace'),
    session: sessionStorage.getItem('trace'),
    databases: (await indexedDB.databases()).map((d) => d.name),
    caches: await caches.keys(),
  };
  document.cookie = 'trace=' + seen.where + '; max-age=3600; path=/; SameSite=None; Secure';
  document.cookie = 'plain_trace=' + seen.where + '; max-age=3600; path=/';
  localStorage.setItem('trace', seen.where);
  sessionStorage.setItem('trace', seen.where);
  await new Promise((resolve) => { const open = indexedDB.open('trace-db'); open.onsuccess = open.onerror = resolve; });
  await (await caches.open('trace-cache')).put('/entry', new Response('x'));
  await fetch('/report', { method: 'POST', body: JSON.stringify(seen) });
})().catch((e) => fetch('/report', { method: 'POST', body: JSON.stringify({ error: String(e) }) }));`;
}

function send(res: ServerResponse, status: number, body: string): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
