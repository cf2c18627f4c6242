import type { AddressInfo } from 'node:net';
import dns2 from 'dns2';
import type { DNS } from 'dns2';

const { Packet } = dns2;

/** One record as the test zone holds it (dns2's field names). */
export type ZoneRecord =
  | { type: 'A' | 'AAAA'; ttl: number; address: string }
  | { type: 'CNAME'; ttl: number; domain: string }
  | { type: 'NS'; ttl: number; ns: string }
  | { type: 'MX'; ttl: number; exchange: string; priority: number }
  | { type: 'TXT'; ttl: number; data: string | Array<string | Buffer> }
  | {
      type: 'SOA';
      ttl: number;
      primary: string;
      admin: string;
      serial: number;
      refresh: number;
      retry: number;
      expiration: number;
      minimum: number;
    };

/**
 * Special behaviours a name can have instead of records. `authoritative-only` answers the name's own
 * records without following its CNAME, as an authoritative server (no recursion) does.
 */
export type NameBehaviour = 'servfail' | 'refused' | 'silent' | 'truncate-udp' | 'authoritative-only';

export interface TestDnsServer {
  /** `127.0.0.1:port`, ready for `dnsServers`. */
  server: string;
  port: number;
  /** Queries seen, as `name TYPE`, in order. */
  queries: string[];
  setRecords(name: string, records: ZoneRecord[]): void;
  setBehaviour(name: string, behaviour: NameBehaviour): void;
  /** DNS rebinding: the first query of `type` for `name` gets `first`, every later one gets `then`. */
  setRebinding(name: string, first: ZoneRecord[], then: ZoneRecord[]): void;
  close(): Promise<void>;
}

/** A default zone answering every supported type for example.test. */
export function defaultZone(): Map<string, ZoneRecord[]> {
  return new Map<string, ZoneRecord[]>([
    [
      'example.test',
      [
        { type: 'A', ttl: 300, address: '127.0.0.1' },
        { type: 'AAAA', ttl: 301, address: '2001:db8::1' },
        { type: 'NS', ttl: 86400, ns: 'ns1.example.test' },
        { type: 'NS', ttl: 86400, ns: 'ns2.example.test' },
        { type: 'MX', ttl: 3600, exchange: 'mail.example.test', priority: 10 },
        { type: 'MX', ttl: 3600, exchange: 'backup.example.test', priority: 20 },
        { type: 'TXT', ttl: 120, data: 'v=spf1 -all' },
        {
          type: 'SOA',
          ttl: 900,
          primary: 'ns1.example.test',
          admin: 'hostmaster.example.test',
          serial: 2026010101,
          refresh: 7200,
          retry: 3600,
          expiration: 1209600,
          minimum: 300,
        },
      ],
    ],
    ['www.example.test', [{ type: 'CNAME', ttl: 60, domain: 'example.test' }]],
    ['app.example.test', [{ type: 'A', ttl: 30, address: '127.0.0.1' }]],
  ]);
}

/** A dns2 UDP (and TCP, for truncated answers) server on 127.0.0.1, port 0. */
export async function startDnsServer(zone: Map<string, ZoneRecord[]> = defaultZone()): Promise<TestDnsServer> {
  const behaviours = new Map<string, NameBehaviour>();
  const rebinding = new Map<string, { first: ZoneRecord[]; then: ZoneRecord[]; served: Set<string> }>();
  const queries: string[] = [];
  const typeName = (code: number) =>
    (Object.entries(Packet.TYPE) as [string, number][]).find(([, v]) => v === code)?.[0] ?? String(code);

  const answer = (request: DNS.PacketInstance, overTcp: boolean): DNS.PacketInstance | undefined => {
    const response = Packet.createResponseFromRequest(request);
    response.header.ra = 1;
    const q = request.questions[0];
    if (!q) return response;
    const name = q.name.toLowerCase().replace(/\.$/, '');
    const type = typeName(q.type);
    queries.push(`${name} ${type}`);
    const behaviour = behaviours.get(name);
    if (behaviour === 'silent') return undefined;
    if (behaviour === 'servfail') {
      response.header.rcode = 2;
      return response;
    }
    if (behaviour === 'truncate-udp' && !overTcp) {
      response.header.tc = 1;
      return response;
    }
    const rebind = rebinding.get(name);
    let records = zone.get(name);
    if (rebind) {
      records = rebind.served.has(type) ? rebind.then : rebind.first;
      rebind.served.add(type);
    }
    if (behaviour === 'refused') {
      response.header.rcode = 5;
      return response;
    }
    if (!records) {
      response.header.rcode = 3;
      return response;
    }
    // Like a recursive resolver, follow a CNAME chain inside the zone (not for CNAME questions); a chain
    // ending at a name that does not exist answers NXDOMAIN with the chain (RFC 6604).
    const follow = behaviour !== 'authoritative-only' && type !== 'CNAME';
    if (behaviour === 'authoritative-only') {
      response.header.ra = 0;
      response.header.aa = 1;
    }
    let owner = q.name;
    for (let hop = 0; hop < 8 && records; hop++) {
      const alias = records.find((r): r is Extract<ZoneRecord, { type: 'CNAME' }> => r.type === 'CNAME');
      for (const r of records) {
        if (r.type !== type && r.type !== 'CNAME') continue;
        const { type: t, ...fields } = r;
        response.answers.push({ name: owner, type: Packet.TYPE[t], class: Packet.CLASS.IN, ...fields });
      }
      if (!alias || !follow) break;
      owner = alias.domain;
      records = zone.get(alias.domain.toLowerCase());
      if (!records) response.header.rcode = 3;
    }
    return response;
  };

  const onUdp = (request: DNS.PacketInstance, send: DNS.Send) => {
    const res = answer(request, false);
    if (res) void send(res);
  };
  const onTcp = (request: DNS.PacketInstance, send: DNS.Send) => {
    const res = answer(request, true);
    if (res) void send(res);
  };
  // TCP must share the UDP port number, as resolvers expect; another process may hold that TCP
  // port, so try a few free UDP ports.
  let bound: { udp: InstanceType<typeof dns2.UDPServer>; tcp: InstanceType<typeof dns2.TCPServer>; port: number } | undefined;
  for (let attempt = 0; attempt < 20 && !bound; attempt++) {
    const udp = new dns2.UDPServer({ type: 'udp4' });
    udp.on('request', onUdp);
    await udp.listen(0, '127.0.0.1');
    const port = (udp.address() as AddressInfo).port;
    const tcp = new dns2.TCPServer(onTcp);
    const ok = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) bound = { udp, tcp, port };
    else await new Promise<void>((r) => udp.close(() => r()));
  }
  if (!bound) throw new Error('could not bind the test DNS server on UDP and TCP');
  const { udp, tcp, port } = bound;

  return {
    server: `127.0.0.1:${port}`,
    port,
    queries,
    setRecords: (name, records) => {
      zone.set(name.toLowerCase(), records);
      behaviours.delete(name.toLowerCase());
    },
    setBehaviour: (name, behaviour) => behaviours.set(name.toLowerCase(), behaviour),
    setRebinding: (name, first, then) => rebinding.set(name.toLowerCase(), { first, then, served: new Set() }),
    close: async () => {
      await new Promise<void>((r) => udp.close(() => r()));
      await new Promise<void>((r) => tcp.close(() => r()));
    },
  };
}
