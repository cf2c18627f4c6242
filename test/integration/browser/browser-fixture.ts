import { BrowserPool } from '../../../layers/checks/browser/browser-pool.ts';
import { createSystemChromiumLauncher } from '../../../layers/checks/browser/launcher.ts';

/** The machine's Chromium; tests never download browsers. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export function createTestPool(options: { concurrency?: number; extraArgs?: string[]; closeTimeoutMs?: number } = {}): BrowserPool {
  return new BrowserPool({
    launcher: createSystemChromiumLauncher({ executablePath: CHROMIUM_PATH, extraArgs: options.extraArgs ?? [] }),
    concurrency: options.concurrency ?? 2,
    ...(options.closeTimeoutMs ? { closeTimeoutMs: options.closeTimeoutMs } : {}),
  });
}
