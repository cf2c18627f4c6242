import { fileURLToPath } from 'node:url';
import type { Context, EventBridgeEvent, SQSBatchResponse } from 'aws-lambda';
import type { Config } from '../../config.ts';
import { createHttpHandler } from '../../endpoints/router.ts';
import { apiRoutes } from '../../endpoints/routes/index.ts';
import { createBrowserHandler } from '../../handlers/browser.ts';
import { createCheckerHandler, createNotifierHandler, createResultsHandler, createSchedulerHandler } from '../../handlers/pipeline.ts';
import { createDailyHandler } from '../../handlers/daily.ts';
import { createWsHandler } from '../../handlers/ws.ts';
import { staggerStart } from '../../services/scheduler.ts';
import { checkerContextFor, createLocalContext, notifierContextFor, type LocalContext, type LocalContextOptions } from './context.ts';
import { startLocalServer } from './server.ts';
import { attachWebSocketServer } from './ws-server.ts';
import type { Logger } from '../../platform/ports.ts';

export const frontendDir = fileURLToPath(new URL('../../../frontend/', import.meta.url));

export interface LocalSystem {
  ctx: LocalContext;
  url: string;
  /** Runs one scheduler tick now (tests and the CLI). */
  tick(): Promise<unknown>;
  close(): Promise<void>;
}

/** The local checker's time limit per batch, as the checker Lambda's timeout on AWS. */
export const LOCAL_CHECKER_LIMIT_MS = 120_000;

/** A Lambda context as the handlers see it; `getRemainingTimeInMillis` counts down from `limitMs`. */
const lambdaContext = (name: string, limitMs = 900_000) => {
  const deadline = Date.now() + limitMs;
  return { functionName: name, awsRequestId: 'local', getRemainingTimeInMillis: () => deadline - Date.now() } as Context;
};
const scheduledEvent = (detailType: string): EventBridgeEvent<string, unknown> => ({
  version: '0',
  id: 'local',
  'detail-type': detailType,
  source: 'aws.events',
  account: 'local',
  time: new Date().toISOString(),
  region: 'local',
  resources: [],
  detail: {},
});

/** Local timers: a tick every 5 s claiming 10 s ahead keeps lateness low without a minute-long wait. */
export const LOCAL_TICK_MS = 5_000;
const LOCAL_LOOKAHEAD_S = 10;
const LOCAL_BATCH_WINDOW_S = 5;
/**
 * Local checkers hand their results on every 2 s (the checker's default is 1 s, AWS's 5 s), every
 * batch at the same moment (`services/checker.ts` start slots): about one results delivery and
 * transaction per 2 s, whose round trips wake both the app and PostgreSQL, instead of one a second.
 */
const LOCAL_RESULT_FLUSH_MS = 2_000;
const DAILY_FIRST_RUN_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The anomaly job runs this long after each full hour, once the hour's last results are recorded. */
const HOURLY_OFFSET_MS = 2 * 60_000;

/** Starts the whole system on one machine: the same handlers as on AWS, behind node:http, a queue and timers. */
export async function startLocalSystem(config: Config, opts: LocalContextOptions = {}): Promise<LocalSystem> {
  const ctx = await createLocalContext(config, opts);
  const getCtx = async () => ctx;
  const checker = { ...checkerContextFor(config, ctx.queue, ctx.log), resultFlushMs: LOCAL_RESULT_FLUSH_MS, joinGridFlushes: true };
  const notifier = notifierContextFor(ctx);
  const checkerHandler = createCheckerHandler(async () => checker);
  const resultsHandler = createResultsHandler(getCtx);
  const notifierHandler = createNotifierHandler(async () => notifier);
  // As on AWS: up to CHECK_CONCURRENCY checker invocations, each taking up to 10 batch messages.
  ctx.queue.consume('checks', (e) => checkerHandler(e, lambdaContext('checker', LOCAL_CHECKER_LIMIT_MS)) as Promise<SQSBatchResponse>, config.CHECK_CONCURRENCY, 10);
  ctx.queue.consume('results', (e) => resultsHandler(e, lambdaContext('results')), 1, 10);
  const browserHandler = createBrowserHandler({ ...ctx.browser.deps(), sink: ctx.queue, logger: ctx.log });
  ctx.queue.consume('browser', (e) => browserHandler(e), config.BROWSER_CONCURRENCY, 1);
  ctx.queue.consume('notifications', (e) => notifierHandler(e, lambdaContext('notifier')), 5, 1);

  const scheduler = createSchedulerHandler(getCtx, { lookaheadSeconds: LOCAL_LOOKAHEAD_S, batchWindowSeconds: LOCAL_BATCH_WINDOW_S });
  const daily = createDailyHandler(getCtx);
  const tickOnce = () => scheduler(scheduledEvent('Scheduled Event'), lambdaContext('scheduler'));
  const timers: NodeJS.Timeout[] = [];
  // Background runs still going when close() is called finish before the database goes.
  const inflight = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => undefined);
    return p;
  };
  let ticking = false;
  const safeTick = async () => {
    if (ticking) return;
    ticking = true;
    try {
      await tickOnce();
    } catch (err) {
      ctx.log.error('scheduler tick failed', { error: err instanceof Error ? err.message : String(err) });
    } finally {
      ticking = false;
    }
  };
  if (config.SCHEDULER_ENABLED) {
    await staggerStart(ctx);
    void track(safeTick());
    timers.push(setInterval(() => void track(safeTick()), LOCAL_TICK_MS));
    const runDaily = () =>
      track(
        daily(scheduledEvent('Daily'), lambdaContext('daily')).catch((err: unknown) =>
          ctx.log.error('daily run failed', { error: err instanceof Error ? err.message : String(err) }),
        ),
      );
    timers.push(setTimeout(() => {
      void runDaily();
      timers.push(setInterval(() => void runDaily(), DAY_MS));
    }, DAILY_FIRST_RUN_MS));
    // The same function's hourly job (on AWS a second EventBridge rule with this input).
    const runHourly = () =>
      track(
        daily({ job: 'anomalies' }, lambdaContext('daily')).catch((err: unknown) =>
          ctx.log.error('anomaly job failed', { error: err instanceof Error ? err.message : String(err) }),
        ),
      );
    const sinceHour = Date.now() % HOUR_MS;
    timers.push(setTimeout(() => {
      void runHourly();
      timers.push(setInterval(() => void runHourly(), HOUR_MS));
    }, (HOURLY_OFFSET_MS - sinceHour + HOUR_MS) % HOUR_MS || HOUR_MS));
  }

  // The local server writes streamed bodies (CSV exports) as they are produced.
  const api = createHttpHandler(getCtx, apiRoutes(), { streaming: true });
  const ws = createWsHandler(getCtx);
  let detachWs: (() => void) | undefined;
  const http = await startLocalServer({
    api,
    frontendDir,
    host: config.HOST,
    port: config.PORT,
    log: ctx.log,
    maxConnections: config.HTTP_MAX_CONNECTIONS,
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
    trustProxy: config.TRUST_PROXY,
    onServer: (server) => {
      detachWs = attachWebSocketServer(server, ws, ctx.push, ctx.log);
    },
  });
  let closed = false;
  return {
    ctx,
    url: http.url,
    tick: tickOnce,
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      detachWs?.();
      await http.close();
      await Promise.allSettled([...inflight]);
      await ctx.queue.drain().catch(() => undefined);
      await ctx.close();
    },
  };
}

/**
 * The last line of defence of a long-running local server: an error that escaped every handler (a
 * throw in a socket or timer callback, a rejected promise nobody awaited) is logged with its stack and
 * the process keeps serving, so one bad connection, check or job cannot stop monitoring for everyone.
 * Returns a function that removes the guard.
 */
export function guardProcess(log: Logger): () => void {
  const describe = (err: unknown) =>
    err instanceof Error ? { error: err.message, name: err.name, stack: err.stack } : { error: String(err) };
  const onException = (err: unknown) => log.error('uncaught exception; still serving', describe(err));
  const onRejection = (reason: unknown) => log.error('unhandled promise rejection; still serving', describe(reason));
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
