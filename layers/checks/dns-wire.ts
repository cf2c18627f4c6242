// A small RFC 1035 message encoder/decoder, enough for one question and the record types the DNS
// tool supports. Written here (no dependency) because node:dns hides TTLs for all but A/AAAA.

export const RECORD_TYPES = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28 } as const;
export type RecordType = keyof typeof RECORD_TYPES;

const TYPE_NAMES = new Map<number, string>(Object.entries(RECORD_TYPES).map(([k, v]) => [v, k]));

export const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'] as const;

export class DnsWireError extends Error {}

export function encodeQuery(id: number, name: string, type: RecordType): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter((l) => l !== '');
  const parts: Buffer[] = [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // RD: ask for recursion
  header.writeUInt16BE(1, 4);
  parts.push(header);
  for (const label of labels) {
    const b = Buffer.from(label, 'utf8');
    if (b.length > 63) throw new DnsWireError(`label too long: ${label}`);
    parts.push(Buffer.from([b.length]), b);
  }
  const tail = Buffer.alloc(5);
  tail.writeUInt8(0, 0);
  tail.writeUInt16BE(RECORD_TYPES[type], 1);
  tail.writeUInt16BE(1, 3); // class IN
  parts.push(tail);
  return Buffer.concat(parts);
}

export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export type RecordData =
  | { kind: 'address'; address: string }
  | { kind: 'name'; name: string }
  | { kind: 'mx'; priority: number; exchange: string }
  /** Character-strings as raw bytes: one UTF-8 character may be split across two of them. */
  | { kind: 'txt'; strings: Buffer[] }
  | { kind: 'soa'; soa: SoaData }
  | { kind: 'raw'; hex: string };

export interface WireRecord {
  name: string;
  type: string;
  typeCode: number;
  ttl: number;
  data: RecordData;
}

export interface WireResponse {
  id: number;
  truncated: boolean;
  /** AA: the server is authoritative for the name. */
  authoritative: boolean;
  /** RA: the server resolves recursively (a resolver, not only an authoritative server). */
  recursionAvailable: boolean;
  rcode: number;
  rcodeName: string;
  answers: WireRecord[];
  authorities: WireRecord[];
}

class Reader {
  constructor(
    private readonly buf: Buffer,
    public pos = 0,
  ) {}
  need(n: number) {
    if (this.pos + n > this.buf.length) throw new DnsWireError('truncated DNS message');
  }
  u8() {
    this.need(1);
    return this.buf.readUInt8(this.pos++);
  }
  u16() {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32() {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number) {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  /** Reads a possibly compressed name; pointer loops are cut off by a jump limit. */
  name(): string {
    const labels: string[] = [];
    let pos = this.pos;
    let jumped = false;
    for (let jumps = 0; jumps < 64; ) {
      if (pos >= this.buf.length) throw new DnsWireError('truncated DNS name');
      const len = this.buf.readUInt8(pos);
      if ((len & 0xc0) === 0xc0) {
        if (pos + 1 >= this.buf.length) throw new DnsWireError('truncated DNS name pointer');
        const ptr = ((len & 0x3f) << 8) | this.buf.readUInt8(pos + 1);
        if (!jumped) this.pos = pos + 2;
        jumped = true;
        pos = ptr;
        jumps++;
        continue;
      }
      if (len === 0) {
        if (!jumped) this.pos = pos + 1;
        return labels.join('.');
      }
      if (pos + 1 + len > this.buf.length) throw new DnsWireError('truncated DNS label');
      labels.push(this.buf.toString('utf8', pos + 1, pos + 1 + len));
      pos += 1 + len;
    }
    throw new DnsWireError('DNS name compression loop');
  }
}

function ipv6(b: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  // Compress the longest run of zero groups, as in RFC 5952.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function readRecord(r: Reader): WireRecord {
  const name = r.name();
  const typeCode = r.u16();
  r.u16(); // class
  const ttl = r.u32();
  const rdlength = r.u16();
  const end = r.pos + rdlength;
  r.need(rdlength);
  let data: RecordData;
  switch (typeCode) {
    case RECORD_TYPES.A:
      data = { kind: 'address', address: Array.from(r.bytes(4)).join('.') };
      break;
    case RECORD_TYPES.AAAA:
      data = { kind: 'address', address: ipv6(r.bytes(16)) };
      break;
    case RECORD_TYPES.CNAME:
    case RECORD_TYPES.NS:
      data = { kind: 'name', name: r.name() };
      break;
    case RECORD_TYPES.MX: {
      const priority = r.u16();
      data = { kind: 'mx', priority, exchange: r.name() };
      break;
    }
    case RECORD_TYPES.TXT: {
      const strings: Buffer[] = [];
      while (r.pos < end) {
        const len = r.u8();
        strings.push(Buffer.from(r.bytes(len)));
      }
      data = { kind: 'txt', strings };
      break;
    }
    case RECORD_TYPES.SOA:
      data = {
        kind: 'soa',
        soa: { mname: r.name(), rname: r.name(), serial: r.u32(), refresh: r.u32(), retry: r.u32(), expire: r.u32(), minimum: r.u32() },
      };
      break;
    default:
      data = { kind: 'raw', hex: r.bytes(rdlength).toString('hex') };
  }
  r.pos = end;
  return { name, type: TYPE_NAMES.get(typeCode) ?? `TYPE${typeCode}`, typeCode, ttl, data };
}

export function decodeResponse(buf: Buffer): WireResponse {
  const r = new Reader(buf);
  const id = r.u16();
  const flags = r.u16();
  const qd = r.u16();
  const an = r.u16();
  const ns = r.u16();
  r.u16(); // additional records are not needed
  if ((flags & 0x8000) === 0) throw new DnsWireError('not a DNS response');
  for (let i = 0; i < qd; i++) {
    r.name();
    r.u16();
    r.u16();
  }
  const answers: WireRecord[] = [];
  for (let i = 0; i < an; i++) answers.push(readRecord(r));
  const authorities: WireRecord[] = [];
  try {
    for (let i = 0; i < ns; i++) authorities.push(readRecord(r));
  } catch {
    // The authority section only serves the negative-answer TTL; a broken one is not fatal.
  }
  const rcode = flags & 0x000f;
  return {
    id,
    truncated: (flags & 0x0200) !== 0,
    authoritative: (flags & 0x0400) !== 0,
    recursionAvailable: (flags & 0x0080) !== 0,
    rcode,
    rcodeName: RCODES[rcode] ?? `RCODE${rcode}`,
    answers,
    authorities,
  };
}
