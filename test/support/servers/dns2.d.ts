// Just enough of dns2's (untyped) server API for the test DNS server.
declare module 'dns2' {
  import type { Socket as UdpSocket } from 'node:dgram';
  import type { Server as NetServer, Socket as NetSocket } from 'node:net';

  namespace DNS {
    interface Header {
      id: number;
      qr: number;
      aa: number;
      tc: number;
      rd: number;
      ra: number;
      rcode: number;
    }
    interface Question {
      name: string;
      type: number;
      class: number;
    }
    interface Resource {
      name: string;
      type: number;
      class: number;
      ttl: number;
      [field: string]: unknown;
    }
    interface PacketInstance {
      header: Header;
      questions: Question[];
      answers: Resource[];
      authorities: Resource[];
      additionals: Resource[];
      toBuffer(): Buffer;
    }
    interface PacketStatic {
      TYPE: Record<'A' | 'NS' | 'CNAME' | 'SOA' | 'MX' | 'TXT' | 'AAAA', number>;
      CLASS: { IN: number };
      createResponseFromRequest(request: PacketInstance): PacketInstance;
      parse(buf: Buffer): PacketInstance;
    }
    type Send = (response: PacketInstance) => Promise<unknown> | void;
    type Handler = (request: PacketInstance, send: Send, rinfo: unknown) => void;
    class UDPServer extends UdpSocket {
      constructor(options: { type: 'udp4' | 'udp6' } | Handler);
      listen(port: number, address: string): Promise<void>;
      on(event: 'request', handler: Handler): this;
      on(event: string, handler: (...args: never[]) => void): this;
    }
    class TCPServer extends NetServer {
      constructor(handler: Handler);
      on(event: 'request', handler: (request: PacketInstance, send: Send, client: NetSocket) => void): this;
      on(event: string, handler: (...args: never[]) => void): this;
    }
  }
  interface DNSModule {
    Packet: DNS.PacketStatic;
    UDPServer: typeof DNS.UDPServer;
    TCPServer: typeof DNS.TCPServer;
  }
  const dns2: DNSModule;
  export default dns2;
  export type { DNS };
}
