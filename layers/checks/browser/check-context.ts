import type { Browser, BrowserContext, BrowserContextOptions, CDPSession, Page, Request, Route, WebSocketRoute } from 'playwright-core';
import { getDomain } from 'tldts';
import { startProxySwitch, type ProxySwitch } from './proxy-switch.ts';

/**
 * What a check may do with its browser. A check either owns a fresh context (closed after it) or borrows
 * the one long-lived context of a single-process browser, so everything it adds here is removed at its end.
 */
export interface CheckContext {
  /** A page with the check's viewport, user agent and script setting. */
  newPage(): Promise<Page>;
  addInitScript(script: { content: string }): Promise<void>;
  exposeBinding(name: string, binding: Parameters<BrowserContext['exposeBinding']>[1]): Promise<void>;
  route(url: string | RegExp, handler: (route: Route) => unknown): Promise<void>;
  /** One WebSocket router per check: it decides for every WebSocket the check's pages open. */
  routeWebSocket(handler: (ws: WebSocketRoute) => unknown): Promise<void>;
  onRequestFailed(listener: (request: Request) => void): void;
  newCDPSession(page: Page): Promise<CDPSession>;
  browserVersion(): string;
}

/** A check's own context: everything goes straight to it, and closing the context undoes it all. */
export function dedicatedCheckContext(context: BrowserContext): CheckContext {
  return {
    newPage: () => context.newPage(),
    addInitScript: async (script) => {
      await context.addInitScript(script);
    },
    exposeBinding: async (name, binding) => {
      await context.exposeBinding(name, binding);
    },
    route: async (url, handler) => {
      await context.route(url, handler);
    },
    routeWebSocket: (handler) => context.routeWebSocket(/.*/, handler),
    onRequestFailed: (listener) => {
      context.on('requestfailed', listener);
    },
    newCDPSession: (page) => context.newCDPSession(page),
    browserVersion: () => context.browser()?.version() ?? 'unknown',
  };
}

/** Options a check may set on the long-lived context; each is applied per page or undone at its end. */
const PER_CHECK_OPTIONS = new Set(['proxy', 'viewport', 'userAgent', 'javaScriptEnabled', 'offline', 'serviceWorkers', 'acceptDownloads']);
/** Beyond this many origins the check's storage is not cleared one origin at a time: the browser is retired. */
const MAX_TRACKED_ORIGINS = 200;

interface CheckScope {
  sessions: CDPSession[];
  undo: Array<() => Promise<unknown>>;
  failedListeners: Array<(request: Request) => void>;
  webSocketHandler: ((ws: WebSocketRoute) => unknown) | undefined;
  /** http(s) origins the check's pages, frames and workers requested; top-level ones separately. */
  origins: Set<string>;
  topOrigins: Set<string>;
}

/**
 * The one context of a single-process browser (a second context, or closing this one, kills the browser).
 * Checks take turns in it: each gets new pages, and at its end its pages are closed and its cookies,
 * permissions, HTTP cache and storage (local, session, IndexedDB, Cache Storage, service workers, also
 * partitioned third-party storage) are cleared, so the next check starts as cold as in a new browser.
 */
export class SharedBrowserContext {
  private scope: CheckScope | undefined;

  private constructor(
    private readonly context: BrowserContext,
    private readonly relay: ProxySwitch,
    /** An about:blank page kept for the browser's life, whose CDP session clears state between checks. */
    private readonly janitor: Page,
    private readonly janitorSession: CDPSession,
  ) {
    context.on('request', (request) => this.track(request));
    context.on('requestfailed', (request) => {
      for (const listener of this.scope?.failedListeners ?? []) listener(request);
    });
  }

  static async open(browser: Browser): Promise<SharedBrowserContext> {
    const relay = await startProxySwitch();
    try {
      const context = await browser.newContext({ proxy: { server: relay.server }, serviceWorkers: 'block', acceptDownloads: false });
      const janitor = await context.newPage();
      const session = await context.newCDPSession(janitor);
      const shared = new SharedBrowserContext(context, relay, janitor, session);
      // Context WebSocket routes cannot be removed, so one router stays and asks the running check.
      await context.routeWebSocket(/.*/, (ws) => {
        const handler = shared.scope?.webSocketHandler;
        if (handler) return handler(ws);
        ws.connectToServer();
      });
      return shared;
    } catch (err) {
      await relay.close();
      throw err;
    }
  }

  /** Starts a check: its proxy behind the relay, its options per page. */
  async begin(options: BrowserContextOptions = {}): Promise<CheckContext> {
    if (this.scope) throw new Error('the shared browser context is already in use by a check');
    const unsupported = Object.entries(options)
      .filter(([key, value]) => value !== undefined && !PER_CHECK_OPTIONS.has(key))
      .map(([key]) => key);
    // The long-lived context blocks service workers and downloads for every check.
    if (options.serviceWorkers === 'allow') unsupported.push('serviceWorkers: allow');
    if (options.acceptDownloads === true) unsupported.push('acceptDownloads: true');
    if (unsupported.length > 0) throw new Error(`options not available in a single-process browser: ${unsupported.join(', ')}`);
    const scope: CheckScope = {
      sessions: [],
      undo: [],
      failedListeners: [],
      webSocketHandler: undefined,
      origins: new Set(),
      topOrigins: new Set(),
    };
    this.scope = scope;
    this.relay.route(options.proxy?.server);
    if (options.offline) {
      await this.context.setOffline(true);
      scope.undo.push(() => this.context.setOffline(false));
    }
    const context = this.context;
    return {
      newPage: async () => {
        const page = await context.newPage();
        if (options.viewport) await page.setViewportSize(options.viewport);
        if (options.userAgent !== undefined || options.javaScriptEnabled === false) {
          // Emulation set through a CDP session lasts as long as the session: it is detached at the check's end.
          const session = await context.newCDPSession(page);
          scope.sessions.push(session);
          if (options.userAgent !== undefined) await session.send('Emulation.setUserAgentOverride', { userAgent: options.userAgent });
          if (options.javaScriptEnabled === false) await session.send('Emulation.setScriptExecutionDisabled', { value: true });
        }
        return page;
      },
      addInitScript: async (script) => {
        const added = await context.addInitScript(script);
        scope.undo.push(() => added.dispose());
      },
      exposeBinding: async (name, binding) => {
        const exposed = await context.exposeBinding(name, binding);
        scope.undo.push(() => exposed.dispose());
      },
      route: async (url, handler) => {
        const routed = await context.route(url, handler);
        scope.undo.push(() => routed.dispose());
      },
      routeWebSocket: async (handler) => {
        scope.webSocketHandler = handler;
      },
      onRequestFailed: (listener) => {
        scope.failedListeners.push(listener);
      },
      newCDPSession: (page) => context.newCDPSession(page),
      browserVersion: () => context.browser()?.version() ?? 'unknown',
    };
  }

  /**
   * Ends the running check and wipes what it left. Rejects when the browser could not be cleaned
   * (the caller then retires the browser rather than hand a dirty context to the next check).
   */
  async end(): Promise<void> {
    const scope = this.scope;
    if (!scope) return;
    scope.failedListeners = [];
    scope.webSocketHandler = undefined;
    await Promise.all(scope.sessions.map((s) => s.detach().catch(() => undefined)));
    // Every page but the janitor: the check's own and any popup its pages opened.
    await Promise.all(this.context.pages().filter((p) => p !== this.janitor).map((p) => p.close()));
    this.relay.route(undefined);
    for (const undo of scope.undo.reverse()) await undo();
    if (scope.origins.size > MAX_TRACKED_ORIGINS) throw new Error(`the check reached ${scope.origins.size} origins, too many to clear one by one`);
    await this.context.clearCookies();
    await this.context.clearPermissions();
    const send = this.janitorSession;
    await send.send('Network.clearBrowserCache');
    const clears: Array<Promise<unknown>> = [];
    const topSites = new Set([...scope.topOrigins].map(siteOf));
    for (const origin of scope.origins) {
      clears.push(send.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' }));
      // Partitioned storage of the origin as a third party under each top-level site, and as a same-site
      // frame below a cross-site one (StorageKey serialisation: ^0 top-level site, ^3 ancestor chain bit).
      for (const site of topSites) {
        if (site !== siteOf(origin)) clears.push(send.send('Storage.clearDataForStorageKey', { storageKey: `${origin}/^0${site}`, storageTypes: 'all' }));
      }
      clears.push(send.send('Storage.clearDataForStorageKey', { storageKey: `${origin}/^31`, storageTypes: 'all' }));
    }
    await Promise.all(clears);
    this.scope = undefined;
  }

  async close(): Promise<void> {
    await this.relay.close();
  }

  private track(request: Request): void {
    const scope = this.scope;
    if (!scope || scope.origins.size > MAX_TRACKED_ORIGINS) return;
    const origin = httpOrigin(request.url());
    if (!origin) return;
    scope.origins.add(origin);
    try {
      if (request.isNavigationRequest() && request.frame().parentFrame() === null) scope.topOrigins.add(origin);
    } catch {
      // A service worker's request has no frame.
    }
  }
}

/** The storage origin of an http(s) or ws(s) URL. */
function httpOrigin(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    if (url.protocol === 'ws:' || url.protocol === 'wss:') return new URL(raw.replace(/^ws/, 'http')).origin;
    return undefined;
  } catch {
    return undefined;
  }
}

/** Chromium's schemeful site: scheme and registrable domain (private registries included), no port. */
function siteOf(origin: string): string {
  const url = new URL(origin);
  const host = url.hostname;
  const domain = /^\[|^\d+\.\d+\.\d+\.\d+$/.test(host) ? host : (getDomain(host, { allowPrivateDomains: true }) ?? host);
  return `${url.protocol}//${domain}`;
}
