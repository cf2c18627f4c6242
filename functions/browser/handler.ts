// Browser container Lambda (outside the VPC): the browser queue's consumer, and `{ job }` direct
// invocations from the in-VPC API (deep check now, screenshots, journey runs) that return the result.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { loadConfig } from '../../layers/config.ts';
import { BrowserPool } from '../../layers/checks/browser/browser-pool.ts';
import { runBrowserJob } from '../../layers/services/browser-jobs.ts';
import { createChromiumLauncher } from '../../layers/checks/browser/launcher.ts';
import { browserJobSchema } from '../../layers/services/browser-messages.ts';
import { createBrowserHandler, type BrowserHandler } from '../../layers/handlers/browser.ts';
import { createLogger } from '../../layers/platform/logger.ts';
import { createAwsPorts } from '../../layers/platform/aws/index.ts';

export { createBrowserHandler };

// One pool per container, built on the first event and reused while warm.
let wired: Promise<{ batch: BrowserHandler; direct: (job: unknown) => Promise<unknown> }> | undefined;

async function wire() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, { fn: 'browser' });
  const pool = new BrowserPool({
    launcher: createChromiumLauncher({ mode: config.MODE, executablePath: config.CHROMIUM_PATH }),
    concurrency: config.BROWSER_CONCURRENCY,
    logger,
  });
  const { queue, blobs } = createAwsPorts(config);
  const deps = { pool, ...(blobs ? { blobs } : {}), allowPrivateTargets: config.ALLOW_PRIVATE_TARGETS, logger };
  return {
    batch: createBrowserHandler({ ...deps, sink: queue }),
    direct: (job: unknown) => runBrowserJob(deps, browserJobSchema.parse(job)),
  };
}

export const handler = async (event: SQSEvent | { job: unknown }): Promise<SQSBatchResponse | unknown> => {
  wired ??= wire().catch((err: unknown) => {
    wired = undefined;
    throw err;
  });
  const w = await wired;
  return 'job' in event ? w.direct(event.job) : w.batch(event);
};

export default handler;
