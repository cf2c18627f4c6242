import dgram from 'node:dgram';
import { getServers } from 'node:dns';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decodeResponse, encodeQuery, type RecordType, type WireRecord, type WireResponse } from './dns-wire.ts';
import { errorCode, errorText, roundMs, type ErrorKind } from './types.ts';

export interface DnsProbeOptions {
  /** Resolvers as `host`, `host:port` or `[v6]:port`; the system's (resolv.conf) when absent. */
  dnsServers?: string[];
  /** Overall budget across resolvers; default 5 s. */
  timeoutMs?: number;
}

export interface DnsRecord {
  type: string;
  name: string;
  ttl: number;
  /** Presentation form: the address, the name, `10 mx.example.com`, the TXT text, or the SOA fields. */
  value: string;
  priority?: number;
  exchange?: string;
  soa?: { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number };
}

export interface DnsResult {
  domain: string;
  record_type: RecordType;
  resolved: boolean;
  records: DnsRecord[];
  /** Smallest TTL among the records (what a cache would honour), null without records. */
  ttl: number | null;
  rcode: string | null;
  server: string | null;
  response_time: number;
  error_kind: ErrorKind | null;
  error_message: string | null;
  checked_at: string;
}

interface Server {
  address: string;
  port: number;
}

/** Parses `1.2.3.4`, `1.2.3.4:53`, `::1`, `[::1]:5353`. */
export function parseServer(s: string): Server | undefined {
  const t = s.trim();
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracket) return net.isIPv6(bracket[1] ?? '') ? { address: bracket[1]!, port: Number(bracket[2] ?? 53) } : undefined;
  if (net.isIPv6(t)) return { address: t, port: 53 };
  const [host, port] = t.split(':');
  if (!host || !net.isIPv4(host)) return undefined;
  const p = port === undefined ? 53 : Number(port);
  return Number.isInteger(p) && p > 0 && p < 65536 ? { address: host, port: p } : undefined;
}

class QueryError extends Error {
  constructor(
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
  }
}

function queryUdp(server: Server, packet: Buffer, id: number, timeoutMs: number): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(server.address) ? 'udp6' : 'udp4');
    const finish = (err: Error | null, res?: WireResponse) => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(res!);
    };
    const timer = setTimeout(() => finish(new QueryError(`no answer within ${Math.round(timeoutMs)} ms`, true)), timeoutMs);
    socket.on('message', (msg) => {
      try {
        const res = decodeResponse(msg);
        if (res.id !== id) return; // a stray or spoofed datagram: keep waiting
        finish(null, res);
      } catch (err) {
        finish(new QueryError(`malformed DNS answer: ${errorText(err)}`));
      }
    });
    socket.on('error', (err) =>
      finish(new QueryError(errorCode(err) === 'ECONNREFUSED' ? 'resolver port unreachable' : errorText(err))),
    );
    socket.connect(server.port, server.address, () => {
      socket.send(packet, (err) => {
        if (err) finish(new QueryError(errorText(err)));
      });
    });
  });
}

/** DNS over TCP (2-byte length prefix), used when a UDP answer comes back truncated. */
function queryTcp(server: Server, packet: Buffer, id: number, timeoutMs: number): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server.address, port: server.port });
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err: Error | null, res?: WireResponse) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(res!);
    };
    const timer = setTimeout(() => finish(new QueryError(`no TCP answer within ${Math.round(timeoutMs)} ms`, true)), timeoutMs);
    socket.once('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(packet.length);
      socket.write(Buffer.concat([len, packet]));
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      const all = Buffer.concat(chunks, size);
      if (all.length < 2) return;
      const want = all.readUInt16BE(0);
      if (all.length < want + 2) return;
      try {
        const res = decodeResponse(all.subarray(2, 2 + want));
        if (res.id !== id) finish(new QueryError('DNS answer for another query'));
        else finish(null, res);
      } catch (err) {
        finish(new QueryError(`malformed DNS answer: ${errorText(err)}`));
      }
    });
    socket.on('error', (err) => finish(new QueryError(errorText(err))));
    socket.on('end', () => finish(new QueryError('resolver closed the TCP connection')));
  });
}

function present(r: WireRecord): DnsRecord {
  const base = { type: r.type, name: r.name, ttl: r.ttl };
  switch (r.data.kind) {
    case 'address':
      return { ...base, value: r.data.address };
    case 'name':
      return { ...base, value: r.data.name };
    case 'mx':
      return { ...base, value: `${r.data.priority} ${r.data.exchange}`, priority: r.data.priority, exchange: r.data.exchange };
    case 'txt':
      return { ...base, value: r.data.strings.join('') };
    case 'soa': {
      const s = r.data.soa;
      return { ...base, value: `${s.mname} ${s.rname} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`, soa: s };
    }
    case 'raw':
      return { ...base, value: r.data.hex };
  }
}

/**
 * DNS lookup (spec 4.7) with TTLs for every type: one question over UDP (TCP when truncated)
 * to each resolver in turn until one answers.
 */
export async function probeDns(domain: string, recordType: RecordType, opts: DnsProbeOptions = {}): Promise<DnsResult> {
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const name = domain.trim().replace(/\.$/, '').toLowerCase();
  const result = (partial: Partial<DnsResult>): DnsResult => ({
    domain: name,
    record_type: recordType,
    resolved: false,
    records: [],
    ttl: null,
    rcode: null,
    server: null,
    response_time: roundMs(performance.now() - started),
    error_kind: null,
    error_message: null,
    checked_at: new Date().toISOString(),
    ...partial,
  });
  const servers = (opts.dnsServers && opts.dnsServers.length > 0 ? opts.dnsServers : getServers())
    .map(parseServer)
    .filter((s): s is Server => s !== undefined);
  if (servers.length === 0) return result({ error_kind: 'invalid', error_message: 'no usable DNS resolver configured' });
  if (name === '' || name.length > 253 || name.split('.').some((l) => l === '' || Buffer.byteLength(l) > 63)) {
    return result({ error_kind: 'invalid', error_message: `not a valid domain name: ${domain}` });
  }

  const deadline = started + timeoutMs;
  const perServer = Math.max(200, Math.floor(timeoutMs / servers.length));
  const problems: string[] = [];
  let allTimedOut = true;
  for (const server of servers) {
    const left = deadline - performance.now();
    if (left <= 0) break;
    const label = net.isIPv6(server.address) ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`;
    const id = randomInt(0, 65536);
    const packet = encodeQuery(id, name, recordType);
    try {
      let res = await queryUdp(server, packet, id, Math.min(perServer, left));
      if (res.truncated) res = await queryTcp(server, packet, id, Math.max(1, Math.min(perServer, deadline - performance.now())));
      if (res.rcode === 2 || res.rcode === 5) {
        allTimedOut = false;
        problems.push(`${label}: ${res.rcodeName}`);
        continue; // SERVFAIL/REFUSED: another resolver may do better
      }
      if (res.rcode === 3) {
        return result({ rcode: res.rcodeName, server: label, error_kind: 'dns', error_message: `${name} does not exist (NXDOMAIN)` });
      }
      if (res.rcode !== 0) {
        return result({ rcode: res.rcodeName, server: label, error_kind: 'dns', error_message: `resolver answered ${res.rcodeName}` });
      }
      const records = res.answers.filter((a) => a.type === recordType).map(present);
      if (records.length === 0) {
        return result({ rcode: res.rcodeName, server: label, error_kind: 'no_data', error_message: `${name} has no ${recordType} records` });
      }
      return result({
        resolved: true,
        records,
        ttl: Math.min(...records.map((r) => r.ttl)),
        rcode: res.rcodeName,
        server: label,
      });
    } catch (err) {
      if (!(err instanceof QueryError && err.timedOut)) allTimedOut = false;
      problems.push(`${label}: ${errorText(err)}`);
    }
  }
  return result({
    error_kind: allTimedOut ? 'timeout' : 'dns',
    error_message: `no resolver answered (${problems.join('; ') || 'time budget exhausted'})`,
  });
}
