import type { IncomingMessage, ServerResponse } from 'node:http';
import { testCertificates } from '../../test/support/servers/certs.ts';
import { startHttpServer, startHttpsServer } from '../../test/support/servers/http-server.ts';

// The page the proxy-overhead bench loads, served from its own process (as a real site is), over HTTP
// and HTTPS; prints {"http": url, "https": url} on one line and serves until stdin closes.

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head><body><h1>Plain page</h1><p>${'Some text. '.repeat(30)}</p><img src="/pixel.png" alt=""></body></html>`;
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const handler = (req: IncomingMessage, res: ServerResponse) => {
  if ((req.url ?? '').startsWith('/pixel.png')) res.writeHead(200, { 'content-type': 'image/png' }).end(PIXEL);
  else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
};

const plain = await startHttpServer(handler);
const secure = await startHttpsServer((await testCertificates()).valid, handler);
process.stdout.write(`${JSON.stringify({ http: plain.url, https: secure.url })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void Promise.all([plain.close(), secure.close()]).then(() => process.exit(0));
});
