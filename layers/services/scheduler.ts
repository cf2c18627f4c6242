import { notFound } from '../errors.ts';
import { checkTargetKeys, pickFields, type CheckTarget, type DeepCheckCadence } from '../model/project.ts';
import { maskUrlPassword } from '../model/secrets.ts';
import * as mon from '../repositories/monitoring.ts';
import type { QueueMessage } from '../platform/ports.ts';
import { activeSyntheticTests } from '../repositories/browser.ts';
import { journeyJob } from './browser.ts';
import type { BrowserJobInput } from './browser-messages.ts';
import { MAX_CHECKS_PER_BATCH, type CheckBatchMessageInput, type HttpCheckMessageInput } from './messages.ts';
import { sweepOutbox } from './recorder.ts';
import type { ServiceContext } from './context.ts';

/** Spec 6.1: every 6th cycle of a project's HTTP check also runs its browser checks. */
export const BROWSER_EVERY = 6;
const HOUR_S = 3600;
const DAY_S = 86_400;

/**
 * The one rule of which browser work a project's HTTP check cycle brings (spec 6.1, issue 13.4): its
 * journeys every 6th cycle; its deep check by its `deep_check_cadence`: every 6th cycle, or the cycle
 * nearest each hour or day at its check interval (at least every cycle), or never. Pure: cycle 0 (a
 * project not yet checked) brings none.
 */
export function browserWork(cadence: DeepCheckCadence, cycle: number, intervalSeconds: number): { deepCheck: boolean; journeys: boolean } {
  if (cycle <= 0) return { deepCheck: false, journeys: false };
  const cyclesPer = (seconds: number) => Math.max(1, Math.round(seconds / intervalSeconds));
  const every = { every_6th: BROWSER_EVERY, hourly: cyclesPer(HOUR_S), daily: cyclesPer(DAY_S), off: 0 }[cadence];
  return { deepCheck: every > 0 && cycle % every === 0, journeys: cycle % BROWSER_EVERY === 0 };
}

/** The message of one HTTP check, scheduled or "check now": the project's probe settings, due now or later. */
export function httpCheckMessage(t: CheckTarget & { project_id: number }, dueAt: Date, cycle: number): HttpCheckMessageInput {
  return { type: 'check', kind: 'http', project_id: t.project_id, due_at: dueAt.toISOString(), cycle, target: pickFields(t, checkTargetKeys) };
}

export interface TickOptions {
  /** How far ahead a tick claims checks: one minute on AWS (a tick a minute), less locally. */
  lookaheadSeconds: number;
  /** Checks due within this many seconds of each other share a batch message. Default 20. */
  batchWindowSeconds?: number;
  /** Batches are sent this much before their first due time: the check queue's batching window. */
  leadSeconds?: number;
  limit?: number;
}

/**
 * Groups checks (sorted by due time) into batches: a batch holds the checks due within `windowMs` of
 * its first one, at most MAX_CHECKS_PER_BATCH.
 */
export function batchByDueTime<T extends { due_at: Date }>(due: T[], windowMs: number, max = MAX_CHECKS_PER_BATCH): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  for (const d of [...due].sort((a, b) => a.due_at.getTime() - b.due_at.getTime())) {
    const first = current[0];
    if (first && (current.length >= max || d.due_at.getTime() - first.due_at.getTime() >= windowMs)) {
      batches.push(current);
      current = [];
    }
    current.push(d);
  }
  if (current.length) batches.push(current);
  return batches;
}

/** Most checks one claim takes (one transaction); a tick claims page after page until one is not full. */
export const CLAIM_PAGE = 10_000;
/** Pages one tick may claim: a million checks, far beyond any tick's look-ahead, so a bad loop still ends. */
const MAX_CLAIM_PAGES = 100;

/**
 * One scheduler tick: claims the checks due within the look-ahead and enqueues them in batches, each
 * delayed to its first check's due time; the checker starts every check at its own due time, so
 * checks start spread over the window, never in a burst. The browser work a cycle brings
 * (`browserWork`: the deep check by the project's cadence, journeys every 6th) goes to the browser
 * queue, delayed alike. Claims go by pages of `limit` (CLAIM_PAGE), each in its own transaction and
 * enqueued before the next, until a page comes back short: one page per tick would cap the scheduler
 * at `limit` checks per tick (on AWS 10,000 a minute; locally 2,000 a second), whatever the machine.
 */
export async function tick(ctx: ServiceContext, opts: TickOptions): Promise<{ enqueued: number; outbox: number }> {
  const now = ctx.clock.now();
  await mon.endExpiredMaintenance(ctx.sql, now);
  const outbox = await sweepOutbox(ctx);
  if (!(await mon.getSchedulerRunning(ctx.sql))) return { enqueued: 0, outbox };
  const until = new Date(now.getTime() + opts.lookaheadSeconds * 1000);
  const limit = opts.limit ?? CLAIM_PAGE;
  let enqueued = 0;
  // A claimed project's next due time moves past `until`, so no page claims it again.
  for (let page = 0; page < MAX_CLAIM_PAGES; page++) {
    const due = await ctx.sql.begin((tx) => mon.claimDueProjects(tx, now, until, limit));
    await enqueueClaimed(ctx, due, opts);
    enqueued += due.length;
    if (due.length < limit) break;
  }
  return { enqueued, outbox };
}

/** The checks of one claim onto the check queue (batched by due time), and the browser work they bring. */
async function enqueueClaimed(ctx: ServiceContext, due: mon.DueProject[], opts: TickOptions): Promise<void> {
  if (due.length === 0) return;
  // Delays count from the moment of sending, not from the start of the tick (the claim takes time).
  const sendAt = ctx.clock.now().getTime();
  const delay = (dueAt: Date, lead = 0) => Math.max(0, (dueAt.getTime() - sendAt) / 1000 - lead);
  // One message per window of due times: the checker starts each check at its own due time. The
  // projects whose last check failed travel in messages of their own: a target that never answers
  // keeps its checker invocation (a reserved slot) busy for the check's whole budget, and so holds
  // one slot per window, not one in every message it would otherwise be spread over.
  const windowMs = (opts.batchWindowSeconds ?? 20) * 1000;
  const batches = [...batchByDueTime(due.filter((d) => !d.last_failed), windowMs), ...batchByDueTime(due.filter((d) => d.last_failed), windowMs)];
  const messages: QueueMessage[] = batches.map((batch) => {
    const body: CheckBatchMessageInput = { type: 'check_batch', checks: batch.map((d) => httpCheckMessage(d, d.due_at, d.cycle)) };
    return { body, delaySeconds: delay(batch[0]!.due_at, opts.leadSeconds ?? 0), id: `${batch[0]!.project_id}-${batch[0]!.cycle}` };
  });
  if (messages.length) await ctx.queue.send('checks', messages);
  const work = due.map((d) => ({ d, ...browserWork(d.deep_check_cadence, d.cycle, d.check_interval) }));
  const deepChecks = work.filter((w) => w.deepCheck).map((w) => w.d);
  const journeyDue = new Map(work.filter((w) => w.journeys).map((w) => [w.d.project_id, w.d.due_at]));
  const journeys = journeyDue.size ? await activeSyntheticTests(ctx.sql, [...journeyDue.keys()]) : [];
  const jobs: { job: BrowserJobInput; dueAt: Date }[] = [
    ...deepChecks.map((d) => ({ job: { kind: 'deep_check' as const, project_id: d.project_id, url: d.url }, dueAt: d.due_at })),
    ...journeys.map((t) => ({ job: journeyJob(t, t.url), dueAt: journeyDue.get(t.project_id) ?? new Date(sendAt) })),
  ];
  if (jobs.length) await ctx.queue.send('browser', jobs.map((j) => ({ body: j.job, delaySeconds: delay(j.dueAt) })));
}

/**
 * First local start: overdue projects start 0.5 s apart (spec 6.1), over at most 30 s, so thousands of
 * them are all checked within half a minute (batched checks keep up with 100/s and more).
 */
export async function staggerStart(ctx: ServiceContext, stepMs = 500, maxSpreadMs = 30_000): Promise<number> {
  return mon.staggerOverdue(ctx.sql, ctx.clock.now(), stepMs, maxSpreadMs);
}

export async function setAllRunning(ctx: ServiceContext, running: boolean) {
  await mon.setSchedulerRunning(ctx.sql, running);
  return schedulerStatus(ctx);
}

export async function setProjectRunning(ctx: ServiceContext, projectId: number, running: boolean) {
  if (!(await mon.setProjectRunning(ctx.sql, projectId, running, ctx.clock.now()))) throw notFound('project');
  const [row] = await mon.listMonitorStates(ctx.sql, projectId);
  if (!row) throw notFound('project');
  return stateView(row);
}

export function stateView(s: mon.SchedulerStatusRow) {
  return {
    project_id: s.project_id,
    title: s.title,
    url: maskUrlPassword(s.url),
    is_running: s.is_running,
    check_interval: s.check_interval,
    next_due_at: s.next_due_at,
    consecutive_failures: s.consecutive_failures,
    cycle_count: s.cycle_count,
    is_down: s.is_down,
    down_since: s.is_down ? s.down_since : null,
    maintenance_mode: s.maintenance_mode,
    last_result: s.last_checked_at
      ? {
          checked_at: s.last_checked_at,
          is_available: s.last_is_available,
          status_code: s.last_status_code,
          response_time: s.last_response_time,
          error_message: s.last_error,
        }
      : null,
  };
}

export async function schedulerStatus(ctx: ServiceContext) {
  const running = await mon.getSchedulerRunning(ctx.sql);
  const states = await mon.listMonitorStates(ctx.sql);
  const projects = states.map(stateView);
  return {
    is_running: running,
    running_projects: running ? projects.filter((p) => p.is_running).length : 0,
    total_projects: projects.length,
    failing_projects: projects.filter((p) => p.consecutive_failures > 0).length,
    projects,
  };
}

