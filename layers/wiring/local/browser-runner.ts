import type { Config } from '../../config.ts';
import { BrowserPool } from '../../checks/browser/browser-pool.ts';
import { runDirectBrowserJob, type BrowserJobDeps } from '../../services/browser-jobs.ts';
import { createChromiumLauncher } from '../../checks/browser/launcher.ts';
import { directBrowserJobSchema } from '../../services/browser-messages.ts';
import type { Blobs, BrowserRunner, Logger } from '../../platform/ports.ts';

/** The local Chromium: one pool (at most BROWSER_CONCURRENCY pages at once), started on first use. */
export class LocalBrowserRunner implements BrowserRunner {
  private pool: BrowserPool | undefined;

  constructor(
    private readonly config: Config,
    private readonly blobs: Blobs,
    private readonly log: Logger,
  ) {}

  deps(): BrowserJobDeps {
    this.pool ??= new BrowserPool({
      launcher: createChromiumLauncher({ mode: 'local', executablePath: this.config.CHROMIUM_PATH }),
      concurrency: this.config.BROWSER_CONCURRENCY,
      logger: this.log,
    });
    const { ALLOW_PRIVATE_TARGETS: allowPrivateTargets, DNS_SERVERS: dnsServers } = this.config;
    return { pool: this.pool, blobs: this.blobs, allowPrivateTargets, dnsServers, logger: this.log };
  }

  async run(job: unknown): Promise<unknown> {
    return runDirectBrowserJob(this.deps(), directBrowserJobSchema.parse(job));
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }
}
