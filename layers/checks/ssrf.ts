import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { checkText } from './texts.ts';

// Targets are user input. Every probe checks the address it is about to connect to (after DNS and
// after each redirect) with `checkAddress`; forms check URLs syntactically with `validateTargetUrl`.

export interface TargetPolicy {
  /**
   * Loopback, RFC 1918, CGNAT, ULA, documentation, benchmarking, local NAT64, Teredo and the host's own
   * addresses are allowed only when the operator says so.
   */
  allowPrivateTargets: boolean;
}

/** Why an address is what it is. `public` is always allowed, `private`/`loopback` only by policy. */
export type AddressCategory =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | 'benchmarking'
  | 'nat64'
  | 'teredo'
  | 'host'
  | 'invalid';

const ALWAYS_REFUSED: ReadonlySet<AddressCategory> = new Set([
  'link-local',
  'metadata',
  'unspecified',
  'multicast',
  'reserved',
  'invalid',
]);

interface V4Range {
  base: number;
  bits: number;
  category: AddressCategory;
}

const v4 = (cidr: string, category: AddressCategory): V4Range => {
  const [addr, bits] = cidr.split('/');
  const base = parseIPv4(addr ?? '');
  if (base === undefined) throw new Error(`bad CIDR ${cidr}`);
  return { base, bits: Number(bits), category };
};

// First match wins, so specific entries (metadata) precede the ranges that contain them.
const V4_RANGES: readonly V4Range[] = [
  v4('100.100.100.200/32', 'metadata'), // Alibaba Cloud metadata, inside 100.64/10
  v4('169.254.0.0/16', 'link-local'), // includes 169.254.169.254 (AWS, GCP, Azure, OCI metadata)
  v4('0.0.0.0/8', 'unspecified'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'), // includes 255.255.255.255
  v4('127.0.0.0/8', 'loopback'),
  v4('10.0.0.0/8', 'private'),
  v4('172.16.0.0/12', 'private'),
  v4('192.168.0.0/16', 'private'),
  v4('100.64.0.0/10', 'private'),
  v4('192.0.0.0/24', 'private'), // IETF protocol assignments, never a public web host
  v4('198.18.0.0/15', 'benchmarking'),
  v4('192.0.2.0/24', 'documentation'), // TEST-NET-1..3
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
];

/** Parses dotted-quad IPv4 into an unsigned 32-bit number. */
function parseIPv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const o = Number(p);
    if (o > 255) return undefined;
    n = n * 256 + o;
  }
  return n;
}

/** Parses IPv6 (with optional embedded IPv4 tail and zone id) into eight 16-bit groups. */
function parseIPv6(input: string): number[] | undefined {
  let s = input;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (isIP(s) !== 6) return undefined;
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    const n = parseIPv4(last);
    if (n === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const halves = s.split('::');
  const toGroups = (h: string | undefined) => (h ? h.split(':').map((g) => parseInt(g, 16)) : []);
  const head = toGroups(halves[0]);
  const rest = halves.length > 1 ? toGroups(halves[1]) : [];
  const fill = 8 - head.length - rest.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const groups = [...head, ...new Array<number>(fill).fill(0), ...rest];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function classifyV4(n: number): AddressCategory {
  for (const r of V4_RANGES) {
    const size = 2 ** (32 - r.bits);
    if (Math.floor(n / size) === Math.floor(r.base / size)) return r.category;
  }
  return 'public';
}

const prefixMatch = (g: number[], prefix: number[], bits: number): boolean => {
  for (let i = 0; i < 8 && bits > 0; i++) {
    const take = Math.min(16, bits);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((g[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
    bits -= take;
  }
  return true;
};

const embeddedV4 = (hi: number | undefined, lo: number | undefined) => (hi ?? 0) * 65536 + (lo ?? 0);

function classifyV6(g: number[]): AddressCategory {
  const [g0 = 0, g1 = 0, g2 = 0, , g4 = 0, g5 = 0, g6, g7] = g;
  const allZero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (allZero(0, 8)) return 'unspecified';
  if (allZero(0, 7) && g7 === 1) return 'loopback';
  // Forms that carry an IPv4 address are judged by that address (mapped, compatible, NAT64, 6to4).
  if (allZero(0, 5) && g5 === 0xffff) return classifyV4(embeddedV4(g6, g7));
  if (allZero(0, 4) && g4 === 0xffff && g5 === 0) return classifyV4(embeddedV4(g6, g7)); // ::ffff:0:a.b.c.d
  if (allZero(0, 6)) return classifyV4(embeddedV4(g6, g7));
  if (g0 === 0x64 && g1 === 0xff9b && allZero(2, 6)) return classifyV4(embeddedV4(g6, g7));
  if (prefixMatch(g, [0x64, 0xff9b, 0x0001], 48)) return 'nat64'; // local-use NAT64 (RFC 8215): the site's own translator
  if (g0 === 0x2002) return classifyV4(embeddedV4(g1, g2));
  if (g0 === 0x2001 && g1 === 0) {
    // Teredo carries the client's IPv4 address inverted; one that is never allowed stays never allowed.
    const client = classifyV4(0xffffffff - embeddedV4(g6, g7));
    return ALWAYS_REFUSED.has(client) ? client : 'teredo';
  }
  if (prefixMatch(g, [0x2001, 0x0002, 0], 48)) return 'benchmarking';
  if (g0 === 0xfd00 && g1 === 0x0ec2 && allZero(2, 7) && g7 === 0x254) return 'metadata'; // AWS IMDS over IPv6
  if (prefixMatch(g, [0xfe80], 10)) return 'link-local';
  if (prefixMatch(g, [0xff00], 8)) return 'multicast';
  if (prefixMatch(g, [0xfc00], 7)) return 'private';
  if (prefixMatch(g, [0xfec0], 10)) return 'private'; // deprecated site-local
  if (prefixMatch(g, [0x2001, 0x0db8], 32)) return 'documentation';
  if (prefixMatch(g, [0x3fff], 20)) return 'documentation'; // RFC 9637
  if (prefixMatch(g, [0x0100, 0, 0, 0], 64)) return 'reserved'; // discard-only
  return 'public';
}

/** Classifies a literal IP address (v4 or v6); anything else is `invalid`. */
export function classifyAddress(address: string): AddressCategory {
  const ip = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const n = parseIPv4(ip);
  if (n !== undefined) return classifyV4(n);
  const g = parseIPv6(ip);
  return g ? classifyV6(g) : 'invalid';
}

export type AddressCheck = { ok: true; category: AddressCategory } | { ok: false; category: AddressCategory; reason: string };

const HOST_ADDRESSES_TTL_MS = 30_000;
let hostAddresses: { until: number; set: Set<string> } | undefined;

/** Canonical text of an IP literal (IPv4-mapped IPv6 as IPv4), so spellings of one address compare equal. */
function canonicalAddress(address: string): string | undefined {
  const ip = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const n = parseIPv4(ip);
  if (n !== undefined) return `v4:${n}`;
  const g = parseIPv6(ip);
  if (!g) return undefined;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `v4:${embeddedV4(g[6], g[7])}`;
  return `v6:${g.join(':')}`;
}

/** The machine's own interface addresses (re-read every 30 s): a check aimed at them reaches local services. */
function isHostAddress(address: string): boolean {
  const now = Date.now();
  if (!hostAddresses || hostAddresses.until < now) {
    const set = new Set<string>();
    for (const list of Object.values(networkInterfaces())) {
      for (const info of list ?? []) {
        const c = canonicalAddress(info.address);
        if (c) set.add(c);
      }
    }
    hostAddresses = { until: now + HOST_ADDRESSES_TTL_MS, set };
  }
  const c = canonicalAddress(address);
  return c !== undefined && hostAddresses.set.has(c);
}

/** `classifyAddress`, plus `host` for the machine's own (non-loopback) addresses. */
export function classifyTarget(address: string): AddressCategory {
  const category = classifyAddress(address);
  if (ALWAYS_REFUSED.has(category) || category === 'loopback') return category;
  return isHostAddress(address) ? 'host' : category;
}

/** The policy applied to the address actually connected to. */
export function checkAddress(address: string, policy: TargetPolicy): AddressCheck {
  const category = classifyTarget(address);
  if (category === 'public') return { ok: true, category };
  if (!ALWAYS_REFUSED.has(category) && policy.allowPrivateTargets) return { ok: true, category };
  return { ok: false, category, reason: blockedMessage(address) };
}

export const blockedMessage = (address: string) => checkText('target_not_allowed', { host: address });

// Names that only ever point inside the operator's network.
const INTERNAL_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal']);
const INTERNAL_SUFFIXES = ['.localhost', '.local', '.internal', '.intranet', '.lan', '.home.arpa', '.corp'];

export type TargetValidation = { ok: true } | { ok: false; reason: string };

/** Syntactic host check for forms (no DNS): literal IPs by policy, obviously internal names refused. */
export function validateTargetHost(rawHost: string, policy: TargetPolicy): TargetValidation {
  const host = rawHost.trim().toLowerCase().replace(/\.$/, '');
  if (host === '') return { ok: false, reason: checkText('host_required') };
  const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(literal) || isIP(literal.split('%')[0] ?? '')) {
    const verdict = checkAddress(literal, policy);
    return verdict.ok ? { ok: true } : { ok: false, reason: verdict.reason };
  }
  if (METADATA_NAMES.has(host)) return { ok: false, reason: checkText('target_host_not_allowed', { host }) };
  if (!/^[a-z0-9_.-]+$/.test(host) || host.split('.').some((l) => l === '' || l.length > 63)) {
    return { ok: false, reason: checkText('host_name_invalid', { host: rawHost }) };
  }
  if (!policy.allowPrivateTargets) {
    if (INTERNAL_NAMES.has(host) || INTERNAL_SUFFIXES.some((s) => host.endsWith(s)) || !host.includes('.')) {
      return { ok: false, reason: checkText('target_host_not_allowed', { host }) };
    }
  }
  return { ok: true };
}

/** Syntactic URL check for forms: http(s) only, a host, and the host rules of `validateTargetHost`. */
export function validateTargetUrl(url: string, policy: TargetPolicy): TargetValidation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: checkText('url_invalid') };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, reason: checkText('url_scheme', { scheme: parsed.protocol.replace(/:$/, '') }) };
  }
  if (parsed.hostname === '') return { ok: false, reason: checkText('url_no_host') };
  return validateTargetHost(parsed.hostname, policy);
}
