import { lookup, Resolver } from 'node:dns/promises';
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

const serverResolvers = new Map<string, HostResolver>();

/**
 * A resolver asking the configured DNS servers (config DNS_SERVERS, `host[:port]`) for A and AAAA, as
 * every other probe does; the system resolver when the list is empty. The policy proxy resolves for
 * Chromium, so this is the resolver a browser check's traffic follows.
 */
export function dnsServersResolver(servers: readonly string[] | undefined): HostResolver {
  const list = (servers ?? []).map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) return systemResolver;
  const key = list.join(',');
  let resolve = serverResolvers.get(key);
  if (!resolve) {
    const resolver = new Resolver({ timeout: 2_000, tries: 2 });
    resolver.setServers(list);
    resolve = async (hostname) => {
      const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
      const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
      if (addresses.length > 0) return addresses;
      throw v4.status === 'rejected' ? v4.reason : v6.status === 'rejected' ? v6.reason : new Error(`no address for ${hostname}`);
    };
    if (serverResolvers.size > 16) serverResolvers.clear();
    serverResolvers.set(key, resolve);
  }
  return resolve;
}

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
