import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TestWhoisServer {
  /** `127.0.0.1:port`, for `whoisServer` or a `refer:` line. */
  address: string;
  port: number;
  /** Queries received, trimmed. */
  queries: string[];
  close(): Promise<void>;
}

/** A port-43 style WHOIS server: reads one query line, writes the answer, closes. */
export async function startWhoisServer(answer: (query: string) => string): Promise<TestWhoisServer> {
  const queries: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buf = '';
    socket.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      const end = buf.indexOf('\n');
      if (end < 0) return;
      const query = buf.slice(0, end).trim();
      queries.push(query);
      socket.end(answer(query));
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    queries,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A thick-registry style answer, as Verisign's WHOIS writes it. */
export function registryWhoisAnswer(o: { domain: string; expires: string; created?: string; registrar?: string; registrarWhois?: string }): string {
  return [
    `   Domain Name: ${o.domain.toUpperCase()}`,
    '   Registry Domain ID: 2336799_DOMAIN_COM-VRSN',
    ...(o.registrarWhois ? [`   Registrar WHOIS Server: ${o.registrarWhois}`] : []),
    `   Creation Date: ${o.created ?? '1995-08-14T04:00:00Z'}`,
    `   Registry Expiry Date: ${o.expires}`,
    `   Registrar: ${o.registrar ?? 'Example Registrar, Inc.'}`,
    '   Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited',
    '   Name Server: NS1.EXAMPLE.COM',
    '>>> Last update of whois database: 2026-01-01T00:00:00Z <<<',
    '',
  ].join('\r\n');
}
