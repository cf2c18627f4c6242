import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError, notFound } from '../errors.ts';
import * as repo from '../repositories/jobs.ts';
import type { Actor, ServiceContext } from './context.ts';

// Work asked for through the API that may outlive API Gateway's 29 s (issue 13.3): the request puts
// the work on its queue with a job id and waits for the job up to SYNC_WAIT_SECONDS. Done by then, it
// answers with the result as before; otherwise 202 and the job, read later at GET /api/v1/jobs/{id}.
// The worker (checker, browser function) reports the job's start and result on the results queue, and
// the results consumer finishes it here; the job lives in PostgreSQL, so any function can read it,
// and it outlives the request. The same path runs locally, through the local queue.

export type { JobKind } from '../model/job.ts';

/** A job as shown to its owner. */
export function jobView(j: repo.JobRow) {
  return {
    job_id: j.id,
    kind: j.kind,
    status: j.status,
    project_id: j.project_id,
    result: j.status === 'done' ? j.result : null,
    error: j.error,
    created_at: j.created_at,
    started_at: j.started_at,
    finished_at: j.finished_at,
  };
}
export type JobView = ReturnType<typeof jobView>;

/** Finished within the wait: the result; otherwise the job to poll. */
export type JobOutcome = { done: true; result: unknown } | { done: false; job: JobView };

export interface JobSpec {
  kind: repo.JobRow['kind'];
  project_id: number | null;
  /** The longest the work itself may run once a worker has it. */
  runSeconds: number;
  /** Puts the work on its queue with this job id. */
  send: (jobId: string) => Promise<void>;
}

const BROWSER_KINDS: ReadonlySet<string> = new Set(['browser_check', 'screenshot', 'journey']);
/** Unfinished browser runs on demand one user may have (issue 16.10). */
export const BROWSER_JOBS_PER_USER = 2;

/**
 * How many browser runs on demand may wait or run at once in all: on-demand work shares the browser
 * queue and pool with the scheduled deep checks and journeys, so it may fill at most all slots but
 * one, plus a short queue (twice that), and scheduled checks keep their share (issue 16.10).
 */
export const browserJobLimit = (browserConcurrency: number): number => Math.max(1, 3 * (browserConcurrency - 1));

/** Starts a job for `actor` and waits for it at most SYNC_WAIT_SECONDS. A job that failed in that time is a 503. */
export async function runJob(ctx: ServiceContext, actor: Actor, spec: JobSpec): Promise<JobOutcome> {
  const id = randomUUID();
  const now = ctx.clock.now();
  const deadline = new Date(now.getTime() + (spec.runSeconds + ctx.config.JOB_GRACE_SECONDS) * 1000);
  await ctx.sql.begin(async (tx) => {
    if (BROWSER_KINDS.has(spec.kind)) {
      // One admission at a time, so two requests cannot both take the last place.
      await tx`SELECT pg_advisory_xact_lock(7345093)`;
      const open = await repo.countOpenBrowserJobs(tx, actor.id, now);
      if (open.mine >= BROWSER_JOBS_PER_USER) {
        throw new DomainError('UNAVAILABLE', `you have ${open.mine} browser runs waiting or running; try again when one has finished`, { retryAfter: 30 });
      }
      if (open.all >= browserJobLimit(ctx.config.BROWSER_CONCURRENCY)) {
        throw new DomainError('UNAVAILABLE', `the browser is busy (${open.all} runs on demand waiting or running); try again shortly`, { retryAfter: 30 });
      }
    }
    await repo.insertJob(tx, { id, user_id: actor.id, project_id: spec.project_id, kind: spec.kind, created_at: now, deadline_at: deadline });
  });
  try {
    await spec.send(id);
  } catch (err) {
    await repo.finishJob(ctx.sql, id, { status: 'failed', error: 'the work could not be queued' }, ctx.clock.now());
    throw err;
  }
  const row = await waitForJob(ctx, id, ctx.config.SYNC_WAIT_SECONDS * 1000);
  if (row.status === 'done') return { done: true, result: row.result };
  if (row.status === 'failed') throw new DomainError('UNAVAILABLE', `the ${spec.kind.replace('_', ' ')} failed: ${row.error ?? 'unknown error'}`);
  return { done: false, job: jobView(row) };
}

/** Polls the job (in the database, where its result lands) until it finishes or `waitMs` passes. */
async function waitForJob(ctx: ServiceContext, id: string, waitMs: number): Promise<repo.JobRow> {
  const until = performance.now() + waitMs;
  let pause = 25;
  for (;;) {
    const row = await repo.findJob(ctx.sql, id);
    if (!row) throw notFound('job');
    const left = until - performance.now();
    if (row.status === 'done' || row.status === 'failed' || left <= 0) return row;
    await sleep(Math.min(pause, left));
    pause = Math.min(pause * 2, 500);
  }
}

/** GET /api/v1/jobs/{id}: the caller's own job only; anyone else's is not found. */
export async function getJob(ctx: ServiceContext, actor: Actor, id: string): Promise<JobView> {
  let row = await repo.findJob(ctx.sql, id);
  if (!row || row.user_id !== actor.id) throw notFound('job');
  if ((row.status === 'pending' || row.status === 'running') && row.deadline_at < ctx.clock.now()) {
    await repo.failOverdueJob(ctx.sql, id, ctx.clock.now());
    row = (await repo.findJob(ctx.sql, id)) ?? row;
  }
  return jobView(row);
}

/** The results consumer: a worker took the job. */
export async function jobStarted(ctx: ServiceContext, id: string, at: Date): Promise<void> {
  await repo.markJobRunning(ctx.sql, id, at);
}

/** The results consumer: the job's result was recorded; `result` is what the route answers with. */
export async function finishJob(ctx: ServiceContext, id: string | null, result: unknown): Promise<void> {
  if (id === null) return;
  // Stored as the JSON the route would send (dates as ISO strings).
  await repo.finishJob(ctx.sql, id, { status: 'done', result: JSON.parse(JSON.stringify(result ?? null)) }, ctx.clock.now());
}

/** The results consumer: the job's result could not be recorded (its project or journey is gone). */
export async function failJob(ctx: ServiceContext, id: string | null, error: string): Promise<void> {
  if (id === null) return;
  await repo.finishJob(ctx.sql, id, { status: 'failed', error }, ctx.clock.now());
}

/** Daily retention: jobs are read soon after they finish; a day keeps every one a client may still poll. */
export async function purgeJobs(ctx: ServiceContext, now: Date): Promise<number> {
  return repo.deleteJobsBefore(ctx.sql, new Date(now.getTime() - 86_400_000));
}
