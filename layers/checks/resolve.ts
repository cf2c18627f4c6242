import { promises as dnsPromises } from 'node:dns';
import { isIP } from 'node:net';
import { checkAddress } from './ssrf.ts';
import { checkText } from './texts.ts';
import { errorCode, type Failure, type NetworkOptions } from './types.ts';

export type ResolvedTarget =
  | { ok: true; address: string; family: 4 | 6; addresses: string[] }
  | { ok: false; failure: Failure };

/** Strips URL-style brackets and a trailing dot. */
export function bareHost(host: string): string {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return h.endsWith('.') && !isIP(h) ? h.slice(0, -1) : h;
}

const resolverCache = new Map<string, dnsPromises.Resolver>();

// One resolver per server list; the caller's deadline is enforced by withTimeout, not by c-ares.
function resolverFor(servers: string[]): dnsPromises.Resolver {
  const key = servers.join(',');
  let r = resolverCache.get(key);
  if (!r) {
    r = new dnsPromises.Resolver({ timeout: 2_000, tries: 3 });
    r.setServers(servers);
    if (resolverCache.size > 32) resolverCache.clear();
    resolverCache.set(key, r);
  }
  return r;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(1, ms));
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function lookupAll(host: string, net: NetworkOptions, timeoutMs: number): Promise<string[] | Failure> {
  const noAnswer = (code?: string): Failure => ({
    kind: 'dns',
    message: code ? checkText('resolve_failed_code', { host, code }) : checkText('resolve_failed', { host }),
  });
  try {
    if (net.dnsServers && net.dnsServers.length > 0) {
      const resolver = resolverFor(net.dnsServers);
      const settled = await withTimeout(
        Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]),
        timeoutMs,
      );
      if (settled === 'timeout') return { kind: 'dns', message: checkText('dns_timeout_after', { host, ms: timeoutMs }) };
      const addrs = settled.flatMap((s) => (s.status === 'fulfilled' ? s.value : []));
      if (addrs.length > 0) return addrs;
      const firstErr = settled.find((s) => s.status === 'rejected');
      const code = firstErr && firstErr.status === 'rejected' ? errorCode(firstErr.reason) : undefined;
      if (code === 'ETIMEOUT') return { kind: 'dns', message: checkText('dns_timeout', { host }) };
      return noAnswer(code);
    }
    const res = await withTimeout(dnsPromises.lookup(host, { all: true }), timeoutMs);
    if (res === 'timeout') return { kind: 'dns', message: checkText('dns_timeout_after', { host, ms: timeoutMs }) };
    return res.length > 0 ? res.map((r) => r.address) : noAnswer();
  } catch (err) {
    return noAnswer(errorCode(err));
  }
}

/**
 * Resolves a host and applies the SSRF policy to the result: the caller must connect to exactly
 * `address`, never re-resolve the name, so a rebinding DNS answer cannot slip past the check.
 */
export async function resolveTarget(rawHost: string, net: NetworkOptions, timeoutMs: number): Promise<ResolvedTarget> {
  const host = bareHost(rawHost);
  if (host === '') return { ok: false, failure: { kind: 'invalid', message: checkText('host_required') } };
  const addresses = isIP(host) ? [host] : await lookupAll(host, net, timeoutMs);
  if (!Array.isArray(addresses)) return { ok: false, failure: addresses };
  return chooseAddress(host, addresses, net);
}

/**
 * The SSRF verdict on an IP literal, without a lookup and without waiting: null for a name. Lets a
 * probe open its connection in the same turn of the event loop as it starts its stopwatch.
 */
export function literalTarget(rawHost: string, net: NetworkOptions): ResolvedTarget | null {
  const host = bareHost(rawHost);
  return isIP(host) ? chooseAddress(host, [host], net) : null;
}

function chooseAddress(host: string, addresses: string[], net: NetworkOptions): ResolvedTarget {
  let refused: string | undefined;
  for (const address of addresses) {
    const verdict = checkAddress(address, net);
    if (verdict.ok) return { ok: true, address, family: isIP(address) === 6 ? 6 : 4, addresses };
    refused ??= verdict.reason;
  }
  return { ok: false, failure: { kind: 'blocked', message: refused ?? checkText('target_not_allowed', { host }) } };
}
