import dgram from 'node:dgram';

export interface TestUdpServer {
  port: number;
  /** Datagrams received, as UTF-8 text. */
  received: string[];
  close(): Promise<void>;
}

async function bind(onMessage: (socket: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo) => void): Promise<TestUdpServer> {
  const socket = dgram.createSocket('udp4');
  const received: string[] = [];
  socket.on('message', (msg, rinfo) => {
    received.push(msg.toString('utf8'));
    onMessage(socket, msg, rinfo);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  return { port: socket.address().port, received, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

/** Echoes every datagram back to its sender (an "open" UDP port). */
export function startUdpEchoServer(): Promise<TestUdpServer> {
  return bind((socket, msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
}

/** Receives and never answers (an "open|filtered" UDP port). */
export function startUdpSilentServer(): Promise<TestUdpServer> {
  return bind(() => {});
}

/** A UDP port on 127.0.0.1 that was just free: the kernel answers ICMP port unreachable. */
export async function closedUdpPort(): Promise<number> {
  const s = await startUdpSilentServer();
  await s.close();
  return s.port;
}
