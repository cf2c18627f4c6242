import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

// SSRF address policy for browser checks. Cloud metadata, link-local, multicast and reserved addresses
// are always refused; loopback and private ranges only when the operator allows private targets.
// IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4) are judged by the embedded address.

export type AddressClass =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link_local'
  | 'metadata'
  | 'multicast'
  | 'reserved'
  | 'unspecified';

export interface AddressPolicy {
  allowPrivateTargets: boolean;
}

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** Resolves a hostname to every address it has (A and AAAA). */
export type HostResolver = (hostname: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (hostname) => {
  const results = await lookup(hostname, { all: true, verbatim: true });
  return results.map((r) => r.address);
};

type Range4 = { base: number; bits: number; cls: AddressClass };
type Range6 = { base: bigint; bits: number; cls: AddressClass };

const ranges4: Range4[] = [
  r4('0.0.0.0', 8, 'unspecified'),
  r4('10.0.0.0', 8, 'private'),
  r4('100.100.100.200', 32, 'metadata'), // Alibaba Cloud metadata, inside the CGNAT range below
  r4('100.64.0.0', 10, 'private'),
  r4('127.0.0.0', 8, 'loopback'),
  r4('169.254.0.0', 16, 'link_local'), // includes 169.254.169.254 (AWS, GCP, Azure metadata)
  r4('172.16.0.0', 12, 'private'),
  r4('192.0.0.0', 24, 'private'),
  r4('192.168.0.0', 16, 'private'),
  r4('198.18.0.0', 15, 'private'),
  r4('224.0.0.0', 4, 'multicast'),
  r4('240.0.0.0', 4, 'reserved'), // includes 255.255.255.255
];

const ranges6: Range6[] = [
  r6('::', 128, 'unspecified'),
  r6('::1', 128, 'loopback'),
  r6('fd00:ec2::254', 128, 'metadata'), // AWS IMDS over IPv6, inside the ULA range below
  r6('fc00::', 7, 'private'),
  r6('fe80::', 10, 'link_local'),
  r6('fec0::', 10, 'private'), // deprecated site-local
  r6('ff00::', 8, 'multicast'),
];

const alwaysRefused: ReadonlySet<AddressClass> = new Set(['link_local', 'metadata', 'multicast', 'reserved', 'unspecified']);

/** Classifies an IP literal (brackets and zone ids tolerated); undefined when it is not an IP address. */
export function classifyAddress(address: string): AddressClass | undefined {
  const ip = stripBrackets(address).split('%')[0] ?? '';
  const family = isIP(ip);
  if (family === 4) return classify4(parse4(ip));
  if (family !== 6) return undefined;
  const value = parse6(ip);
  const embedded = embeddedIPv4(value);
  if (embedded !== undefined) return classify4(embedded);
  for (const range of ranges6) {
    if (value >> BigInt(128 - range.bits) === range.base >> BigInt(128 - range.bits)) return range.cls;
  }
  return 'public';
}

/** Decides whether a connection to this IP address is allowed. */
export function checkAddress(address: string, policy: AddressPolicy): AddressVerdict {
  const cls = classifyAddress(address);
  if (cls === undefined) return { allowed: false, reason: `"${address}" is not an IP address` };
  if (cls === 'public') return { allowed: true };
  if (alwaysRefused.has(cls)) return { allowed: false, reason: `${address} is refused (${cls.replace('_', '-')} address)` };
  if (policy.allowPrivateTargets) return { allowed: true };
  return { allowed: false, reason: `${address} is refused (${cls} address; private targets are not allowed)` };
}

export type HostVerdict =
  | { allowed: true; addresses: string[] }
  | { allowed: false; reason: string; unresolvable: boolean };

/**
 * Resolves a hostname (or takes an IP literal) and allows it only when every address is allowed,
 * so a name with one public and one private record cannot slip through.
 */
export async function checkHost(
  hostname: string,
  policy: AddressPolicy,
  resolve: HostResolver = systemResolver,
): Promise<HostVerdict> {
  const host = stripBrackets(hostname);
  let addresses: string[];
  if (isIP(host.split('%')[0] ?? '') !== 0) {
    addresses = [host];
  } else {
    try {
      addresses = await resolve(host);
    } catch (err) {
      return { allowed: false, reason: `cannot resolve ${host}: ${errorCode(err)}`, unresolvable: true };
    }
    if (addresses.length === 0) return { allowed: false, reason: `cannot resolve ${host}`, unresolvable: true };
  }
  for (const address of addresses) {
    const verdict = checkAddress(address, policy);
    if (!verdict.allowed) return { allowed: false, reason: `${host}: ${verdict.reason}`, unresolvable: false };
  }
  return { allowed: true, addresses };
}

function classify4(value: number): AddressClass {
  for (const range of ranges4) {
    const mask = range.bits === 0 ? 0 : (~0 << (32 - range.bits)) >>> 0;
    if ((value & mask) >>> 0 === (range.base & mask) >>> 0) return range.cls;
  }
  return 'public';
}

/** The IPv4 address inside IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96), NAT64 (64:ff9b::/96) or 6to4 (2002::/16). */
function embeddedIPv4(value: bigint): number | undefined {
  const low32 = Number(value & 0xffffffffn);
  const high96 = value >> 32n;
  if (high96 === 0xffffn) return low32;
  if (high96 === 0n && low32 > 1) return low32;
  if (high96 === 0x0064ff9b0000000000000000n) return low32;
  if (value >> 112n === 0x2002n) return Number((value >> 80n) & 0xffffffffn);
  return undefined;
}

function parse4(ip: string): number {
  return ip.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

/** Parses a valid IPv6 literal (already checked with isIP) into a 128-bit integer. */
function parse6(ip: string): bigint {
  let text = ip.toLowerCase();
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parse4(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const fill = rest === undefined ? [] : new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...fill, ...tailGroups].reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function r4(ip: string, bits: number, cls: AddressClass): Range4 {
  return { base: parse4(ip), bits, cls };
}

function r6(ip: string, bits: number, cls: AddressClass): Range6 {
  return { base: parse6(ip), bits, cls };
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : String(err);
}
