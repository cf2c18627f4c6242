import type { Config } from '../../config.ts';
import { DomainError } from '../../errors.ts';
import { BrowserPool } from '../../checks/browser/browser-pool.ts';
import { runDirectBrowserJob, type BrowserJobDeps } from '../../services/browser-jobs.ts';
import { createChromiumLauncher } from '../../checks/browser/launcher.ts';
import { directBrowserJobSchema } from '../../services/browser-messages.ts';
import type { Blobs, BrowserRunner, Logger } from '../../platform/ports.ts';

/**
 * Admission of on-demand jobs (check now, screenshots, journey runs) to the browser pool, which the
 * scheduled lane (the browser queue's consumer) shares: on demand never holds more than all slots but
 * one, so scheduled checks keep a slot; and only a few wait, the rest are refused at once (issue 16.10).
 */
export class OnDemandAdmission {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly maxRunning: number,
    readonly maxWaiting: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxRunning) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new DomainError('UNAVAILABLE', `the browser is busy (${this.running} runs on demand, ${this.waiting.length} waiting); try again shortly`, { retryAfter: 30 });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes to the next waiter as is; otherwise it is freed.
      if (next) next();
      else this.running--;
    }
  }
}

/** The local Chromium for the browser queue's consumer and direct jobs (PDF printing): one pool (at most BROWSER_CONCURRENCY pages at once), started on first use. */
export class LocalBrowserRunner implements BrowserRunner {
  private pool: BrowserPool | undefined;
  readonly admission: OnDemandAdmission;

  constructor(
    private readonly config: Config,
    private readonly blobs: Blobs,
    private readonly log: Logger,
  ) {
    const slots = config.BROWSER_CONCURRENCY;
    this.admission = new OnDemandAdmission(Math.max(1, slots - 1), 2 * slots);
  }

  deps(): BrowserJobDeps {
    this.pool ??= new BrowserPool({
      launcher: createChromiumLauncher({ mode: 'local', executablePath: this.config.CHROMIUM_PATH }),
      concurrency: this.config.BROWSER_CONCURRENCY,
      logger: this.log,
    });
    const { ALLOW_PRIVATE_TARGETS: allowPrivateTargets, DNS_SERVERS: dnsServers } = this.config;
    return { pool: this.pool, blobs: this.blobs, allowPrivateTargets, dnsServers, logger: this.log };
  }

  /** A job on demand, through the admission; the scheduled lane calls runBrowserJob with deps() directly. */
  async run(job: unknown): Promise<unknown> {
    const parsed = directBrowserJobSchema.parse(job);
    return this.admission.run(() => runDirectBrowserJob(this.deps(), parsed));
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }
}
