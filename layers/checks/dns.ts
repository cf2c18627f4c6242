import dgram from 'node:dgram';
import { getServers } from 'node:dns';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decodeResponse, encodeQuery, type RecordType, type WireRecord, type WireResponse } from './dns-wire.ts';
import { checkText } from './texts.ts';
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
  /** Smallest TTL among the records and the CNAME chain leading to them (what a cache would honour). */
  ttl: number | null;
  /** The aliases from the name asked to the name that holds the records; empty without a CNAME. */
  cname_chain: CnameLink[];
  /** The chain ends at a name that does not exist: the alias dangles (a subdomain-takeover risk). */
  dangling_cname: { name: string; target: string } | null;
  rcode: string | null;
  server: string | null;
  response_time: number;
  error_kind: ErrorKind | null;
  error_message: string | null;
  checked_at: string;
}

export interface CnameLink {
  name: string;
  target: string;
  ttl: number;
}

interface Server {
  address: string;
  port: number;
}

const MAX_CHAIN = 16;
/** Extra queries for the chain's end when the server answers only for its own zone (no recursion). */
const MAX_FOLLOW_UPS = 4;

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
    const timer = setTimeout(() => finish(new QueryError(checkText('dns_query_timeout', { ms: Math.round(timeoutMs) }), true)), timeoutMs);
    socket.on('message', (msg) => {
      try {
        const res = decodeResponse(msg);
        if (res.id !== id) return; // a stray or spoofed datagram: keep waiting
        finish(null, res);
      } catch (err) {
        finish(new QueryError(checkText('dns_malformed', { error: errorText(err) })));
      }
    });
    socket.on('error', (err) =>
      finish(new QueryError(errorCode(err) === 'ECONNREFUSED' ? checkText('dns_port_unreachable') : errorText(err))),
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
    const timer = setTimeout(() => finish(new QueryError(checkText('dns_tcp_timeout', { ms: Math.round(timeoutMs) }), true)), timeoutMs);
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
        if (res.id !== id) finish(new QueryError(checkText('dns_wrong_id')));
        else finish(null, res);
      } catch (err) {
        finish(new QueryError(checkText('dns_malformed', { error: errorText(err) })));
      }
    });
    socket.on('error', (err) => finish(new QueryError(errorText(err))));
    socket.on('end', () => finish(new QueryError(checkText('dns_tcp_closed'))));
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
      // Joined before decoding: a character may be split across two character-strings.
      return { ...base, value: Buffer.concat(r.data.strings).toString('utf8') };
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
    cname_chain: [],
    dangling_cname: null,
    response_time: roundMs(performance.now() - started),
    error_kind: null,
    error_message: null,
    checked_at: new Date().toISOString(),
    ...partial,
  });
  const servers = (opts.dnsServers && opts.dnsServers.length > 0 ? opts.dnsServers : getServers())
    .map(parseServer)
    .filter((s): s is Server => s !== undefined);
  if (servers.length === 0) return result({ error_kind: 'invalid', error_message: checkText('dns_no_resolver') });
  if (name === '' || name.length > 253 || name.split('.').some((l) => l === '' || Buffer.byteLength(l) > 63)) {
    return result({ error_kind: 'invalid', error_message: checkText('dns_bad_name', { domain }) });
  }

  const deadline = started + timeoutMs;
  const perServer = Math.max(200, Math.floor(timeoutMs / servers.length));
  const problems: string[] = [];
  let allTimedOut = true;
  let failedRcode: { rcode: string; server: string } | undefined;
  for (const server of servers) {
    const label = net.isIPv6(server.address) ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`;
    const ask = async (qname: string): Promise<WireResponse | undefined> => {
      const left = deadline - performance.now();
      if (left <= 0) return undefined;
      const id = randomInt(0, 65536);
      const packet = encodeQuery(id, qname, recordType);
      const res = await queryUdp(server, packet, id, Math.min(perServer, left));
      return res.truncated ? queryTcp(server, packet, id, Math.max(1, Math.min(perServer, deadline - performance.now()))) : res;
    };
    try {
      const res = await ask(name);
      if (!res) break;
      if (res.rcode === 2 || res.rcode === 5) {
        allTimedOut = false;
        failedRcode ??= { rcode: res.rcodeName, server: label };
        problems.push(`${label}: ${res.rcodeName}`);
        continue; // SERVFAIL/REFUSED: another resolver may do better
      }
      return result({ ...(await readAnswer(name, recordType, res, ask)), server: label });
    } catch (err) {
      if (!(err instanceof QueryError && err.timedOut)) allTimedOut = false;
      problems.push(`${label}: ${errorText(err)}`);
    }
  }
  if (failedRcode) {
    return result({
      rcode: failedRcode.rcode,
      server: failedRcode.server,
      error_kind: 'dns',
      error_message:
        problems.length > 1
          ? checkText('dns_server_rcode_more', { server: failedRcode.server, rcode: failedRcode.rcode, problems: problems.join('; ') })
          : checkText('dns_server_rcode', { server: failedRcode.server, rcode: failedRcode.rcode }),
    });
  }
  return result({
    error_kind: allTimedOut ? 'timeout' : 'dns',
    error_message: checkText('dns_no_answer', { problems: problems.join('; ') || checkText('dns_budget') }),
  });
}

type AnswerFields = Pick<DnsResult, 'resolved' | 'records' | 'ttl' | 'rcode' | 'cname_chain' | 'dangling_cname' | 'error_kind' | 'error_message'>;

/** Walks the CNAME chain from `name` through the answer section, owner by owner. */
function walkChain(start: string, answers: WireRecord[], chain: CnameLink[]): string {
  let current = start;
  while (chain.length < MAX_CHAIN) {
    const link = answers.find((a) => a.type === 'CNAME' && a.data.kind === 'name' && a.name.toLowerCase() === current.toLowerCase());
    if (!link || link.data.kind !== 'name') break;
    chain.push({ name: current, target: link.data.name, ttl: link.ttl });
    current = link.data.name;
  }
  return current;
}

/**
 * Turns one answer into the result: the records at the end of the CNAME chain, the chain itself with
 * the lowest TTL along it, and a dangling alias told apart from a name that does not exist. A server
 * that does not recurse is asked for the chain's end itself.
 */
async function readAnswer(
  name: string,
  recordType: RecordType,
  first: WireResponse,
  ask: (qname: string) => Promise<WireResponse | undefined>,
): Promise<AnswerFields> {
  const base = { resolved: false, records: [] as DnsRecord[], ttl: null, dangling_cname: null };
  if (recordType === 'CNAME') {
    if (first.rcode === 3) return { ...base, rcode: first.rcodeName, cname_chain: [], error_kind: 'dns', error_message: checkText('dns_nxdomain', { name }) };
    const records = first.answers.filter((a) => a.type === 'CNAME' && a.name.toLowerCase() === name).map(present);
    if (first.rcode !== 0) return { ...base, rcode: first.rcodeName, cname_chain: [], error_kind: 'dns', error_message: checkText('dns_rcode', { rcode: first.rcodeName }) };
    if (records.length === 0) return { ...base, rcode: first.rcodeName, cname_chain: [], error_kind: 'no_data', error_message: checkText('dns_no_records', { name, type: 'CNAME' }) };
    return { ...base, resolved: true, records, ttl: Math.min(...records.map((r) => r.ttl)), rcode: first.rcodeName, cname_chain: [], error_kind: null, error_message: null };
  }
  const chain: CnameLink[] = [];
  let res = first;
  let end = walkChain(name, res.answers, chain);
  let finals = res.answers.filter((a) => a.type === recordType && a.name.toLowerCase() === end.toLowerCase());
  for (let i = 0; i < MAX_FOLLOW_UPS && finals.length === 0 && chain.length > 0 && res.rcode === 0 && !res.recursionAvailable; i++) {
    const next = await ask(end);
    if (!next) break;
    res = next;
    end = walkChain(end, res.answers, chain);
    finals = res.answers.filter((a) => a.type === recordType && a.name.toLowerCase() === end.toLowerCase());
  }
  // A server that names records oddly (another owner) still answered them.
  if (finals.length === 0 && chain.length === 0) finals = res.answers.filter((a) => a.type === recordType);
  const chainTtl = chain.length > 0 ? Math.min(...chain.map((c) => c.ttl)) : Number.POSITIVE_INFINITY;
  const fields = { cname_chain: chain, rcode: res.rcodeName };
  const last = chain.at(-1);
  if (res.rcode === 3) {
    if (last) {
      return {
        ...base,
        ...fields,
        dangling_cname: { name: last.name, target: last.target },
        error_kind: 'dns',
        error_message: checkText('dns_dangling', { alias: last.name, target: last.target, name }),
      };
    }
    return { ...base, ...fields, error_kind: 'dns', error_message: checkText('dns_nxdomain', { name }) };
  }
  if (res.rcode === 2 || res.rcode === 5) {
    return { ...base, ...fields, error_kind: 'dns', error_message: checkText('dns_chain_rcode', { rcode: res.rcodeName, end, name }) };
  }
  if (res.rcode !== 0) return { ...base, ...fields, error_kind: 'dns', error_message: checkText('dns_rcode', { rcode: res.rcodeName }) };
  const records = finals.map(present);
  if (records.length === 0) {
    const message = last ? checkText('dns_alias_no_records', { name, end, type: recordType }) : checkText('dns_no_records', { name, type: recordType });
    return { ...base, ...fields, error_kind: 'no_data', error_message: message };
  }
  return { ...base, ...fields, resolved: true, records, ttl: Math.min(chainTtl, ...records.map((r) => r.ttl)), error_kind: null, error_message: null };
}
