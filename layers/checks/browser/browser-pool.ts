import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import type { Logger } from '../../platform/ports.ts';
import { dedicatedCheckContext, SharedBrowserContext, type CheckContext } from './check-context.ts';
import type { BrowserLauncher } from './launcher.ts';

export type { CheckContext } from './check-context.ts';

/**
 * The browser failed us (crash, hang, failed launch, pool closed): the check says nothing about the
 * target, so callers report error_kind 'monitoring_error' and must not count it as downtime.
 */
export class BrowserMonitoringError extends Error {
  readonly kind = 'monitoring_error' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrowserMonitoringError';
  }
}

export interface BrowserPoolOptions {
  launcher: BrowserLauncher;
  /** Checks running at once in this worker (spec 6.2: 2). Further checks wait in a FIFO queue. */
  concurrency?: number;
  /** Checks allowed to wait; beyond it run() fails fast with BrowserMonitoringError. */
  maxQueued?: number;
  launchTimeoutMs?: number;
  /** How long closing a context (or clearing the shared one) may take before the browser is declared hung and killed. */
  closeTimeoutMs?: number;
  logger?: Logger;
}

export interface RunOptions {
  /** A single-process browser applies only the proxy, viewport, userAgent, javaScriptEnabled and offline, per check. */
  contextOptions?: BrowserContextOptions;
  /** Hard limit for the whole task; past it the check is a monitoring_error and the context is torn down. */
  watchdogMs: number;
}

export interface BrowserPoolStats {
  active: number;
  queued: number;
  launches: number;
  crashes: number;
  watchdogTimeouts: number;
  connected: boolean;
}

export type BrowserTask<T> = (context: CheckContext) => Promise<T>;

interface BrowserSlot {
  browser: Browser;
  pid: number | undefined;
  disconnected: boolean;
  listeners: Set<() => void>;
  /** Set when the pool closes the browser on purpose, so it does not count as a crash. */
  retiring: boolean;
  /** A single-process browser hosts one context for its life, shared by its checks one at a time. */
  singleContext: boolean;
  shared: SharedBrowserContext | undefined;
  claimed: boolean;
}

/**
 * One Chromium process per worker, shared by at most `concurrency` checks, each in a fresh context that is
 * closed afterwards. A browser that disconnects or stops answering is replaced on the next check. A
 * single-process browser (the Lambda container's) can host only one context in its life: it serves one check
 * at a time in that context (new pages, wiped between checks) and is kept for the next check.
 */
export class BrowserPool {
  private readonly launcher: BrowserLauncher;
  private readonly concurrency: number;
  private readonly maxQueued: number;
  private readonly launchTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private readonly logger: Logger | undefined;
  private slot: BrowserSlot | undefined;
  /** Single-process browsers still owned by their check, besides `slot`. */
  private readonly claimed = new Set<BrowserSlot>();
  /** Single-process browsers between checks, besides `slot`. */
  private readonly idle: BrowserSlot[] = [];
  private launching: Promise<BrowserSlot> | undefined;
  private active = 0;
  private readonly waiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  private closed = false;
  private launches = 0;
  private crashes = 0;
  private watchdogTimeouts = 0;

  constructor(options: BrowserPoolOptions) {
    this.launcher = options.launcher;
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.maxQueued = options.maxQueued ?? Number.POSITIVE_INFINITY;
    this.launchTimeoutMs = options.launchTimeoutMs ?? 30_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
    this.logger = options.logger;
  }

  /** Runs a task in a fresh browser context once a slot is free; the context is always closed afterwards. */
  async run<T>(task: BrowserTask<T>, options: RunOptions): Promise<T> {
    await this.acquire();
    try {
      return await this.runInSlot(task, options);
    } finally {
      this.release();
    }
  }

  stats(): BrowserPoolStats {
    return {
      active: this.active,
      queued: this.waiters.length,
      launches: this.launches,
      crashes: this.crashes,
      watchdogTimeouts: this.watchdogTimeouts,
      connected: this.liveBrowser() !== undefined,
    };
  }

  /** PID of the current browser process, if one is running (benchmarks read its RSS; tests kill it). */
  browserPid(): number | undefined {
    return this.liveBrowser()?.pid;
  }

  /** Launches the browser ahead of the first check, so that check does not pay for the cold start. */
  async warm(): Promise<void> {
    await this.ensureBrowser();
  }

  /** Rejects queued checks and closes the browser; running checks fail as monitoring errors. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new BrowserMonitoringError('browser pool is closed'));
    const slot = this.slot ?? (await this.launching?.catch(() => undefined));
    this.slot = undefined;
    await Promise.all([...(slot ? [slot] : []), ...this.idle.splice(0), ...this.claimed].map((s) => this.retire(s)));
  }

  /** The shared browser, or a single-process one waiting for its next check. */
  private liveBrowser(): BrowserSlot | undefined {
    return [this.slot, ...this.idle].find((s) => s !== undefined && !s.disconnected);
  }

  private async runInSlot<T>(task: BrowserTask<T>, options: RunOptions): Promise<T> {
    let slot: BrowserSlot;
    try {
      slot = await this.claimBrowser();
    } catch (err) {
      if (err instanceof BrowserMonitoringError) throw err;
      throw new BrowserMonitoringError(`browser failed to start: ${messageOf(err)}`, { cause: err });
    }

    let context: BrowserContext | undefined;
    let abandoned = false;
    let watchdogFired = false;
    let timer: NodeJS.Timeout | undefined;
    let onDisconnect: (() => void) | undefined;
    /** The shared context was handed to this check (so it has something to wipe). */
    let began = false;
    const work = (async () => {
      if (slot.shared) {
        const check = await slot.shared.begin(options.contextOptions);
        began = true;
        return task(check);
      }
      const created = await slot.browser.newContext(options.contextOptions);
      if (abandoned) {
        await created.close().catch(() => undefined);
        throw new BrowserMonitoringError('check abandoned before its context was ready');
      }
      context = created;
      return task(dedicatedCheckContext(created));
    })();
    // The task keeps running after a watchdog or crash wins the race; its outcome is then irrelevant.
    work.catch(() => undefined);

    const interrupted = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        watchdogFired = true;
        this.watchdogTimeouts += 1;
        reject(new BrowserMonitoringError(`check did not finish within its ${options.watchdogMs} ms watchdog`));
      }, options.watchdogMs);
      onDisconnect = () => reject(new BrowserMonitoringError('browser process crashed or disconnected during the check'));
      if (slot.disconnected) onDisconnect();
      else slot.listeners.add(onDisconnect);
    });
    interrupted.catch(() => undefined);

    let failedByBrowser = false;
    try {
      return await Promise.race([work, interrupted]);
    } catch (err) {
      failedByBrowser = err instanceof BrowserMonitoringError || slot.disconnected;
      // A task failing because its browser died is the browser's fault, whatever error surfaced first.
      if (slot.disconnected && !(err instanceof BrowserMonitoringError)) {
        throw new BrowserMonitoringError('browser process crashed or disconnected during the check', { cause: err });
      }
      throw err;
    } finally {
      abandoned = true;
      clearTimeout(timer);
      if (onDisconnect) slot.listeners.delete(onDisconnect);
      if (slot.singleContext) await this.releaseShared(slot, began && !watchdogFired && !failedByBrowser);
      else await this.disposeContext(slot, context, watchdogFired);
    }
  }

  /**
   * Wipes the shared context for the next check and returns the browser to the pool; a check that timed
   * out or failed with the browser, or a wipe that fails or hangs, retires the browser instead.
   */
  private async releaseShared(slot: BrowserSlot, reusable: boolean): Promise<void> {
    const cleaned =
      reusable &&
      !slot.disconnected &&
      slot.shared !== undefined &&
      (await withTimeout(slot.shared.end(), this.closeTimeoutMs).then(
        () => true,
        (err: unknown) => {
          this.logger?.warn('the shared browser context could not be cleared; restarting the browser', { pid: slot.pid, error: messageOf(err) });
          return false;
        },
      ));
    this.claimed.delete(slot);
    slot.claimed = false;
    if (!cleaned || this.closed || slot.disconnected) {
      await this.retire(slot);
      return;
    }
    // A launch in flight would take `slot`; this browser then waits among the idle ones.
    if (!this.launching && (!this.slot || this.slot.disconnected)) this.slot = slot;
    else this.idle.push(slot);
  }

  private async disposeContext(slot: BrowserSlot, context: BrowserContext | undefined, afterWatchdog: boolean): Promise<void> {
    if (slot.disconnected) return;
    if (context) {
      const closed = await withTimeout(context.close(), this.closeTimeoutMs).then(
        () => true,
        () => false,
      );
      if (closed) return;
      this.logger?.warn('browser context did not close in time; restarting the browser', { pid: slot.pid });
    } else if (!afterWatchdog) {
      return;
    } else {
      this.logger?.warn('browser did not create a context before the watchdog; restarting it', { pid: slot.pid });
    }
    await this.retire(slot);
  }

  /** The shared browser, or a single-process one that no other check has taken. */
  private async claimBrowser(): Promise<BrowserSlot> {
    for (;;) {
      const slot = this.idle.shift() ?? (await this.ensureBrowser());
      if (!slot.singleContext) return slot;
      if (!slot.claimed && !slot.disconnected) {
        slot.claimed = true;
        this.claimed.add(slot);
        if (this.slot === slot) this.slot = undefined;
        return slot;
      }
    }
  }

  private ensureBrowser(): Promise<BrowserSlot> {
    if (this.closed) return Promise.reject(new BrowserMonitoringError('browser pool is closed'));
    if (this.slot && !this.slot.disconnected) return Promise.resolve(this.slot);
    if (!this.launching) {
      this.launching = this.launch().finally(() => {
        this.launching = undefined;
      });
    }
    return this.launching;
  }

  private async launch(): Promise<BrowserSlot> {
    this.launches += 1;
    const launched = this.launcher.launch();
    let browser: Browser;
    let singleContext: boolean;
    try {
      ({ browser, singleContext } = await withTimeout(launched, this.launchTimeoutMs));
    } catch (err) {
      // A launch that completes after its timeout must not leave an orphan process behind.
      launched.then((late) => late.browser.close()).catch(() => undefined);
      throw new BrowserMonitoringError(`browser failed to start: ${messageOf(err)}`, { cause: err });
    }
    const slot: BrowserSlot = {
      browser,
      pid: undefined,
      disconnected: false,
      listeners: new Set(),
      retiring: false,
      singleContext,
      shared: undefined,
      claimed: false,
    };
    browser.on('disconnected', () => {
      slot.disconnected = true;
      if (this.slot === slot) this.slot = undefined;
      const idleAt = this.idle.indexOf(slot);
      if (idleAt >= 0) this.idle.splice(idleAt, 1);
      void slot.shared?.close();
      if (!slot.retiring) {
        this.crashes += 1;
        this.logger?.warn('browser disconnected unexpectedly; it will be relaunched for the next check', { pid: slot.pid });
      }
      for (const listener of [...slot.listeners]) listener();
    });
    slot.pid = await browserProcessId(browser);
    if (singleContext) {
      const opening = SharedBrowserContext.open(browser);
      try {
        slot.shared = await withTimeout(opening, this.launchTimeoutMs);
      } catch (err) {
        opening.then((late) => late.close()).catch(() => undefined);
        await this.retire(slot);
        throw new BrowserMonitoringError(`browser failed to start: ${messageOf(err)}`, { cause: err });
      }
    }
    if (this.closed) {
      await this.retire(slot);
      throw new BrowserMonitoringError('browser pool is closed');
    }
    this.slot = slot;
    this.logger?.info('browser launched', { launcher: this.launcher.name, version: browser.version(), pid: slot.pid });
    return slot;
  }

  /** Closes a browser, killing its process if it does not close in time (a hung browser). */
  private async retire(slot: BrowserSlot): Promise<void> {
    slot.retiring = true;
    if (this.slot === slot) this.slot = undefined;
    this.claimed.delete(slot);
    const idleAt = this.idle.indexOf(slot);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    await slot.shared?.close();
    if (slot.disconnected) return;
    const closed = await withTimeout(slot.browser.close(), this.closeTimeoutMs).then(
      () => true,
      () => false,
    );
    if (!closed && slot.pid !== undefined) {
      try {
        process.kill(slot.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }

  private acquire(): Promise<void> {
    if (this.closed) return Promise.reject(new BrowserMonitoringError('browser pool is closed'));
    if (this.active < this.concurrency) {
      this.active += 1;
      return Promise.resolve();
    }
    if (this.waiters.length >= this.maxQueued) {
      return Promise.reject(new BrowserMonitoringError(`browser queue is full (${this.maxQueued} checks waiting)`));
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next.resolve();
    else this.active -= 1;
  }
}

/** The browser's OS process id, from CDP (playwright's Browser does not expose its process). */
async function browserProcessId(browser: Browser): Promise<number | undefined> {
  try {
    const session = await browser.newBrowserCDPSession();
    const info = await session.send('SystemInfo.getProcessInfo');
    await session.detach().catch(() => undefined);
    return info.processInfo.find((p) => p.type === 'browser')?.id;
  } catch {
    return undefined;
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message = `timed out after ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
