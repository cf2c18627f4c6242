import { randomBytes } from 'node:crypto';
import type { BrowserContextOptions } from 'playwright-core';
import { checkHost, type AddressPolicy, type HostResolver, type HostVerdict } from './address-policy.ts';
import type { CheckContext } from './check-context.ts';
import { classifyBrowserError, type BrowserErrorKind } from './errors.ts';
import { startPolicyProxy, type PolicyProxy } from './policy-proxy.ts';

// Enforces the address policy on everything a browser context sends:
//  1. a per-check proxy (policy-proxy.ts) that all of the check's traffic goes through (a single-process
//     browser's long-lived context reaches it through proxy-switch.ts). It resolves,
//     checks and connects to the address it checked, so DNS rebinding cannot slip a refused address in;
//  2. the page's WebSockets are routed and refused early, naming the URL; failed requests whose host the
//     proxy refused are recorded with their full URL (the proxy only sees host:port of HTTPS tunnels).
// No per-request router: intercepting every request costs each one a round trip through this process
// (15-40 ms on the document alone). WebRTC does not use the proxy: the launcher denies it UDP, and each
// peer connection a page opens is recorded as blocked.

export interface BlockedRequest {
  url: string;
  reason: string;
}

export interface GuardOptions {
  policy: AddressPolicy;
  resolve?: HostResolver;
}

export interface TargetGuard {
  /** Merge into the context options: routes the context through the policy proxy. */
  readonly contextOptions: Pick<BrowserContextOptions, 'proxy'>;
  /** Installs the request router on a check run with `contextOptions`. */
  install(context: CheckContext): Promise<void>;
  /** Everything refused so far, by the router or by the proxy (at most 100 each). */
  blocked(): BlockedRequest[];
  /** Why requests to this URL's host were refused, if they were. */
  reasonFor(url: string): string | undefined;
  /**
   * Explains a failed navigation to `url` (or the latest refusal or proxy connect failure in its redirect
   * chain) in Chromium's terms, since behind the proxy the browser only reports a tunnel failure.
   */
  explainFailure(url: string): { kind: BrowserErrorKind; message: string } | undefined;
  close(): Promise<void>;
}

const passThroughSchemes = new Set(['data:', 'blob:', 'about:']);
const MAX_RECORDED = 100;

export async function openTargetGuard(options: GuardOptions): Promise<TargetGuard> {
  const proxy: PolicyProxy = await startPolicyProxy(options);
  const verdicts = new Map<string, Promise<HostVerdict>>();
  const routed: BlockedRequest[] = [];

  const judge = async (rawUrl: string): Promise<{ allowed: true } | { allowed: false; reason: string; unresolvable: boolean }> => {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return { allowed: false, reason: `invalid URL ${rawUrl}`, unresolvable: false };
    }
    if (passThroughSchemes.has(url.protocol)) return { allowed: true };
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
      return { allowed: false, reason: `scheme ${url.protocol} is not allowed`, unresolvable: false };
    }
    let verdict = verdicts.get(url.hostname);
    if (!verdict) {
      verdict = checkHost(url.hostname, options.policy, options.resolve);
      verdicts.set(url.hostname, verdict);
    }
    const result = await verdict;
    return result.allowed ? { allowed: true } : result;
  };
  const record = (url: string, reason: string) => {
    if (routed.length < MAX_RECORDED) routed.push({ url, reason });
  };
  // Proxy refusals of HTTPS tunnels say only host:port; drop them where a full URL was recorded.
  const blocked = () => {
    const hosts = new Set(routed.map((r) => hostOf(r.url)));
    return [...routed, ...proxy.refusals.filter((r) => !(r.url.startsWith('https://') && hosts.has(hostOf(r.url))))];
  };

  /** The proxy's refusal for this URL's host and port, if it refused it. */
  const proxyRefusal = (url: string) => {
    const key = hostOf(url);
    return key === undefined ? undefined : proxy.refusals.find((r) => hostOf(r.url) === key);
  };

  return {
    contextOptions: { proxy: { server: proxy.server } },
    async install(context) {
      context.onRequestFailed((request) => {
        const url = request.url();
        if (!/^https:/.test(url) || !/ERR_TUNNEL_CONNECTION_FAILED/.test(request.failure()?.errorText ?? '')) return;
        const refusal = proxyRefusal(url);
        if (refusal && !routed.some((r) => r.url === url)) record(url, refusal.reason);
      });
      const binding = `__pym_rtc_${randomBytes(6).toString('hex')}`;
      await context.exposeBinding(binding, (_source, urls: unknown) => {
        const list = Array.isArray(urls) ? urls.filter((u): u is string => typeof u === 'string').slice(0, 10) : [];
        for (const url of list.length > 0 ? list : ['webrtc:peer-connection']) {
          record(url.slice(0, 300), 'WebRTC is not allowed in checks: its UDP would bypass the address policy');
        }
      });
      await context.addInitScript({ content: webrtcRecorder(binding) });
      await context.routeWebSocket(async (ws) => {
        const verdict = await judge(ws.url());
        if (verdict.allowed) {
          ws.connectToServer();
          return;
        }
        record(ws.url(), verdict.reason);
        await ws.close({ code: 1008, reason: 'blocked by monitoring policy' }).catch(() => undefined);
      });
    },
    blocked,
    reasonFor(url) {
      const host = hostOf(url);
      return blocked().find((b) => b.url === url || (host !== undefined && hostOf(b.url) === host))?.reason;
    },
    explainFailure(url) {
      const host = hostOf(url);
      const refusals = blocked();
      const sameHost = (candidate: string) => host !== undefined && candidate === host;
      const asRefusal = (r: BlockedRequest) => ({
        kind: /cannot resolve/.test(r.reason) ? ('dns_error' as const) : ('blocked_target' as const),
        message: `${r.url}: ${r.reason}`,
      });
      const asFailure = (f: { authority: string; code: string }) => {
        const netError = netErrorFor(f.code);
        return { kind: classifyBrowserError(new Error(netError)).kind, message: `${netError} (${f.code} connecting to ${f.authority})` };
      };
      const refusal = refusals.find((r) => r.url === url || sameHost(hostOf(r.url) ?? ''));
      if (refusal) return asRefusal(refusal);
      const failure = proxy.upstreamFailures.findLast((f) => sameHost(f.authority));
      if (failure) return asFailure(failure);
      const latestRefusal = refusals.at(-1);
      if (latestRefusal) return asRefusal(latestRefusal);
      const latestFailure = proxy.upstreamFailures.at(-1);
      return latestFailure ? asFailure(latestFailure) : undefined;
    },
    close: () => proxy.close(),
  };
}

/** Node socket error codes as the net:: errors Chromium would have reported without the proxy. */
function netErrorFor(code: string): string {
  const names: Record<string, string> = {
    ECONNREFUSED: 'net::ERR_CONNECTION_REFUSED',
    ECONNRESET: 'net::ERR_CONNECTION_RESET',
    ETIMEDOUT: 'net::ERR_CONNECTION_TIMED_OUT',
    EHOSTUNREACH: 'net::ERR_ADDRESS_UNREACHABLE',
    ENETUNREACH: 'net::ERR_ADDRESS_UNREACHABLE',
    EPIPE: 'net::ERR_CONNECTION_CLOSED',
    ENOTFOUND: 'net::ERR_NAME_NOT_RESOLVED',
  };
  return names[code] ?? 'net::ERR_CONNECTION_FAILED';
}

function hostOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || (parsed.protocol === 'https:' || parsed.protocol === 'wss:' ? '443' : '80')}`;
  } catch {
    return undefined;
  }
}

/**
 * Records every RTCPeerConnection a page creates, with its ICE servers (STUN/TURN URLs), through a
 * binding; the connection itself still gets no UDP (see the launcher), so pages that use WebRTC do not throw.
 */
function webrtcRecorder(binding: string): string {
  return `(() => {
  const report = window[${JSON.stringify(binding)}];
  if (typeof report !== 'function') return;
  for (const name of ['RTCPeerConnection', 'webkitRTCPeerConnection']) {
    const Original = window[name];
    if (typeof Original !== 'function') continue;
    const Recorded = function (config, ...rest) {
      try {
        const servers = (config && Array.isArray(config.iceServers)) ? config.iceServers : [];
        report(servers.flatMap((s) => [].concat((s && s.urls) || [])).map(String));
      } catch (e) { /* recording must never break the page */ }
      return new Original(config, ...rest);
    };
    Object.setPrototypeOf(Recorded, Original);
    Recorded.prototype = Original.prototype;
    Object.defineProperty(window, name, { value: Recorded, configurable: true, writable: true });
  }
})();`;
}
