import middy from '@middy/core';
import type { Context, EventBridgeEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod';
import type { Logger } from '../platform/ports.ts';
import type { CheckerContext } from '../services/checker.ts';
import type { ServiceContext } from '../services/context.ts';
import { checkQueueMessageSchema, notifyMessageSchema, resultMessageSchema, type HttpCheckMessage, type HttpResultMessage, type ResultMessage } from '../services/messages.ts';
import type { NotifierContext } from '../services/notifier.ts';
import type { TickOptions } from '../services/scheduler.ts';

// The pipeline of a scheduled check, one handler per function, in the order a check goes through them
// (docs/architecture.md, "One scheduled check"): the scheduler (EventBridge) puts due checks on the
// checks queue; the checker consumes it and puts results on the results queue; the results consumer
// records them and puts notifications on the notifications queue; the notifier delivers them.
// On AWS each function's entry (functions/scheduler.ts, checker.ts, results.ts, notifier.ts) builds its
// clients and calls one of these; locally the runner (wiring/local/runner.ts) feeds them from its
// queues and timers. Below them, the one batch reader of every queue consumer (`consumeBatch`).
//
// Each handler loads the services it calls with `import()` when it is made, that is at its function's
// cold start, as a static import would. esbuild drops the handlers an entry does not use, and their
// imports with them, so each function's bundle holds its own stage of the pipeline and not the others'
// (the notifier does not carry the recorder, nor the checker the scheduler).

// 1. The tick (EventBridge, every minute on AWS; a timer locally).

export function createSchedulerHandler(getContext: () => Promise<ServiceContext>, opts: TickOptions = { lookaheadSeconds: 60 }) {
  const scheduler = loaded(import('../services/scheduler.ts'));
  return middy<EventBridgeEvent<string, unknown>, unknown, Error, Context>().handler(async () => (await scheduler).tick(await getContext(), opts));
}

// 2. The checks queue.

/**
 * The check queue consumer (outside the VPC on AWS): scheduled checks, expiry sweeps and the API's
 * "check now" (a single check carrying its job id).
 * The checks of every batch message of an invocation run together, under one concurrency cap and
 * within the invocation's remaining time.
 */
export function createCheckerHandler(getContext: () => Promise<CheckerContext>) {
  const services = loaded(import('../services/checker.ts'));
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event, lambda) => {
    const [c, { checkAndReport, runCheckBatch }] = await Promise.all([getContext(), services]);
    return consumeBatch(event, checkQueueMessageSchema, c.log, 'check message', async (records) => {
      const batched: HttpCheckMessage[] = [];
      const batchIds: string[] = [];
      const failed: string[] = [];
      const singles = records.map(async (r) => {
        // A single HTTP check (sent before batching, or by hand) runs with the batch, under its deadline.
        if (r.message.type === 'check_batch' || r.message.kind === 'http') {
          batched.push(...(r.message.type === 'check_batch' ? r.message.checks : [r.message]));
          batchIds.push(r.messageId);
          return;
        }
        try {
          await checkAndReport(c, r.message);
        } catch (err) {
          c.log.error('check failed', { messageId: r.messageId, error: err instanceof Error ? err.message : String(err) });
          failed.push(r.messageId);
        }
      });
      const batch = batched.length
        ? runCheckBatch(c, batched, { remainingMs: () => lambda.getRemainingTimeInMillis() }).catch((err: unknown) => {
            c.log.error('check batch failed', { error: err instanceof Error ? err.message : String(err) });
            failed.push(...batchIds);
          })
        : undefined;
      await Promise.all([...singles, batch]);
      return failed;
    });
  });
}

// 3. The results queue.

/** The services the results consumer calls, by file, loaded once. */
let resultsStage: Promise<Awaited<ReturnType<typeof loadResultsStage>>> | undefined;
const resultsServices = () => (resultsStage ??= loaded(loadResultsStage()));
async function loadResultsStage() {
  const [recorder, browser, jobs, checkNow] = await Promise.all([
    import('../services/recorder.ts'),
    import('../services/browser.ts'),
    import('../services/jobs.ts'),
    import('../services/check-now.ts'),
  ]);
  return { recorder, browser, jobs, checkNow };
}

/** Every message of the results queue lands here and goes to the one service that records its kind. */
export async function recordResult(ctx: ServiceContext, m: ResultMessage): Promise<void> {
  const { recorder, browser, jobs, checkNow } = await resultsServices();
  switch (m.type) {
    case 'http_result':
      await recorder.recordResults(ctx, [m], { notify: true });
      return jobs.finishJob(ctx, m.job_id, checkNow.checkNowView(m));
    case 'expiry_result':
      return recorder.recordExpiryResult(ctx, m);
    case 'browser_result':
      return browser.recordBrowserCheck(ctx, m);
    case 'screenshot_result':
      await browser.recordScreenshotResult(ctx, m);
      return;
    case 'journey_result':
      await browser.recordJourneyResult(ctx, m);
      return;
    case 'job_started':
      return jobs.jobStarted(ctx, m.job_id, m.at);
    case 'delivery':
      return recorder.recordDelivery(ctx, m);
    case 'result_batch':
      await recorder.recordResults(ctx, m.results, { notify: true });
      return finishJobs(ctx, m.results);
  }
}

/**
 * The HTTP results of a batch (single or batched messages), recorded in one transaction in
 * per-project order (services/recorder.ts; repeats are ignored, so a redelivered message is harmless).
 * If the batch fails, each message is tried alone, so one bad result does not hold back the others.
 * Returns the ids of the messages whose results could not be recorded.
 */
async function recordHttpBatch(ctx: ServiceContext, items: { messageId: string; result: HttpResultMessage }[]): Promise<string[]> {
  const { recorder } = await resultsServices();
  const ordered = (list: typeof items) => [...list].sort((a, b) => a.result.project_id - b.result.project_id || time(a.result) - time(b.result)).map((i) => i.result);
  try {
    await recorder.recordResults(ctx, ordered(items), { notify: true });
    await finishJobs(ctx, items.map((i) => i.result));
    return [];
  } catch (err) {
    ctx.log.warn('result batch not recorded; trying each message alone', { error: err instanceof Error ? err.message : String(err) });
  }
  const failed: string[] = [];
  for (const id of new Set(items.map((i) => i.messageId))) {
    try {
      const alone = ordered(items.filter((i) => i.messageId === id));
      await recorder.recordResults(ctx, alone, { notify: true });
      await finishJobs(ctx, alone);
    } catch (err) {
      ctx.log.error('result not recorded', { messageId: id, error: err instanceof Error ? err.message : String(err) });
      failed.push(id);
    }
  }
  return failed;
}

/** "Check now" results finish their API job (services/jobs.ts) with what the route answers. */
async function finishJobs(ctx: ServiceContext, results: HttpResultMessage[]): Promise<void> {
  const { jobs, checkNow } = await resultsServices();
  for (const r of results) if (r.job_id) await jobs.finishJob(ctx, r.job_id, checkNow.checkNowView(r));
}

const time = (r: HttpResultMessage) => (r.due_at ?? r.result.checked_at).getTime();

/**
 * The results queue consumer (in the VPC on AWS). The HTTP results of the whole batch are recorded
 * together; every other message after them, one after another.
 */
export function createResultsHandler(getContext: () => Promise<ServiceContext>) {
  const services = resultsServices();
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event) => {
    const [ctx] = await Promise.all([getContext(), services]);
    return consumeBatch(event, resultMessageSchema, ctx.log, 'result', async (records) => {
      const http: { messageId: string; result: HttpResultMessage }[] = [];
      const others: typeof records = [];
      for (const r of records) {
        if (r.message.type === 'http_result') http.push({ messageId: r.messageId, result: r.message });
        else if (r.message.type === 'result_batch') for (const result of r.message.results) http.push({ messageId: r.messageId, result });
        else others.push(r);
      }
      const failed = http.length ? await recordHttpBatch(ctx, http) : [];
      for (const r of others) {
        try {
          await recordResult(ctx, r.message);
        } catch (err) {
          ctx.log.error('result failed', { messageId: r.messageId, error: err instanceof Error ? err.message : String(err) });
          failed.push(r.messageId);
        }
      }
      return failed;
    });
  });
}

// 4. The notifications queue.

export function createNotifierHandler(getContext: () => Promise<NotifierContext>) {
  const notifier = loaded(import('../services/notifier.ts'));
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event) => {
    const [c, { handleNotifyMessage }] = await Promise.all([getContext(), notifier]);
    return forEachRecord(event, notifyMessageSchema, c.log, 'notification', (m) => handleNotifyMessage(c, m));
  });
}

/**
 * A stage's services, loading. A failure to load is not left unhandled at the cold start: each
 * invocation awaits the same promise and fails with it.
 */
function loaded<T>(load: Promise<T>): Promise<T> {
  load.catch(() => undefined);
  return load;
}

// The batch reader of every queue consumer (the browser and tools handlers too).

/** One record of a batch, parsed. */
export interface Parsed<T> {
  messageId: string;
  message: T;
  /** How many times SQS has delivered it (1 the first time). */
  receiveCount: number;
}

/**
 * The one way every SQS consumer reads a batch: each record is parsed with `schema`; a record that
 * does not parse is reported as failed, so the queue's redrive policy moves it to the dead-letter
 * queue (where an alarm sees it) instead of dropping it; `handle` gets the rest at once and returns
 * the ids of the records it could not handle, which SQS delivers again (partial batch response).
 */
export async function consumeBatch<S extends z.ZodType>(
  event: SQSEvent,
  schema: S,
  log: Logger | undefined,
  what: string,
  handle: (records: Parsed<z.output<S>>[]) => Promise<Iterable<string> | void>,
): Promise<SQSBatchResponse> {
  const failed = new Set<string>();
  const parsed: Parsed<z.output<S>>[] = [];
  for (const record of event.Records) {
    const message = parseRecord(record, schema);
    if (message.ok) parsed.push({ messageId: record.messageId, message: message.value, receiveCount: receiveCount(record) });
    else {
      log?.error(`malformed ${what}: left for the dead-letter queue`, { messageId: record.messageId, receiveCount: receiveCount(record), error: message.error });
      failed.add(record.messageId);
    }
  }
  if (parsed.length) {
    try {
      for (const id of (await handle(parsed)) ?? []) failed.add(id);
    } catch (err) {
      log?.error(`${what} batch failed`, { error: err instanceof Error ? err.message : String(err) });
      for (const p of parsed) failed.add(p.messageId);
    }
  }
  return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
}

/**
 * `consumeBatch` for consumers that handle each record on its own: concurrently, or one after another
 * with `inOrder`. A record whose handling throws is retried alone.
 */
export async function forEachRecord<S extends z.ZodType>(
  event: SQSEvent,
  schema: S,
  log: Logger | undefined,
  what: string,
  handle: (message: z.output<S>, record: Parsed<z.output<S>>) => Promise<void>,
  opts: { inOrder?: boolean } = {},
): Promise<SQSBatchResponse> {
  return consumeBatch(event, schema, log, what, async (records) => {
    const failed: string[] = [];
    const one = async (r: Parsed<z.output<S>>) => {
      try {
        await handle(r.message, r);
      } catch (err) {
        log?.error(`${what} failed`, { messageId: r.messageId, error: err instanceof Error ? err.message : String(err) });
        failed.push(r.messageId);
      }
    };
    if (opts.inOrder) for (const r of records) await one(r);
    else await Promise.all(records.map(one));
    return failed;
  });
}

function parseRecord<S extends z.ZodType>(record: SQSRecord, schema: S): { ok: true; value: z.output<S> } | { ok: false; error: string } {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ') };
}

const receiveCount = (record: SQSRecord) => Number(record.attributes?.ApproximateReceiveCount ?? 1) || 1;
