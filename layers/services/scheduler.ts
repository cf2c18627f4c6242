import { notFound } from '../errors.ts';
import { checkTargetKeys, pickFields, type CheckTarget } from '../model/project.ts';
import { maskUrlPassword } from '../model/secrets.ts';
import * as mon from '../repositories/monitoring.ts';
import type { QueueMessage } from '../platform/ports.ts';
import { activeSyntheticTests } from '../repositories/browser.ts';
import { journeyJob } from './browser.ts';
import type { BrowserJobInput } from './browser-messages.ts';
import type { CheckMessageInput } from './messages.ts';
import { sweepOutbox } from './outbox.ts';
import type { ServiceContext } from './context.ts';

/** Every 6th cycle of a project's HTTP check (spec 6.1) also runs its deep browser check and its journeys. */
export const BROWSER_EVERY = 6;
export const isBrowserCycle = (cycle: number): boolean => cycle > 0 && cycle % BROWSER_EVERY === 0;

/** The message of one HTTP check, scheduled or "check now": the project's probe settings, due now or later. */
export function httpCheckMessage(t: CheckTarget & { project_id: number }, dueAt: Date, cycle: number): CheckMessageInput {
  return { type: 'check', kind: 'http', project_id: t.project_id, due_at: dueAt.toISOString(), cycle, target: pickFields(t, checkTargetKeys) };
}

export interface TickOptions {
  /** How far ahead a tick claims checks: one minute on AWS (a tick a minute), less locally. */
  lookaheadSeconds: number;
  limit?: number;
}

/**
 * One scheduler tick: claims the checks due within the look-ahead and enqueues each with a delay
 * up to its due time, so checks start spread over the window, never in a burst. On a browser cycle
 * the project's deep check and journeys go to the browser queue, delayed alike.
 */
export async function tick(ctx: ServiceContext, opts: TickOptions): Promise<{ enqueued: number; outbox: number }> {
  const now = ctx.clock.now();
  await mon.endExpiredMaintenance(ctx.sql, now);
  const outbox = await sweepOutbox(ctx);
  if (!(await mon.getSchedulerRunning(ctx.sql))) return { enqueued: 0, outbox };
  const until = new Date(now.getTime() + opts.lookaheadSeconds * 1000);
  const due = await ctx.sql.begin((tx) => mon.claimDueProjects(tx, now, until, opts.limit ?? 10_000));
  // Delays count from the moment of sending, not from the start of the tick (the claim takes time).
  const sendAt = ctx.clock.now().getTime();
  const delay = (dueAt: Date) => Math.max(0, (dueAt.getTime() - sendAt) / 1000);
  const messages: QueueMessage[] = due.map((d) => ({ body: httpCheckMessage(d, d.due_at, d.cycle), delaySeconds: delay(d.due_at), id: `${d.project_id}-${d.cycle}` }));
  if (messages.length) await ctx.queue.send('checks', messages);
  const browserCycle = due.filter((d) => isBrowserCycle(d.cycle));
  if (browserCycle.length) {
    const dueAt = new Map(browserCycle.map((d) => [d.project_id, d.due_at]));
    const journeys = await activeSyntheticTests(ctx.sql, [...dueAt.keys()]);
    const jobs: { job: BrowserJobInput; dueAt: Date }[] = [
      ...browserCycle.map((d) => ({ job: { kind: 'deep_check' as const, project_id: d.project_id, url: d.url }, dueAt: d.due_at })),
      ...journeys.map((t) => ({ job: journeyJob(t, t.url), dueAt: dueAt.get(t.project_id) ?? new Date(sendAt) })),
    ];
    await ctx.queue.send('browser', jobs.map((j) => ({ body: j.job, delaySeconds: delay(j.dueAt) })));
  }
  return { enqueued: messages.length, outbox };
}

/** First local start: overdue projects start 0.5 s apart (spec 6.1). */
export async function staggerStart(ctx: ServiceContext, stepMs = 500): Promise<number> {
  return mon.staggerOverdue(ctx.sql, ctx.clock.now(), stepMs);
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

