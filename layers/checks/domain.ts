import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { parse as parseDomain } from 'tldts';
import * as z from 'zod';
import shippedBootstrap from './data/rdap-dns.json' with { type: 'json' };
import { probeHttp } from './http.ts';
import { readRdapAnswer, readWhoisAnswer } from './registry-answer.ts';
import { resolveTarget } from './resolve.ts';
import { checkText } from './texts.ts';
import { classifySocketError, daysUntil, errorText, roundMs, type ErrorKind, type NetworkOptions, type ProbeCache } from './types.ts';

export const DEFAULT_RDAP_BOOTSTRAP_URL = 'https://data.iana.org/rdap/dns.json';
const IANA_WHOIS = 'whois.iana.org:43';
const CACHE_TTL_SECONDS = 86_400;
const BOOTSTRAP_TTL_MS = 86_400_000;
const BOOTSTRAP_RETRY_MS = 10 * 60_000;
const MAX_WHOIS_BYTES = 256 * 1024;

export interface DomainProbeOptions extends NetworkOptions {
  /** Where the IANA RDAP bootstrap (dns.json) is fetched from; the shipped copy is the fallback. */
  rdapBootstrapUrl?: string;
  /** `host[:port]` asked first over WHOIS instead of whois.iana.org (tests, private registries). */
  whoisServer?: string;
  cache?: ProbeCache;
  cacheTtlSeconds?: number;
  /** `warning` when days_remaining <= this. Default 30. */
  warningDays?: number;
  /** Per request (bootstrap, RDAP, each WHOIS hop). Default 10 s. */
  timeoutMs?: number;
  now?: Date;
}

export interface DomainResult {
  input: string;
  domain: string | null;
  expires_at: string | null;
  days_remaining: number | null;
  registered_at: string | null;
  registrar: string | null;
  source: 'rdap' | 'whois' | null;
  /** The RDAP URL or WHOIS server that gave the answer. */
  server: string | null;
  warning: boolean;
  warning_days: number;
  cached: boolean;
  response_time: number;
  error_kind: ErrorKind | null;
  error_message: string | null;
  checked_at: string;
}

// ---------------------------------------------------------------------------------------------
// RDAP bootstrap (RFC 9224)

const bootstrapSchema = z.object({
  version: z.string().optional(),
  publication: z.string().optional(),
  services: z.array(z.tuple([z.array(z.string()), z.array(z.string())]).rest(z.unknown())),
});
export type RdapBootstrap = z.infer<typeof bootstrapSchema>;

const SHIPPED: RdapBootstrap = bootstrapSchema.parse(shippedBootstrap);

const bootstrapMemo = new Map<string, { bootstrap: RdapBootstrap; source: 'remote' | 'shipped'; until: number }>();

/** The bootstrap from `url` when reachable (kept a day), else the copy shipped with the code. */
export async function loadRdapBootstrap(
  url: string | undefined,
  opts: { timeoutMs?: number } = {},
): Promise<{ bootstrap: RdapBootstrap; source: 'remote' | 'shipped' }> {
  const key = url ?? DEFAULT_RDAP_BOOTSTRAP_URL;
  const memo = bootstrapMemo.get(key);
  if (memo && memo.until > Date.now()) return { bootstrap: memo.bootstrap, source: memo.source };
  // The bootstrap source is operator configuration, not user input, so private addresses are fine.
  const res = await probeHttp(key, {
    allowPrivateTargets: true,
    captureBody: true,
    timeoutMs: opts.timeoutMs ?? 5_000,
    expectedStatus: 200,
    headers: { accept: 'application/json' },
  });
  let parsed: RdapBootstrap | undefined;
  if (res.is_available && res.body) {
    try {
      const r = bootstrapSchema.safeParse(JSON.parse(res.body));
      if (r.success) parsed = r.data;
    } catch {
      parsed = undefined;
    }
  }
  const entry = parsed
    ? { bootstrap: parsed, source: 'remote' as const, until: Date.now() + BOOTSTRAP_TTL_MS }
    : { bootstrap: SHIPPED, source: 'shipped' as const, until: Date.now() + BOOTSTRAP_RETRY_MS };
  bootstrapMemo.set(key, entry);
  return { bootstrap: entry.bootstrap, source: entry.source };
}

/** Forgets fetched bootstraps (tests). */
export function clearRdapBootstrapMemo(): void {
  bootstrapMemo.clear();
}

/** The RDAP base URL serving a domain: the longest matching label suffix, https preferred. */
export function rdapBaseFor(domain: string, bootstrap: RdapBootstrap): string | undefined {
  const labels = domain.toLowerCase().split('.');
  for (let i = 0; i < labels.length; i++) {
    const suffix = labels.slice(i).join('.');
    for (const [tlds, urls] of bootstrap.services) {
      if (tlds.some((t) => t.toLowerCase() === suffix)) {
        const url = urls.find((u) => u.startsWith('https://')) ?? urls[0];
        if (url) return url.endsWith('/') ? url : `${url}/`;
      }
    }
  }
  return undefined;
}

interface Answer {
  expires: Date;
  registered: Date | null;
  registrar: string | null;
  server: string;
}

type Attempt = { ok: true; answer: Answer } | { ok: false; kind: ErrorKind; message: string };

const MAX_RDAP_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * RDAP services redirect (RFC 7480 5.2: bootstrap-style services send clients on to the registry). Each
 * hop is held to the SSRF policy; only the first, when it comes from a bootstrap the operator configured,
 * may reach private addresses, as the configured WHOIS server may.
 */
async function fetchRdap(url: string, opts: DomainProbeOptions, firstHopTrusted: boolean) {
  let current = url;
  for (let hop = 0; ; hop++) {
    const res = await probeHttp(current, {
      allowPrivateTargets: hop === 0 && firstHopTrusted ? true : opts.allowPrivateTargets,
      dnsServers: opts.dnsServers,
      captureBody: true,
      timeoutMs: opts.timeoutMs ?? 10_000,
      followRedirects: false,
      expectedStatus: 200,
      headers: { accept: 'application/rdap+json, application/json' },
    });
    const location = res.status_code !== null && REDIRECTS.has(res.status_code) ? res.headers.location : undefined;
    if (!location) return { res, url: current };
    if (hop >= MAX_RDAP_REDIRECTS) return { res: { ...res, is_available: false, error_kind: 'protocol' as const, error_message: checkText('rdap_redirects', { max: MAX_RDAP_REDIRECTS }) }, url: current };
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      return { res: { ...res, is_available: false, error_kind: 'protocol' as const, error_message: checkText('rdap_bad_redirect', { location }) }, url: current };
    }
    if (next.protocol !== 'https:' && next.protocol !== 'http:') {
      return { res: { ...res, is_available: false, error_kind: 'blocked' as const, error_message: checkText('rdap_redirect_refused', { scheme: next.protocol }) }, url: current };
    }
    current = next.href;
  }
}

async function queryRdap(domain: string, opts: DomainProbeOptions): Promise<Attempt> {
  const { bootstrap, source } = await loadRdapBootstrap(opts.rdapBootstrapUrl, { timeoutMs: opts.timeoutMs ?? 10_000 });
  const base = rdapBaseFor(domain, bootstrap);
  if (!base) return { ok: false, kind: 'no_data', message: checkText('rdap_no_service', { domain }) };
  const first = `${base}domain/${encodeURIComponent(domain)}`;
  const { res, url } = await fetchRdap(first, opts, opts.rdapBootstrapUrl !== undefined && source === 'remote');
  if (res.status_code === 404) return { ok: false, kind: 'no_data', message: checkText('rdap_not_registered', { domain }) };
  if (!res.is_available || res.body === undefined) {
    return { ok: false, kind: res.error_kind ?? 'network', message: checkText('rdap_error', { url, error: res.error_message ?? checkText('rdap_no_answer') }) };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(res.body);
  } catch {
    return { ok: false, kind: 'protocol', message: checkText('rdap_not_json', { url }) };
  }
  const facts = readRdapAnswer(doc, domain);
  if (!facts.ok) return { ok: false, kind: 'protocol', message: checkText('rdap_error', { url, error: facts.reason }) };
  if (!facts.expires) {
    return { ok: false, kind: 'no_data', message: checkText('rdap_error', { url, error: facts.expiryProblem ?? checkText('rdap_no_expiry') }) };
  }
  return { ok: true, answer: { expires: facts.expires, registered: facts.registered, registrar: facts.registrar, server: url } };
}

// ---------------------------------------------------------------------------------------------
// WHOIS (RFC 3912)

function parseHostPort(s: string): { host: string; port: number } | undefined {
  const t = s.trim().replace(/^whois:\/\//i, '').replace(/\/.*$/, '');
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracket) return { host: bracket[1] ?? '', port: Number(bracket[2] ?? 43) };
  if (net.isIPv6(t)) return { host: t, port: 43 };
  const [host, port] = t.split(':');
  if (!host || !/^[a-z0-9.-]+$/i.test(host)) return undefined;
  const p = port === undefined ? 43 : Number(port);
  return Number.isInteger(p) && p > 0 && p < 65536 ? { host, port: p } : undefined;
}

async function whoisQuery(
  server: { host: string; port: number },
  query: string,
  opts: DomainProbeOptions,
  trusted: boolean,
): Promise<{ ok: true; text: string } | { ok: false; kind: ErrorKind; message: string }> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const policy = trusted ? { ...opts, allowPrivateTargets: true } : opts;
  const target = await resolveTarget(server.host, policy, timeoutMs);
  if (!target.ok) return { ok: false, kind: target.failure.kind, message: checkText('whois_error', { server: server.host, error: target.failure.message }) };
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.address, port: server.port });
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (r: { ok: true; text: string } | { ok: false; kind: ErrorKind; message: string }) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish(size > 0 ? { ok: true, text: Buffer.concat(chunks).toString('utf8') } : { ok: false, kind: 'timeout', message: checkText('whois_timeout', { server: server.host, ms: timeoutMs }) }),
      timeoutMs,
    );
    socket.once('connect', () => socket.write(`${query}\r\n`));
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (size > MAX_WHOIS_BYTES) finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
    });
    socket.on('end', () => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    socket.on('error', (err) => {
      const f = classifySocketError(err);
      finish({ ok: false, kind: f.kind, message: checkText('whois_error', { server: server.host, error: f.message }) });
    });
  });
}

async function queryWhois(domain: string, opts: DomainProbeOptions): Promise<Attempt> {
  const first = parseHostPort(opts.whoisServer ?? IANA_WHOIS);
  if (!first) return { ok: false, kind: 'invalid', message: checkText('whois_bad_server', { server: String(opts.whoisServer) }) };
  let server = first;
  let trusted = true;
  const seen = new Set<string>();
  let expires: Date | undefined;
  let registered: Date | undefined;
  let registrar: string | undefined;
  let answeredBy: string | undefined;
  let lastError: { kind: ErrorKind; message: string } | undefined;
  const problems: string[] = [];
  let registryAnswered = false;
  for (let hop = 0; hop < 3; hop++) {
    const label = `${server.host}:${server.port}`;
    seen.add(label.toLowerCase());
    const res = await whoisQuery(server, domain, opts, trusted);
    if (!res.ok) {
      lastError = res;
      break;
    }
    // The first answer that is not an IANA referral is the registry's; later ones are registrars'.
    const facts = readWhoisAnswer(res.text, domain, registryAnswered ? 'registrar' : 'registry');
    if (!facts.referralOnly) registryAnswered = true;
    if (facts.notFound) return { ok: false, kind: 'no_data', message: checkText('whois_not_registered', { domain, server: server.host }) };
    // The registry's date is authoritative; a registrar's answer only fills gaps.
    if (!expires && facts.expires) {
      expires = facts.expires;
      answeredBy = label;
    }
    if (!expires && facts.expiryProblem) problems.push(`WHOIS ${label}: ${facts.expiryProblem}`);
    registered ??= facts.registered ?? undefined;
    registrar ??= facts.registrar ?? undefined;
    const next = facts.referral ? parseHostPort(facts.referral) : undefined;
    if (!next || seen.has(`${next.host}:${next.port}`.toLowerCase())) break;
    if (expires && registrar) break;
    server = next;
    // Referrals come from registry data, so they are held to the SSRF policy.
    trusted = false;
  }
  if (expires && answeredBy) {
    return { ok: true, answer: { expires, registered: registered ?? null, registrar: registrar ?? null, server: `whois://${answeredBy}` } };
  }
  if (problems.length > 0) return { ok: false, kind: 'no_data', message: checkText('whois_no_date_taken', { problems: problems.join('; ') }) };
  return lastError ? { ok: false, ...lastError } : { ok: false, kind: 'no_data', message: checkText('whois_no_date', { domain }) };
}

// ---------------------------------------------------------------------------------------------

/** Reduces a URL or host name to its registered domain (`www.shop.example.co.uk` -> `example.co.uk`). */
export function registeredDomain(input: string): string | undefined {
  let host = input.trim().toLowerCase();
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(host)) {
    try {
      host = new URL(host).hostname;
    } catch {
      return undefined;
    }
  }
  host = host.replace(/\.$/, '');
  const parsed = parseDomain(host, { allowPrivateDomains: false });
  if (parsed.isIp || !parsed.domain) return undefined;
  return parsed.domain;
}

interface CachedAnswer {
  expires_at: string;
  registered_at: string | null;
  registrar: string | null;
  source: 'rdap' | 'whois';
  server: string;
}

/**
 * Domain expiry check (spec 4.4): RDAP first (IANA bootstrap), WHOIS with referrals as fallback.
 * Answers are cached for a day when a cache is given; the registry date changes rarely.
 */
export async function probeDomain(input: string, opts: DomainProbeOptions): Promise<DomainResult> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const warningDays = opts.warningDays ?? 30;
  const domain = registeredDomain(input) ?? null;
  const base: DomainResult = {
    input,
    domain,
    expires_at: null,
    days_remaining: null,
    registered_at: null,
    registrar: null,
    source: null,
    server: null,
    warning: false,
    warning_days: warningDays,
    cached: false,
    response_time: 0,
    error_kind: null,
    error_message: null,
    checked_at: now.toISOString(),
  };
  if (!domain) return { ...base, error_kind: 'invalid', error_message: checkText('domain_bad_name', { domain: input }) };

  const fromAnswer = (a: CachedAnswer, cached: boolean): DomainResult => {
    const days = daysUntil(new Date(a.expires_at), now);
    return {
      ...base,
      ...a,
      days_remaining: days,
      warning: days <= warningDays,
      cached,
      response_time: roundMs(performance.now() - started),
    };
  };

  // v2: dates are read by registry convention and in UTC; v1 entries may hold swapped or shifted dates.
  const cacheKey = `checks:domain-expiry:v2:${domain}`;
  if (opts.cache) {
    try {
      const hit = await opts.cache.get<CachedAnswer>(cacheKey);
      if (hit && typeof hit.expires_at === 'string') return fromAnswer(hit, true);
    } catch {
      // A cache outage must not fail the check.
    }
  }

  const errors: string[] = [];
  let kind: ErrorKind = 'no_data';
  for (const [source, run] of [
    ['rdap', queryRdap],
    ['whois', queryWhois],
  ] as const) {
    let attempt: Attempt;
    try {
      attempt = await run(domain, opts);
    } catch (err) {
      attempt = { ok: false, kind: 'network', message: errorText(err) };
    }
    if (attempt.ok) {
      const answer: CachedAnswer = {
        expires_at: attempt.answer.expires.toISOString(),
        registered_at: attempt.answer.registered?.toISOString() ?? null,
        registrar: attempt.answer.registrar,
        source,
        server: attempt.answer.server,
      };
      if (opts.cache) {
        await opts.cache.set(cacheKey, answer, opts.cacheTtlSeconds ?? CACHE_TTL_SECONDS).catch(() => {});
      }
      return fromAnswer(answer, false);
    }
    errors.push(attempt.message);
    kind = attempt.kind;
  }
  return { ...base, response_time: roundMs(performance.now() - started), error_kind: kind, error_message: errors.join('; ') };
}
