// Loopback targets for the scheduler benchmark, in their own process so their CPU is not ours.
import { createServer } from 'node:http';
const count = Number(process.argv[2] ?? 4);
const ports = [];
for (let i = 0; i < count; i++) {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  ports.push(server.address().port);
}
process.stdout.write(JSON.stringify({ ports }) + '\n');
process.on('SIGTERM', () => process.exit(0));
