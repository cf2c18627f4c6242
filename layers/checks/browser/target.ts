import { checkHost, type HostResolver } from './address-policy.ts';
import type { BrowserErrorKind } from './errors.ts';

export type PreflightResult = { ok: true; url: string } | { ok: false; kind: BrowserErrorKind; message: string };

/**
 * Checks a target URL before a browser is involved: http(s) only, and the host must pass the address
 * policy. Cheap refusals here keep blocked targets from ever reaching Chromium.
 */
export async function preflightTarget(
  rawUrl: string,
  options: { allowPrivateTargets: boolean; resolveHost?: HostResolver },
): Promise<PreflightResult> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, kind: 'invalid_target', message: `not a valid URL: ${rawUrl.slice(0, 200)}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, kind: 'invalid_target', message: `only http and https URLs can be checked, not ${url.protocol}` };
  }
  const verdict = await checkHost(url.hostname, { allowPrivateTargets: options.allowPrivateTargets }, options.resolveHost);
  if (!verdict.allowed) return { ok: false, kind: verdict.unresolvable ? 'dns_error' : 'blocked_target', message: verdict.reason };
  return { ok: true, url: url.href };
}
