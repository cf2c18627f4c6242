import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

// A single-process browser keeps one context for its life, and a context's proxy is fixed when it is
// created. So that context talks to this loopback relay, which pipes each connection to the proxy of the
// check that runs now (its own policy proxy, with its own refusals and pins). Switching drops every
// connection of the previous check, so none of its traffic can reach the next check's proxy.

export interface ProxySwitch {
  /** For BrowserContextOptions.proxy.server of the long-lived context. */
  readonly server: string;
  /** Sends new connections to this proxy (http://127.0.0.1:port); undefined refuses them. */
  route(upstream: string | undefined): void;
  close(): Promise<void>;
}

export async function startProxySwitch(): Promise<ProxySwitch> {
  let upstream: { host: string; port: number } | undefined;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    const target = upstream;
    if (!target) {
      client.destroy();
      return;
    }
    client.setNoDelay(true);
    const relayed = connect({ host: target.host, port: target.port, noDelay: true });
    track(relayed);
    relayed.once('close', () => client.destroy());
    client.once('close', () => relayed.destroy());
    client.pipe(relayed);
    relayed.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server: `http://127.0.0.1:${port}`,
    route(next) {
      for (const socket of sockets) socket.destroy();
      upstream = next === undefined ? undefined : loopbackProxy(next);
    },
    close: () =>
      new Promise<void>((resolve) => {
        upstream = undefined;
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Only the checks' own policy proxies, which listen on loopback, are valid upstreams. */
function loopbackProxy(server: string): { host: string; port: number } {
  const url = new URL(server);
  if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1' || !url.port) throw new Error(`not a loopback proxy: ${server}`);
  return { host: url.hostname, port: Number(url.port) };
}
