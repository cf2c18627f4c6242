import type { BrowserContext, Response } from 'playwright-core';
import { checkAddress, checkHost, type AddressPolicy, type HostResolver, type HostVerdict } from './address-policy.ts';

// Enforces the address policy on every request a browser context makes: documents, redirects,
// subresources, fetch/XHR, workers and WebSockets, not only the first URL.
//
// Residual risk (documented, not closed): the guard resolves a name, then Chromium resolves it again
// when it connects. A DNS-rebinding server can answer differently the second time. Every response's
// actual server address is therefore re-checked; a mismatch marks the run as violated so its results
// and screenshots are discarded, but the request itself has already been sent. Closing that gap needs
// a pinning proxy between Chromium and the network. <link rel=preconnect> may also open a TCP
// connection (no request bytes) to a name the guard never sees.

export interface BlockedRequest {
  url: string;
  reason: string;
}

export interface RequestGuardOptions {
  policy: AddressPolicy;
  resolve?: HostResolver;
}

export interface RequestGuard {
  /** Requests refused before they were sent. */
  readonly blocked: BlockedRequest[];
  /** Responses that came from an address the policy refuses (DNS rebinding or similar). */
  readonly violations: BlockedRequest[];
  /** Why a URL was refused, if it was. */
  blockedReason(url: string): string | undefined;
  /** Waits for the server-address checks of responses seen so far. */
  settle(): Promise<void>;
}

const passThroughSchemes = new Set(['data:', 'blob:', 'about:']);
const MAX_RECORDED = 100;

export async function installRequestGuard(context: BrowserContext, options: RequestGuardOptions): Promise<RequestGuard> {
  const verdicts = new Map<string, Promise<HostVerdict>>();
  const blocked: BlockedRequest[] = [];
  const violations: BlockedRequest[] = [];
  const blockedByUrl = new Map<string, string>();
  const pending = new Set<Promise<void>>();

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

  const recordBlocked = (url: string, reason: string) => {
    blockedByUrl.set(url, reason);
    if (blocked.length < MAX_RECORDED) blocked.push({ url, reason });
  };

  await context.route('**/*', async (route) => {
    const url = route.request().url();
    const verdict = await judge(url);
    if (verdict.allowed) {
      await route.continue().catch(() => undefined);
      return;
    }
    recordBlocked(url, verdict.reason);
    await route.abort(verdict.unresolvable ? 'namenotresolved' : 'blockedbyclient').catch(() => undefined);
  });

  await context.routeWebSocket(/.*/, async (ws) => {
    const verdict = await judge(ws.url());
    if (verdict.allowed) {
      ws.connectToServer();
      return;
    }
    recordBlocked(ws.url(), verdict.reason);
    await ws.close({ code: 1008, reason: 'blocked by monitoring policy' }).catch(() => undefined);
  });

  const verifyServer = async (response: Response) => {
    const server = await response.serverAddr().catch(() => null);
    if (!server) return;
    const verdict = checkAddress(server.ipAddress, options.policy);
    if (!verdict.allowed && violations.length < MAX_RECORDED) {
      violations.push({ url: response.url(), reason: `connected to ${verdict.reason}` });
    }
  };
  context.on('response', (response) => {
    const check = verifyServer(response).finally(() => pending.delete(check));
    pending.add(check);
  });

  return {
    blocked,
    violations,
    blockedReason: (url) => blockedByUrl.get(url),
    settle: async () => {
      await Promise.all([...pending]);
    },
  };
}
