import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

// Runs in its own process so its CPU is not counted in the probe's process.cpuUsage().
const delayMs = Number(process.argv[2] ?? 50);
const server = http.createServer((req, res) => {
  const arrived = performance.now();
  setTimeout(() => {
    // How long the server really held the request: timers fire late under load.
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2', 'x-held-ms': (performance.now() - arrived).toFixed(3), 'x-client-port': String(req.socket.remotePort) });
    res.end('ok');
  }, delayMs);
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
