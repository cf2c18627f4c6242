// Browser container Lambda (outside the VPC): the browser queue's consumer. Scheduled deep checks and
// journeys, the API's on-demand jobs (deep check now, screenshots, journey runs) and its PDF reports all
// come by queue (a PDF's page and answer go through the blob bucket); a direct `{ job }` invocation (by
// hand) answers with the result.
// One Chromium pool per container; it launches on the first job and is reused while warm.
import { BrowserPool } from '../../layers/checks/browser/browser-pool.ts';
import { createChromiumLauncher } from '../../layers/checks/browser/launcher.ts';
import { loadConfig } from '../../layers/config.ts';
import { createBrowserFunctionHandler } from '../../layers/handlers/browser.ts';
import { createAwsPorts } from '../../layers/platform/aws/index.ts';
import { createLogger } from '../../layers/platform/logger.ts';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL, { fn: 'browser' });
const { queue, blobs } = createAwsPorts(config);
const pool = new BrowserPool({
  launcher: createChromiumLauncher({ mode: config.MODE, executablePath: config.CHROMIUM_PATH }),
  concurrency: config.BROWSER_CONCURRENCY,
  logger,
});

export const handler = createBrowserFunctionHandler({
  pool,
  ...(blobs ? { blobs } : {}),
  allowPrivateTargets: config.ALLOW_PRIVATE_TARGETS,
  dnsServers: config.DNS_SERVERS,
  // The function's timeout is 120 s (lib/browser.ts): a journey ends with its own report before that.
  journeyMaxMs: 100_000,
  logger,
  sink: queue,
});

export default handler;
