import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import type { Page, Request, Response } from 'playwright-core';
import * as z from 'zod';
import { systemClock, type Clock } from '../../platform/ports.ts';
import type { HostResolver } from './address-policy.ts';
import { BrowserMonitoringError, withTimeout, type BrowserPool, type CheckContext } from './browser-pool.ts';
import { classifyBrowserError, type BrowserErrorKind } from './errors.ts';
import { cumulativeLayoutShift, performanceGrade, totalBlockingTime, type PerformanceGrade } from './metrics.ts';
import { collectPageErrors, type JsError } from './page-errors.ts';
import { REFUSAL_HEADER, UPSTREAM_ERROR_HEADER } from './policy-proxy.ts';
import { openTargetGuard, type BlockedRequest, type TargetGuard } from './request-guard.ts';
import { preflightTarget } from './target.ts';

// Deep page check (spec 4.2). Timeline of one run:
//   1. fresh context behind the SSRF guard (policy proxy), an init script that starts PerformanceObservers
//      (LCP, layout shifts, long tasks, buffered) before any page script runs;
//   2. navigate and wait for the load event (or the timeout);
//   3. keep observing until the page is quiet: no new layout shift, long task or LCP candidate and no
//      network activity for `quietMs` (3 s), at most `maxObserveMs` (10 s) after load; then read everything
//      at once. LCP, CLS and TBT count what happened up to that point (`observed_until`).

export interface DeepCheckOptions {
  /** Config ALLOW_PRIVATE_TARGETS: loopback and private ranges are reachable only when true. */
  allowPrivateTargets: boolean;
  /** Budget for navigation plus load event (spec 5 timeout, default 30 s). */
  timeoutMs?: number;
  /** Observation ends once nothing happened for this long (default 3000 ms). */
  quietMs?: number;
  /** Observation ends at the latest this long after the load event (default 10,000 ms). */
  maxObserveMs?: number;
  /** Observe at least this long after the load event, quiet or not (default 0). */
  settleMs?: number;
  viewport?: { width: number; height: number };
  /** Take a PNG screenshot at the settle point, in the same run. */
  screenshot?: boolean | { fullPage?: boolean };
  userAgent?: string;
  resolveHost?: HostResolver;
  clock?: Clock;
}

export interface DeepCheckMetrics {
  dom_content_loaded: number | null;
  page_load_time: number | null;
  first_contentful_paint: number | null;
  largest_contentful_paint: number | null;
  time_to_first_byte: number | null;
  cumulative_layout_shift: number | null;
  total_blocking_time: number | null;
  console_errors: number;
  js_errors: JsError[];
  resource_count: number;
  resource_size: number;
  failed_resources: number;
  redirect_count: number;
  js_heap_size: number | null;
  is_dom_ready: boolean;
  is_js_healthy: boolean;
}

export interface DeepCheckResult extends DeepCheckMetrics {
  url: string;
  final_url: string | null;
  /** HTTP status of the main document (after redirects). */
  status_code: number | null;
  checked_at: string;
  duration_ms: number;
  performance_grade: PerformanceGrade | null;
  /** console.error texts behind console_errors (at most 50). */
  console_messages: string[];
  /** Subresources that failed: request failures and 4xx/5xx responses (at most 50). */
  failed_resource_urls: string[];
  /** Requests the SSRF policy refused (at most 100). */
  blocked_requests: BlockedRequest[];
  /** PNG bytes, when a screenshot was asked for and the page loaded. */
  screenshot: Uint8Array | null;
  /** When observation ended, in ms from navigation start (the end of the window LCP, CLS and TBT cover). */
  observed_until: number | null;
  /** Why it ended: the page went `quiet`, or the `cap` after load was reached; `no_load` when load never fired. */
  observation_end: ObservationEnd | null;
  error_kind: BrowserErrorKind | null;
  error_message: string | null;
}

export type ObservationEnd = 'quiet' | 'cap' | 'no_load';

const DEFAULT_TIMEOUT_MS = 30_000;
/** WebPageTest calls a page fully loaded after 2 s without network activity; a margin over that. */
const DEFAULT_QUIET_MS = 3_000;
const DEFAULT_MAX_OBSERVE_MS = 10_000;
const POLL_MS = 250;
const DEFAULT_VIEWPORT = { width: 1280, height: 800 };
/** Reading metrics from a page whose main thread never yields must not hang the check. */
const READ_TIMEOUT_MS = 5_000;

export async function runDeepCheck(pool: BrowserPool, url: string, options: DeepCheckOptions): Promise<DeepCheckResult> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const observe: Observation = {
    quietMs: options.quietMs ?? DEFAULT_QUIET_MS,
    maxMs: Math.max(options.maxObserveMs ?? DEFAULT_MAX_OBSERVE_MS, options.settleMs ?? 0),
    minMs: options.settleMs ?? 0,
  };
  const base = emptyResult(url, started);
  const finish = (result: DeepCheckResult): DeepCheckResult => ({
    ...result,
    duration_ms: Math.max(0, clock.now().getTime() - started.getTime()),
  });

  const preflight = await preflightTarget(url, options);
  if (!preflight.ok) return finish({ ...base, error_kind: preflight.kind, error_message: preflight.message });

  let guard: TargetGuard | undefined;
  try {
    const opened = await openTargetGuard({
      policy: { allowPrivateTargets: options.allowPrivateTargets },
      ...(options.resolveHost ? { resolve: options.resolveHost } : {}),
    });
    guard = opened;
    const result = await pool.run((context) => deepCheckInContext(context, opened, preflight.url, options, base, timeoutMs, observe), {
      watchdogMs: timeoutMs + observe.maxMs + 30_000,
      contextOptions: {
        ...opened.contextOptions,
        viewport: options.viewport ?? DEFAULT_VIEWPORT,
        serviceWorkers: 'block',
        acceptDownloads: false,
        ...(options.userAgent ? { userAgent: options.userAgent } : {}),
      },
    });
    return finish(result);
  } catch (err) {
    const { kind, message } = err instanceof BrowserMonitoringError ? { kind: err.kind, message: err.message } : classifyBrowserError(err);
    return finish({ ...base, error_kind: kind === 'monitoring_error' ? kind : 'monitoring_error', error_message: message });
  } finally {
    await guard?.close();
  }
}

async function deepCheckInContext(
  context: CheckContext,
  guard: TargetGuard,
  url: string,
  options: DeepCheckOptions,
  base: DeepCheckResult,
  timeoutMs: number,
  observe: Observation,
): Promise<DeepCheckResult> {
  await guard.install(context);
  const key = `__pym_${randomBytes(8).toString('hex')}`;
  await context.addInitScript({ content: observerScript(key) });
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  const resources = trackResources(page);
  const network = trackNetwork(page);
  let crashed = false;
  page.on('crash', () => {
    crashed = true;
  });

  const deadline = Date.now() + timeoutMs;
  let response: Response | null;
  try {
    response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  } catch (err) {
    return { ...base, ...navigationFailure(err, url, guard, crashed), console_messages: [...errors.consoleErrors] };
  }
  const proxyHeaders = response?.headers() ?? {};
  if (response && (proxyHeaders[REFUSAL_HEADER] === '1' || proxyHeaders[UPSTREAM_ERROR_HEADER])) {
    // The policy proxy answered for the document: refused at connect time (e.g. DNS rebinding) or unreachable.
    const explained = guard.explainFailure(response.url()) ?? { kind: 'connection_error' as const, message: `proxy error for ${response.url()}` };
    return { ...base, blocked_requests: guard.blocked(), error_kind: explained.kind, error_message: explained.message };
  }

  let loadError: { kind: BrowserErrorKind; message: string } | null = null;
  try {
    await page.waitForLoadState('load', { timeout: Math.max(1, deadline - Date.now()) });
  } catch (err) {
    loadError = crashed
      ? { kind: 'page_crashed', message: 'the page crashed while loading' }
      : classifyLoadFailure(err, timeoutMs);
  }
  const observationEnd: ObservationEnd = loadError ? 'no_load' : await observeUntilQuiet(page, key, network, observe);

  const observed = await readPageMetrics(page, key);
  const heap = await readHeapSize(context, page).catch(() => null);
  const wantScreenshot = options.screenshot !== undefined && options.screenshot !== false;
  const fullPage = typeof options.screenshot === 'object' && options.screenshot.fullPage === true;
  let screenshot: Uint8Array | null = null;
  if (wantScreenshot && !crashed) {
    screenshot = await page.screenshot({ type: 'png', fullPage, timeout: READ_TIMEOUT_MS, animations: 'disabled' }).catch(() => null);
  }
  const loaded = await resources.settle(response);

  const metrics = computeMetrics(observed, heap, errors, loaded, redirectCount(response));
  const status = response?.status() ?? null;
  let error: { kind: BrowserErrorKind; message: string } | null = loadError;
  if (!error && status !== null && status >= 400) error = { kind: 'http_error', message: `HTTP ${status} ${response?.statusText() ?? ''}`.trim() };
  if (!error && observed === null) error = { kind: 'timeout', message: 'the page did not respond to metric collection (main thread busy)' };
  if (crashed) error = { kind: 'page_crashed', message: 'the page (renderer) crashed' };

  const result: DeepCheckResult = {
    ...base,
    ...metrics,
    final_url: page.url(),
    status_code: status,
    performance_grade: performanceGrade(metrics),
    console_messages: [...errors.consoleErrors],
    failed_resource_urls: loaded.failedUrls,
    blocked_requests: guard.blocked(),
    screenshot,
    observed_until: observed ? round(Math.max(0, observed.now - (observed.nav?.activationStart ?? 0))) : null,
    observation_end: observationEnd,
    error_kind: error?.kind ?? null,
    error_message: error?.message ?? null,
  };
  return result;
}

interface Observation {
  quietMs: number;
  maxMs: number;
  minMs: number;
}

/**
 * Network activity of the page: when a request last started or ended, and which are still open. Requests
 * that may stay open for good (fetch, XHR, event streams, media, WebSockets) stop counting as activity
 * once they have been open for a quiet window; documents, scripts, styles, images and fonts never do.
 */
function trackNetwork(page: Page) {
  const open = new Map<Request, { since: number; longLived: boolean }>();
  let lastEvent = Date.now();
  const longLived = new Set(['xhr', 'fetch', 'eventsource', 'websocket', 'media', 'other', 'manifest', 'texttrack']);
  const done = (request: Request) => {
    open.delete(request);
    lastEvent = Date.now();
  };
  page.on('request', (request) => {
    open.set(request, { since: Date.now(), longLived: longLived.has(request.resourceType()) });
    lastEvent = Date.now();
  });
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return {
    /** The latest moment the network was active, counting requests still open as active now. */
    lastActivity(now: number, quietMs: number): number {
      let latest = lastEvent;
      for (const { since, longLived: mayStayOpen } of open.values()) {
        if (!mayStayOpen || now - since < quietMs) latest = now;
      }
      return latest;
    },
  };
}

/**
 * Polls the page after load until nothing happened for `quietMs` (no new LCP candidate, layout shift or
 * long task, no network activity) or the cap is reached. A main thread too busy to answer is activity.
 */
async function observeUntilQuiet(page: Page, key: string, network: ReturnType<typeof trackNetwork>, o: Observation): Promise<ObservationEnd> {
  const loadedAt = Date.now();
  let lastActivity = loadedAt;
  let lastCount = -1;
  for (;;) {
    const now = Date.now();
    if (now - loadedAt >= o.maxMs) return 'cap';
    const count = await withTimeout(page.evaluate(`(window[${JSON.stringify(key)}] || (() => null)).count?.() ?? -1`), 1_000).catch(() => undefined);
    const at = Date.now();
    if (typeof count !== 'number') lastActivity = at;
    else {
      if (lastCount !== -1 && count !== lastCount) lastActivity = at;
      lastCount = count;
    }
    lastActivity = Math.max(lastActivity, network.lastActivity(at, o.quietMs));
    if (at - lastActivity >= o.quietMs && at - loadedAt >= o.minMs) return 'quiet';
    await sleep(Math.min(POLL_MS, Math.max(1, o.maxMs - (Date.now() - loadedAt))));
  }
}

/** Failures whose real cause the guard knows better than Chromium (which only sees the proxy or the router). */
const PROXY_OR_GUARD_ERRORS = /net::ERR_(BLOCKED_BY_CLIENT|NAME_NOT_RESOLVED|TUNNEL_CONNECTION_FAILED|PROXY_CONNECTION_FAILED)/;

function classifyLoadFailure(err: unknown, timeoutMs: number): { kind: BrowserErrorKind; message: string } {
  const classified = classifyBrowserError(err);
  if (classified.kind === 'monitoring_error') throw new BrowserMonitoringError(classified.message, { cause: err });
  if (classified.kind === 'timeout') return { kind: 'timeout', message: `the load event did not fire within ${timeoutMs} ms` };
  return classified;
}

function navigationFailure(
  err: unknown,
  url: string,
  guard: TargetGuard,
  crashed: boolean,
): Pick<DeepCheckResult, 'error_kind' | 'error_message' | 'blocked_requests'> {
  const blockedList = guard.blocked();
  const explained = PROXY_OR_GUARD_ERRORS.test(String(err)) ? guard.explainFailure(url) : undefined;
  if (explained) return { error_kind: explained.kind, error_message: explained.message, blocked_requests: blockedList };
  if (crashed) return { error_kind: 'page_crashed', error_message: 'the page (renderer) crashed', blocked_requests: blockedList };
  if (err instanceof BrowserMonitoringError) throw err;
  const { kind, message } = classifyBrowserError(err);
  if (kind === 'monitoring_error') throw new BrowserMonitoringError(message, { cause: err });
  return { error_kind: kind, error_message: message, blocked_requests: blockedList };
}

// ---- in-page instrumentation -------------------------------------------------------------------

/** Starts buffered observers in the top frame and exposes a non-writable reader under a random key. */
function observerScript(key: string): string {
  return `(() => {
  if (window.top !== window) return;
  const state = { lcp: null, shifts: [], longTasks: [], count: 0 };
  const observers = [];
  const observe = (type, onEntry) => {
    try {
      const observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) onEntry(entry); });
      observer.observe({ type, buffered: true });
      observers.push([observer, onEntry]);
    } catch (e) { /* entry type unsupported */ }
  };
  observe('largest-contentful-paint', (e) => { state.count++; state.lcp = e.startTime; });
  observe('layout-shift', (e) => { state.count++; if (!e.hadRecentInput && state.shifts.length < 5000) state.shifts.push([e.startTime, e.value]); });
  observe('longtask', (e) => { state.count++; if (state.longTasks.length < 5000) state.longTasks.push([e.startTime, e.duration]); });
  const flush = () => { for (const [observer, onEntry] of observers) for (const entry of observer.takeRecords()) onEntry(entry); };
  const reader = () => {
    flush();
    return { lcp: state.lcp, shifts: state.shifts.slice(), longTasks: state.longTasks.slice() };
  };
  // How many entries so far: observation polls it to tell a quiet page from a busy one.
  Object.defineProperty(reader, 'count', { value: () => { flush(); return state.count; } });
  Object.defineProperty(window, ${JSON.stringify(key)}, { value: reader, enumerable: false, configurable: false, writable: false });
})();`;
}

/** A string, not a function: transpilers may inject helpers into functions that do not exist in the page. */
function readerExpression(key: string): string {
  return `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const reader = window[${JSON.stringify(key)}];
  const memory = performance.memory;
  return {
    nav: nav ? {
      responseStart: nav.responseStart,
      domContentLoadedEventEnd: nav.domContentLoadedEventEnd,
      loadEventEnd: nav.loadEventEnd,
      activationStart: nav.activationStart || 0,
    } : null,
    fcp: fcp ? fcp.startTime : null,
    observed: typeof reader === 'function' ? reader() : null,
    readyState: document.readyState,
    heap: memory ? memory.usedJSHeapSize : null,
    now: performance.now(),
  };
})()`;
}

const finite = z.number().finite();
const pageMetricsSchema = z.object({
  nav: z
    .object({ responseStart: finite, domContentLoadedEventEnd: finite, loadEventEnd: finite, activationStart: finite })
    .nullable(),
  fcp: finite.nullable(),
  observed: z
    .object({
      lcp: finite.nullable(),
      shifts: z.array(z.tuple([finite, finite])),
      longTasks: z.array(z.tuple([finite, finite])),
    })
    .nullable(),
  readyState: z.string(),
  heap: finite.nullable(),
  now: finite,
});
type PageMetrics = z.infer<typeof pageMetricsSchema>;

/** Page data is untrusted (a page can tamper with its own globals), so it is parsed, not cast. */
async function readPageMetrics(page: Page, key: string): Promise<PageMetrics | null> {
  try {
    const raw: unknown = await withTimeout(page.evaluate(readerExpression(key)), READ_TIMEOUT_MS);
    const parsed = pageMetricsSchema.safeParse(raw);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** JSHeapUsedSize from CDP: exact, unlike performance.memory which Chrome rounds. */
async function readHeapSize(context: CheckContext, page: Page): Promise<number | null> {
  const session = await context.newCDPSession(page);
  try {
    await withTimeout(session.send('Performance.enable'), READ_TIMEOUT_MS);
    const { metrics } = await withTimeout(session.send('Performance.getMetrics'), READ_TIMEOUT_MS);
    return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? null;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

// ---- resources ----------------------------------------------------------------------------------

interface LoadedResources {
  count: number;
  bytes: number;
  failed: number;
  failedUrls: string[];
}

/**
 * Counts every http(s) request of the page that reached a final response (redirect hops excluded), its
 * transferred bytes (encoded body plus headers, as CDP reports them), and failed subresources: request
 * failures (including ones the guard blocked) and 4xx/5xx responses. Cancelled loads are not failures.
 */
function trackResources(page: Page) {
  const sizes: Array<Promise<number>> = [];
  const finished: Request[] = [];
  const failedUrls = new Set<string>();
  let failed = 0;
  const markFailed = (url: string) => {
    failed += 1;
    if (failedUrls.size < 50) failedUrls.add(url);
  };
  page.on('requestfinished', (request) => {
    if (!/^https?:/.test(request.url()) || request.redirectedTo()) return;
    finished.push(request);
    sizes.push(
      request
        .sizes()
        .then((s) => Math.max(0, s.responseBodySize) + Math.max(0, s.responseHeadersSize))
        .catch(() => 0),
    );
  });
  page.on('requestfailed', (request) => {
    if (!/^https?:/.test(request.url())) return;
    if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
    markFailed(request.url());
  });
  return {
    async settle(main: Response | null): Promise<LoadedResources> {
      const bytes = (await withTimeout(Promise.all(sizes), READ_TIMEOUT_MS).catch(() => [])).reduce((a, b) => a + b, 0);
      const mainRequest = main?.request();
      for (const request of finished) {
        if (request === mainRequest) continue;
        const response = await request.response().catch(() => null);
        if (response && response.status() >= 400) markFailed(request.url());
      }
      return { count: finished.length, bytes, failed, failedUrls: [...failedUrls] };
    },
  };
}

function redirectCount(response: Response | null): number {
  let count = 0;
  let request = response?.request().redirectedFrom() ?? null;
  while (request) {
    count += 1;
    request = request.redirectedFrom();
  }
  return count;
}

// ---- assembling ---------------------------------------------------------------------------------

function computeMetrics(
  page: PageMetrics | null,
  heap: number | null,
  errors: { consoleErrors: string[]; jsErrors: JsError[] },
  resources: LoadedResources,
  redirects: number,
): DeepCheckMetrics {
  // Navigation Timing is relative to navigation start (0); prerendered pages start at activationStart.
  const offset = page?.nav?.activationStart ?? 0;
  const sinceStart = (value: number | undefined | null) => (value && value > 0 ? round(Math.max(0, value - offset)) : null);
  const fcp = page?.fcp ?? null;
  const observed = page?.observed ?? null;
  return {
    dom_content_loaded: sinceStart(page?.nav?.domContentLoadedEventEnd),
    page_load_time: sinceStart(page?.nav?.loadEventEnd),
    first_contentful_paint: sinceStart(fcp),
    largest_contentful_paint: sinceStart(observed?.lcp),
    time_to_first_byte: sinceStart(page?.nav?.responseStart),
    cumulative_layout_shift: observed ? Math.round(cumulativeLayoutShift(observed.shifts) * 10_000) / 10_000 : null,
    total_blocking_time: observed && fcp !== null && page ? round(totalBlockingTime(observed.longTasks, fcp, page.now)) : null,
    console_errors: errors.consoleErrors.length,
    // Copies: listeners may still append until the pool closes the context.
    js_errors: [...errors.jsErrors],
    resource_count: resources.count,
    resource_size: resources.bytes,
    failed_resources: resources.failed,
    redirect_count: redirects,
    js_heap_size: heap ?? page?.heap ?? null,
    is_dom_ready: page !== null && page.readyState !== 'loading' && (page.nav?.domContentLoadedEventEnd ?? 0) > 0,
    is_js_healthy: errors.jsErrors.length === 0,
  };
}

function round(value: number): number {
  return Math.round(value);
}

function emptyResult(url: string, started: Date): DeepCheckResult {
  return {
    url,
    final_url: null,
    status_code: null,
    checked_at: started.toISOString(),
    duration_ms: 0,
    dom_content_loaded: null,
    page_load_time: null,
    first_contentful_paint: null,
    largest_contentful_paint: null,
    time_to_first_byte: null,
    cumulative_layout_shift: null,
    total_blocking_time: null,
    console_errors: 0,
    js_errors: [],
    resource_count: 0,
    resource_size: 0,
    failed_resources: 0,
    redirect_count: 0,
    js_heap_size: null,
    is_dom_ready: false,
    // Unknown is not healthy: a page that never ran cannot vouch for its scripts.
    is_js_healthy: false,
    performance_grade: null,
    console_messages: [],
    failed_resource_urls: [],
    blocked_requests: [],
    screenshot: null,
    observed_until: null,
    observation_end: null,
    error_kind: null,
    error_message: null,
  };
}
