import { checkBudgetMs, probeHttp } from '../checks/http.ts';
import { maskUrlPassword } from '../model/secrets.ts';
import { probeSsl } from '../checks/ssl.ts';
import { fingerprintContent } from '../checks/content-change.ts';
import { checkKeywords } from '../checks/keywords.ts';
import type { Queue, Logger } from '../platform/ports.ts';
import { jobStartedMessage, MAX_RESULTS_PER_BATCH, type CheckMessage, type HttpCheckMessage, type ResultMessageInput } from './messages.ts';

/** What the checker needs: it runs outside the VPC on AWS, so no database, only queues. */
export interface CheckerContext {
  queue: Queue;
  log: Logger;
  allowPrivateTargets: boolean;
  dnsServers?: string[] | undefined;
  /** Domain-expiry probe options. */
  rdapBootstrapUrl?: string | undefined;
  whoisServer?: string | undefined;
  /** Most checks one invocation runs at once (a batch's checks share it). Default 50. */
  checksPerInvocation?: number | undefined;
  /** Results are sent together at most this long after the first of them is ready. Default 1 s. */
  resultFlushMs?: number | undefined;
  /**
   * A batch's last results wait for the next flush of the process's other batches instead of going
   * alone (the local runner, where many batches run at once; on Lambda the wait would be billed).
   */
  joinGridFlushes?: boolean | undefined;
}

type HttpCheck = HttpCheckMessage;
type HttpResultInput = Extract<ResultMessageInput, { type: 'http_result' }>;

/** Time the checker keeps for itself at the end of an invocation: sending the last results. */
export const CHECKER_MARGIN_MS = 5_000;
/** A check is not started with less than this left: it could not tell anything. */
const MIN_START_MS = 2_000;
/**
 * Checks start on a grid of 200 ms of the wall clock: every check due since the last slot starts at
 * the next one, together with every other batch's starts and the result flush. At 50 checks/s that
 * is 5 wake-ups a second instead of 50; on a mostly idle machine each costs ~0.2 ms of CPU, as much
 * as a check's own work (bench/scheduler/probe-cpu.ts). A check starts at most one slot after its
 * due time, never before.
 */
export const START_SLOT_MS = 200;

/**
 * At a high check rate the process is awake anyway and a 200 ms slot only makes bursts: the slot
 * shrinks to keep at most about this many starts in one (200 ms up to 100 checks/s, 10 ms from 2,000/s).
 */
const STARTS_PER_SLOT = 20;
const SLOT_STEPS = [10, 20, 50, 100, 200];
let recentStarts = 0;
let recentAt = 0;

/** Counts a start in the process's start rate (starts in about the last second, decaying). */
function noteStart(now: number): void {
  recentStarts = recentStarts * Math.exp(-(now - recentAt) / 1000) + 1;
  recentAt = now;
}

/** The slot for the process's start rate: the largest step of at most `max` ms keeping ~STARTS_PER_SLOT in one. */
function slotFor(max: number, now: number): number {
  const rate = recentStarts * Math.exp(-(now - recentAt) / 1000);
  const want = rate > 0 ? (1000 * STARTS_PER_SLOT) / rate : max;
  let slot = Math.min(max, SLOT_STEPS[0]!);
  for (const step of SLOT_STEPS) if (step <= max && step <= want) slot = step;
  return want >= max ? max : slot;
}

/** The first boundary of a grid of `slot` ms (of the wall clock) at or after `at`. */
const slotOf = (at: number, slot: number) => Math.ceil(at / slot) * slot;

const slotWaiters = new Map<number, { timer: NodeJS.Timeout; fns: Set<() => void> }>();

/**
 * Calls `fn` at the boundary `at` (ms since the epoch) unless the returned function is called before.
 * One timer per boundary for the whole process: every batch's starts and result flushes due at the
 * same boundary run in one wake-up, and flushes sent together reach the results consumer together.
 */
function atSlot(at: number, fn: () => void): () => void {
  let w = slotWaiters.get(at);
  if (!w) {
    const fns = new Set<() => void>();
    const timer = setTimeout(() => {
      slotWaiters.delete(at);
      for (const f of fns) f();
    }, Math.max(0, at - Date.now()));
    w = { timer, fns };
    slotWaiters.set(at, w);
  }
  const entry = w;
  entry.fns.add(fn);
  return () => {
    entry.fns.delete(fn);
    if (entry.fns.size === 0 && slotWaiters.get(at) === entry) {
      clearTimeout(entry.timer);
      slotWaiters.delete(at);
    }
  };
}

/**
 * Runs one scheduled HTTP check, with content-change and keyword checks from the same response,
 * within `capMs`: all tries and their backoff end by then (see `checkBudgetMs`).
 */
export async function runHttpCheck(c: CheckerContext, m: HttpCheck, capMs = Infinity): Promise<HttpResultInput> {
  const started = new Date();
  const t = m.target;
  const wantBody = t.content_change_detection || (t.keyword_monitoring && t.keywords.length > 0);
  const r = await probeHttp(t.url, {
    allowPrivateTargets: c.allowPrivateTargets,
    ...(c.dnsServers ? { dnsServers: c.dnsServers } : {}),
    headers: t.custom_headers,
    expectedStatus: t.accepted_status_codes,
    timeoutMs: t.timeout * 1000,
    ...(t.time_limit ? { timeLimitMs: t.time_limit } : {}),
    // retry_count counts retries after the first try (spec 5: "retry on failure, 1-5 times").
    retryCount: t.retry_count,
    budgetMs: checkBudgetMs(t.timeout * 1000, t.retry_count, capMs),
    captureBody: wantBody,
  });
  let contentHash: string | null = null;
  let keywords: { found: string[]; missing: string[] } | null = null;
  if (wantBody && r.body !== undefined && r.status_code !== null) {
    if (t.content_change_detection) {
      try {
        contentHash = fingerprintContent(r.body, t.content_selector).hash;
      } catch (err) {
        c.log.warn('content selector rejected', { project_id: m.project_id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (t.keyword_monitoring && t.keywords.length > 0) {
      const k = checkKeywords(r.body, t.keywords, t.keyword_alert_on_found);
      keywords = { found: k.found, missing: k.missing };
    }
  }
  const { body: _body, headers: _headers, ...details } = r;
  return {
    type: 'http_result',
    project_id: m.project_id,
    due_at: m.due_at.toISOString(),
    started_at: started.toISOString(),
    cycle: m.cycle,
    result: {
      is_available: r.is_available,
      status_code: r.status_code,
      response_time: r.response_time,
      error_kind: r.error_kind,
      error_message: r.error_message,
      checked_at: r.checked_at,
      details: {
        resolved_ip: details.resolved_ip,
        // Shown in the logs to every reader: never a password of the project URL.
        final_url: maskUrlPassword(details.final_url),
        redirect_count: details.redirect_count,
        timings: details.timings,
        body_size: details.body_size,
        attempts: details.attempts,
        tls_version: details.tls?.version ?? null,
      },
    },
    content_hash: contentHash,
    content_selector: t.content_selector,
    keywords,
    job_id: m.job_id ?? null,
  };
}

type ExpiryCheck = Extract<CheckMessage, { kind: 'ssl' | 'domain' }>;

export async function runExpiryCheck(c: CheckerContext, m: ExpiryCheck): Promise<ResultMessageInput> {
  const host = new URL(m.url).hostname;
  if (m.kind === 'ssl') {
    const port = Number(new URL(m.url).port || 443);
    const r = await probeSsl(host, { allowPrivateTargets: c.allowPrivateTargets, port, ...(c.dnsServers ? { dnsServers: c.dnsServers } : {}) });
    return {
      type: 'expiry_result',
      kind: 'ssl',
      project_id: m.project_id,
      result: {
        is_valid: r.error_kind && !r.expires_at ? null : r.is_valid,
        expires_at: r.expires_at,
        days_remaining: r.days_remaining,
        issuer: r.issuer,
        error_message: r.invalid_reason ?? r.error_message,
        details: { subject: r.subject, san: r.san, valid_from: r.valid_from, authorization_error: r.authorization_error, expiring_certificate: r.expiring_certificate, chain_problem: r.chain_problem },
      },
    };
  }
  const { probeDomain } = await import('../checks/domain.ts');
  const r = await probeDomain(host, {
    allowPrivateTargets: c.allowPrivateTargets,
    ...(c.rdapBootstrapUrl ? { rdapBootstrapUrl: c.rdapBootstrapUrl } : {}),
    ...(c.whoisServer ? { whoisServer: c.whoisServer } : {}),
  });
  return {
    type: 'expiry_result',
    kind: 'domain',
    project_id: m.project_id,
    result: {
      is_valid: r.expires_at ? (r.days_remaining ?? 0) >= 0 : null,
      expires_at: r.expires_at,
      days_remaining: r.days_remaining,
      issuer: null,
      error_message: r.error_message,
      details: { domain: r.domain, registrar: r.registrar, source: r.source },
    },
  };
}

/** One check of any kind; an HTTP check ends within `capMs` (the caller's remaining time). */
export async function runCheck(c: CheckerContext, m: CheckMessage, capMs = Infinity): Promise<ResultMessageInput> {
  return m.kind === 'http' ? runHttpCheck(c, m, capMs) : runExpiryCheck(c, m);
}

/** One check from the check queue: probes, and hands the result to the results queue. */
export async function checkAndReport(c: CheckerContext, m: CheckMessage): Promise<void> {
  // An on-demand check first tells its job that it started (the API shows it `running`).
  if (m.kind === 'http' && m.job_id) await c.queue.send('results', [{ body: jobStartedMessage(m.job_id) }]);
  await c.queue.send('results', [{ body: await runCheck(c, m) }]);
}

/** The failure recorded for a check the checker gave up on. */
export function timedOutResult(m: HttpCheck, started: Date, budgetMs: number): HttpResultInput {
  return {
    type: 'http_result',
    project_id: m.project_id,
    due_at: m.due_at.toISOString(),
    started_at: started.toISOString(),
    cycle: m.cycle,
    result: {
      is_available: false,
      status_code: null,
      response_time: null,
      error_kind: 'timeout',
      error_message: `timed out after ${Math.round(budgetMs / 100) / 10} s (the check's time budget)`,
      checked_at: new Date().toISOString(),
      details: {},
    },
    content_hash: null,
    keywords: null,
    job_id: m.job_id ?? null,
  };
}

export interface BatchRun {
  /** How long the invocation still has (Lambda's getRemainingTimeInMillis, or the local runner's). */
  remainingMs: () => number;
  /** Results are handed on in batches: this many at most, or after this long. */
  flushAfterMs?: number;
}

/**
 * Runs a batch of checks: each starts at its due time (at once if that has passed), at most
 * `checksPerInvocation` at a time, each within its budget, capped by what the invocation has left
 * minus a margin. A check whose budget runs out gets a "timed out" result; a check there is no time
 * left to start is put back on the check queue. Results go to the results queue in batches.
 * The batch keeps two timers, not one or two per check: one starts the checks that are due (on the
 * process's shared start slots, see `START_SLOT_MS`), the other (the watchdog) gives up on a check
 * that outlives its budget.
 */
export async function runCheckBatch(c: CheckerContext, checks: HttpCheck[], run: BatchRun): Promise<{ recorded: number; requeued: number }> {
  const cap = Math.max(1, c.checksPerInvocation ?? 50);
  const results = new ResultBuffer(c, run.flushAfterMs ?? c.resultFlushMs ?? 1000);
  const requeue: HttpCheck[] = [];
  const sorted = [...checks].sort((a, b) => a.due_at.getTime() - b.due_at.getTime());
  const watchdog = new Watchdog();
  let head = 0;
  let running = 0;
  let left = sorted.length;
  let timer: (() => void) | undefined;
  let settle!: (err?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (err?: unknown) => (err === undefined ? resolve() : reject(err));
  });

  const one = async (m: HttpCheck) => {
    const remaining = run.remainingMs() - CHECKER_MARGIN_MS;
    if (remaining < MIN_START_MS) {
      requeue.push(m);
      return;
    }
    // An on-demand check first tells its job that it started (the API shows it `running`).
    if (m.job_id) await c.queue.send('results', [{ body: jobStartedMessage(m.job_id) }]);
    results.add(await boundedCheck(c, m, remaining, watchdog));
  };
  // Starts, in due order, the checks that are due while the cap allows; arms the timer for the next.
  const pump = () => {
    const now = Date.now();
    while (head < sorted.length && running < cap && sorted[head]!.due_at.getTime() <= now) {
      const m = sorted[head++]!;
      running++;
      noteStart(now);
      one(m).then(
        () => {
          running--;
          if (--left === 0) settle();
          else pump();
        },
        (err: unknown) => settle(err instanceof Error ? err : new Error(String(err))),
      );
    }
    // The timer waits for the slot of the next check not yet due; a due one waiting for a place
    // starts when one is freed.
    if (timer === undefined && head < sorted.length && sorted[head]!.due_at.getTime() > now) {
      timer = atSlot(slotOf(sorted[head]!.due_at.getTime(), slotFor(START_SLOT_MS, now)), () => {
        timer = undefined;
        pump();
      });
    }
  };
  if (sorted.length === 0) settle();
  else pump();
  try {
    await finished;
  } finally {
    timer?.();
    watchdog.stop();
  }
  await results.close();
  if (requeue.length) {
    c.log.warn('checker out of time; checks put back on the queue', { count: requeue.length });
    await c.queue.send('checks', [{ body: { type: 'check_batch', checks: requeue.map(checkInput) } }]);
  }
  return { recorded: results.count, requeued: requeue.length };
}

/**
 * Gives up on checks that outlive their deadline, with one timer for all of them: it is armed for
 * the earliest deadline, and on firing ends every check past its own and re-arms for the next.
 */
class Watchdog {
  private readonly entries = new Set<{ at: number; fire: () => void }>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  /** Calls `fire` at `at` (ms since the epoch) unless the returned function is called before. */
  watch(at: number, fire: () => void): () => void {
    const e = { at, fire };
    this.entries.add(e);
    if (at < this.armedFor) this.arm(at);
    return () => this.entries.delete(e);
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = setTimeout(() => this.sweep(), Math.max(0, at - Date.now()));
  }

  private sweep(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = Date.now();
    let earliest = Infinity;
    for (const e of this.entries) {
      if (e.at <= now) {
        this.entries.delete(e);
        e.fire();
      } else if (e.at < earliest) earliest = e.at;
    }
    if (earliest !== Infinity) this.arm(earliest);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.entries.clear();
  }
}

/**
 * The probe bounds itself; this is the guarantee behind it: whatever hangs (a resolver, a bug), the
 * check ends with a "timed out" result shortly after its budget.
 */
async function boundedCheck(c: CheckerContext, m: HttpCheck, capMs: number, watchdog: Watchdog): Promise<HttpResultInput> {
  const started = new Date();
  const budget = checkBudgetMs(m.target.timeout * 1000, m.target.retry_count, capMs);
  let unwatch: (() => void) | undefined;
  const giveUp = new Promise<HttpResultInput>((resolve) => {
    unwatch = watchdog.watch(started.getTime() + budget + 1000, () => resolve(timedOutResult(m, started, budget)));
  });
  try {
    return await Promise.race([runHttpCheck(c, m, capMs), giveUp]);
  } catch (err) {
    // The probe never throws for a failing target; this is our fault, and still a recorded failure.
    c.log.error('check failed', { project_id: m.project_id, error: err instanceof Error ? err.message : String(err) });
    const failed = timedOutResult(m, started, budget);
    failed.result.error_kind = 'error';
    failed.result.error_message = 'the check could not run';
    return failed;
  } finally {
    unwatch?.();
  }
}

const checkInput = (m: HttpCheck) => ({ ...m, due_at: m.due_at.toISOString() });

/**
 * Grid boundaries (ms since the epoch) at which result buffers of this process will flush, with how
 * many will. A batch that ends just before such a boundary sends its last results with them.
 */
const gridFlushes = new Map<number, number>();

/** Collects results and sends them as `result_batch` messages: when full, after `flushAfterMs`, and at close. */
class ResultBuffer {
  private items: HttpResultInput[] = [];
  private timer: (() => void) | undefined;
  /** The grid boundary this buffer's timer flushes at, if it is on the grid. */
  private boundary: number | undefined;
  private sending: Promise<void> = Promise.resolve();
  private failed: unknown;
  count = 0;

  constructor(
    private readonly c: CheckerContext,
    private readonly flushAfterMs: number,
  ) {}

  add(r: HttpResultInput): void {
    this.items.push(r);
    this.count++;
    if (this.items.length >= MAX_RESULTS_PER_BATCH) this.flush();
    // At a low check rate on a grid of flushAfterMs (start slots too): every batch of the process
    // flushes at the same moment, so the results consumer gets their results in one delivery and
    // the flush needs no wake-up of its own. At a high rate that would be one burst of recording
    // that holds up the event loop, so each batch flushes on its own.
    else if (this.timer === undefined) {
      const flush = () => {
        this.timer = undefined;
        this.flush();
      };
      const now = Date.now();
      if (this.flushAfterMs % START_SLOT_MS === 0 && slotFor(START_SLOT_MS, now) === START_SLOT_MS) {
        const boundary = slotOf(now + 1, this.flushAfterMs);
        this.boundary = boundary;
        gridFlushes.set(boundary, (gridFlushes.get(boundary) ?? 0) + 1);
        this.timer = atSlot(boundary, flush);
      } else this.timer = atSlot(now + this.flushAfterMs, flush);
    }
  }

  private flush(): void {
    this.timer?.();
    this.timer = undefined;
    if (this.boundary !== undefined) {
      const left = (gridFlushes.get(this.boundary) ?? 1) - 1;
      if (left > 0) gridFlushes.set(this.boundary, left);
      else gridFlushes.delete(this.boundary);
      this.boundary = undefined;
    }
    if (this.items.length === 0) return;
    const results = this.items;
    this.items = [];
    const body = results.length === 1 ? results[0] : { type: 'result_batch' as const, results };
    this.sending = this.sending.then(() =>
      this.c.queue.send('results', [{ body }]).catch((err: unknown) => {
        this.failed = err;
      }),
    );
  }

  /**
   * With `joinGridFlushes`, the batch's last results wait for the next grid boundary when other batches
   * of this process flush there anyway: the results consumer then records them all in one delivery
   * instead of one more for each batch that ends.
   */
  private async joinNextGridFlush(): Promise<void> {
    if (!this.c.joinGridFlushes || this.items.length === 0 || this.boundary === undefined) return;
    const others = (gridFlushes.get(this.boundary) ?? 0) - 1;
    if (others > 0) await new Promise<void>((resolve) => atSlot(this.boundary!, resolve));
  }

  /** Sends what is left; throws if any batch could not be sent (the message is then retried). */
  async close(): Promise<void> {
    await this.joinNextGridFlush();
    this.flush();
    await this.sending;
    if (this.failed) throw this.failed;
  }
}
