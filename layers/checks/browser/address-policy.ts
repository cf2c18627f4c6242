import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { checkAddress as checkTargetAddress, validateTargetHost, type TargetPolicy } from '../ssrf.ts';

// The browser's view of the shared SSRF policy (layers/checks/ssrf.ts): the same address classes and
// host-name rules as every other probe, plus resolving a name to all of its addresses.

export type AddressPolicy = TargetPolicy;

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** Resolves a hostname to every address it has (A and AAAA). */
export type HostResolver = (hostname: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (hostname) => {
  const results = await lookup(hostname, { all: true, verbatim: true });
  return results.map((r) => r.address);
};

/** Decides whether a connection to this IP address is allowed. */
export function checkAddress(address: string, policy: AddressPolicy): AddressVerdict {
  const verdict = checkTargetAddress(address, policy);
  return verdict.ok ? { allowed: true } : { allowed: false, reason: `${verdict.reason} (${verdict.category})` };
}

export type HostVerdict =
  | { allowed: true; addresses: string[] }
  | { allowed: false; reason: string; unresolvable: boolean };

/**
 * Applies the host-name rules, then resolves the name (or takes an IP literal) and allows it only when
 * every address is allowed, so a name with one public and one private record cannot slip through.
 */
export async function checkHost(
  hostname: string,
  policy: AddressPolicy,
  resolve: HostResolver = systemResolver,
): Promise<HostVerdict> {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const named = validateTargetHost(host, policy);
  if (!named.ok) return { allowed: false, reason: named.reason, unresolvable: false };
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

function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : String(err);
}
