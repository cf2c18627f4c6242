// Loopback targets for the scheduler benchmarks, in their own process so their CPU is not ours.
// Prints {"ports": [...], "silent": port}: healthy servers, and one that accepts and never answers.
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
const count = Number(process.argv[2] ?? 4);
const ports = [];
for (let i = 0; i < count; i++) {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  ports.push(server.address().port);
}
const silent = createTcpServer(() => {});
await new Promise((r) => silent.listen(0, '127.0.0.1', r));
process.stdout.write(JSON.stringify({ ports, silent: silent.address().port }) + '\n');
process.on('SIGTERM', () => process.exit(0));
