import { DomainError, forbidden, notFound } from '../errors.ts';
import {
  browserResultMessageSchema,
  journeyResultMessageSchema,
  screenshotResultMessageSchema,
  type BrowserJobInput,
} from './browser-messages.ts';
import type * as z from 'zod';
import * as repo from '../repositories/browser.ts';
import * as mon from '../repositories/monitoring.ts';
import { findProject, lockProject } from '../repositories/projects.ts';
import type { OutboxRow } from '../repositories/outbox.ts';
import { nextJourneyState } from './alert-rules.ts';
import { applyDecision, dispatchOutbox, reportMonitoringError } from './recorder.ts';
import { failJob, finishJob, runJob, type JobOutcome, type JobView } from './jobs.ts';
import { canModifyProject } from './projects.ts';
import { MASK } from '../model/secrets.ts';
import type { Actor, ServiceContext } from './context.ts';

// Browser monitoring (spec 3.4, 4.2, 4.11): every run goes through the browser queue (the local
// Chromium pool, or the browser function on AWS) and its result comes back by the results queue to be
// recorded here; a run asked for through the API is a job (services/jobs.ts) its request waits for.

type BrowserResult = z.output<typeof browserResultMessageSchema>;
type ScreenshotResult = z.output<typeof screenshotResultMessageSchema>;
type JourneyResult = z.output<typeof journeyResultMessageSchema>;

/** How long a stored screenshot is served before a request captures a new one. */
export const SCREENSHOT_MAX_AGE_SECONDS = 3600;

async function projectOrThrow(ctx: ServiceContext, id: number) {
  const p = await findProject(ctx.sql, id);
  if (!p) throw notFound('project');
  return p;
}

/** Deep check now (spec 4.2): through the browser queue, answered within SYNC_WAIT_SECONDS or as a job. */
export async function browserCheckNow(ctx: ServiceContext, actor: Actor, projectId: number): Promise<JobOutcome> {
  const p = await projectOrThrow(ctx, projectId);
  const timeout = 60;
  return runJob(ctx, actor, {
    kind: 'browser_check',
    project_id: projectId,
    runSeconds: timeout,
    send: (jobId) => sendBrowserJob(ctx, { kind: 'deep_check', project_id: projectId, url: p.url, timeout, screenshot: false, job_id: jobId }),
  });
}

function sendBrowserJob(ctx: ServiceContext, job: BrowserJobInput): Promise<void> {
  return ctx.queue.send('browser', [{ body: job }]);
}

function insertBrowserCheck(ctx: ServiceContext, r: BrowserResult): Promise<repo.BrowserCheckRow> {
  const { project_id, is_success, metrics, error_kind, error_message } = r;
  return repo.insertBrowserCheck(ctx.sql, { project_id, checked_at: new Date(r.checked_at), is_success, metrics, error_kind, error_message });
}

/** A deep check's result; a browser that failed us (not the target) is reported as ours. Its job gets the row. */
export async function recordBrowserCheck(ctx: ServiceContext, r: BrowserResult): Promise<void> {
  const row = await insertBrowserCheck(ctx, r);
  if (r.error_kind === 'monitoring_error') await reportMonitoringError(ctx, r.project_id, 'browser', r.error_message ?? 'browser failed', new Date(r.checked_at));
  await finishJob(ctx, r.job_id, row);
}

export async function listBrowserChecks(ctx: ServiceContext, projectId: number, page: number, size: number) {
  await projectOrThrow(ctx, projectId);
  const { rows, total } = await repo.listBrowserChecks(ctx.sql, projectId, size, (page - 1) * size);
  return { items: rows, total, page, size, pages: Math.ceil(total / size) };
}

/** A screenshot's result; its job gets what the screenshot route needs to answer. */
export async function recordScreenshotResult(ctx: ServiceContext, r: ScreenshotResult): Promise<void> {
  const row = await repo.insertScreenshot(ctx.sql, {
    project_id: r.project_id,
    taken_at: new Date(r.checked_at),
    image_key: r.image_key,
    thumbnail_key: r.thumbnail_key,
    width: r.width,
    height: r.height,
    full_page: r.full_page,
    error_message: r.error_message,
  });
  await finishJob(ctx, r.job_id, screenshotJobResult(row));
}

const screenshotJobResult = (s: repo.ScreenshotRow) => ({ screenshot_id: s.id, taken_at: s.taken_at, captured: s.image_key !== null, error_message: s.error_message });

/** The project's page as PNG (or its thumbnail as JPEG), cached; `force` captures a new one. */
export interface Image {
  data: Uint8Array;
  contentType: string;
  takenAt?: Date;
}

/** The stored screenshot, or (stale, or `force`) a new capture: within SYNC_WAIT_SECONDS, else its job. */
export async function screenshot(
  ctx: ServiceContext,
  actor: Actor,
  projectId: number,
  opts: { force: boolean; thumbnail: boolean },
): Promise<{ done: true; image: Image } | { done: false; job: JobView }> {
  const p = await projectOrThrow(ctx, projectId);
  // A forced capture costs a browser run: only those who may change the project may ask for one.
  if (opts.force && !canModifyProject(actor, p.owner_id)) throw forbidden('only those who may change the project may force a new screenshot');
  let shot = await repo.latestScreenshot(ctx.sql, projectId);
  const stale = !shot || ctx.clock.now().getTime() - shot.taken_at.getTime() > SCREENSHOT_MAX_AGE_SECONDS * 1000;
  if (opts.force || stale) {
    const timeout = 30;
    const outcome = await runJob(ctx, actor, {
      kind: 'screenshot',
      project_id: projectId,
      runSeconds: timeout,
      send: (jobId) => sendBrowserJob(ctx, { kind: 'screenshot', project_id: projectId, url: p.url, timeout, job_id: jobId }),
    });
    if (!outcome.done) return outcome;
    const taken = outcome.result as ReturnType<typeof screenshotJobResult>;
    if (!taken.captured) throw new DomainError('NOT_FOUND', `no screenshot: the page could not be captured (${taken.error_message ?? 'unknown error'})`);
    shot = await repo.latestScreenshot(ctx.sql, projectId);
  }
  const key = opts.thumbnail ? (shot?.thumbnail_key ?? shot?.image_key) : shot?.image_key;
  const blob = key ? await ctx.blobs.get(key) : undefined;
  if (!blob) throw new DomainError('NOT_FOUND', 'screenshot image is missing; retry with force=true');
  return { done: true, image: { data: blob.data, contentType: blob.contentType, ...(shot ? { takenAt: shot.taken_at } : {}) } };
}

// ---- Synthetic journeys (4.11) ----

export interface SyntheticInput {
  name: string;
  steps: unknown[];
  settings: Record<string, unknown>;
  is_active: boolean;
}

/** Journeys of one project, as a monitors file allows: each runs every 6th cycle, for up to 5 minutes. */
export const MAX_JOURNEYS_PER_PROJECT = 50;

export async function createSyntheticTest(ctx: ServiceContext, projectId: number, t: SyntheticInput) {
  await projectOrThrow(ctx, projectId);
  return ctx.sql.begin(async (tx) => {
    // Locked, so two creations at once cannot both pass the count.
    if (!(await lockProject(tx, projectId))) throw notFound('project');
    if ((await repo.listSyntheticTests(tx, projectId)).length >= MAX_JOURNEYS_PER_PROJECT) {
      throw new DomainError('CONFLICT', `a project has at most ${MAX_JOURNEYS_PER_PROJECT} journeys; delete one first`);
    }
    return repo.insertSyntheticTest(tx, { project_id: projectId, ...t });
  });
}

/**
 * What a journey's `type` steps enter (often a password) is shown only to those who may change the
 * project, as its other credentials are; everyone else reads `****` in its place.
 */
function journeyAsSeenBy<T extends { steps: unknown }>(t: T, mayChange: boolean): T {
  if (mayChange || !Array.isArray(t.steps)) return t;
  const steps = t.steps.map((step: unknown) =>
    step && typeof step === 'object' && 'action' in step && step.action === 'type' && 'value' in step ? { ...step, value: MASK } : step,
  );
  return { ...t, steps };
}

export async function listSyntheticTests(ctx: ServiceContext, actor: Actor, projectId: number) {
  const p = await projectOrThrow(ctx, projectId);
  const mayChange = canModifyProject(actor, p.owner_id);
  return { items: (await repo.listSyntheticTests(ctx.sql, projectId)).map((t) => journeyAsSeenBy(t, mayChange)) };
}

export async function getSyntheticTest(ctx: ServiceContext, actor: Actor, projectId: number, testId: number) {
  const p = await projectOrThrow(ctx, projectId);
  const t = await repo.findSyntheticTest(ctx.sql, testId, projectId);
  if (!t) throw notFound('synthetic test');
  return { ...journeyAsSeenBy(t, canModifyProject(actor, p.owner_id)), recent_runs: await repo.listSyntheticRuns(ctx.sql, testId, 10) };
}

export async function updateSyntheticTest(ctx: ServiceContext, projectId: number, testId: number, t: SyntheticInput) {
  await projectOrThrow(ctx, projectId);
  const row = await repo.updateSyntheticTest(ctx.sql, testId, projectId, t);
  if (!row) throw notFound('synthetic test');
  return row;
}

export async function deleteSyntheticTest(ctx: ServiceContext, projectId: number, testId: number): Promise<void> {
  await projectOrThrow(ctx, projectId);
  if (!(await repo.deleteSyntheticTest(ctx.sql, testId, projectId))) throw notFound('synthetic test');
}

export function journeyJob(t: Pick<repo.SyntheticTestRow, 'id' | 'project_id' | 'name' | 'steps' | 'settings'>, url: string): BrowserJobInput {
  return {
    kind: 'journey',
    project_id: t.project_id,
    url,
    journey_id: t.id,
    scenario: { name: t.name, steps: t.steps as never, settings: t.settings as never },
  };
}

/** Runs a journey now through the browser queue: its run within SYNC_WAIT_SECONDS, else its job. */
export async function runSyntheticNow(ctx: ServiceContext, actor: Actor, projectId: number, testId: number): Promise<JobOutcome> {
  const p = await projectOrThrow(ctx, projectId);
  const t = await repo.findSyntheticTest(ctx.sql, testId, projectId);
  if (!t) throw notFound('synthetic test');
  return runJob(ctx, actor, {
    kind: 'journey',
    project_id: projectId,
    runSeconds: JOURNEY_MAX_SECONDS,
    send: (jobId) => sendBrowserJob(ctx, { ...journeyJob(t, p.url), job_id: jobId }),
  });
}

/** The browser function's timeout (lib/browser.ts): no journey runs longer. */
const JOURNEY_MAX_SECONDS = 120;

/** Records a journey run; a scheduled journey that starts failing alerts once, and recovers once. */
export async function recordJourneyResult(ctx: ServiceContext, r: JourneyResult): Promise<repo.SyntheticRunRow | undefined> {
  if (r.journey_id === null) {
    await failJob(ctx, r.job_id, 'the run names no synthetic test');
    return undefined;
  }
  const journeyId = r.journey_id;
  const startedAt = new Date(r.started_at);
  const failedStep = r.failed_step !== null ? r.steps.find((s) => s.index === r.failed_step) : undefined;
  const failure = r.error_message ?? failedStep?.error ?? `step ${r.failed_step ?? '?'} failed`;
  let run: repo.SyntheticRunRow | undefined;
  const out = await ctx.sql.begin(async (tx) => {
    const test = await repo.lockSyntheticTest(tx, journeyId);
    const project = await mon.loadAlertContext(tx, r.project_id);
    if (!test || !project || test.project_id !== r.project_id) return [] as OutboxRow[];
    run = await repo.insertSyntheticRun(tx, {
      test_id: test.id,
      project_id: r.project_id,
      started_at: startedAt,
      duration_ms: r.duration_ms,
      is_success: r.status === 'passed',
      status: r.status,
      failed_step: r.failed_step,
      steps: r.steps,
      error_message: r.status === 'passed' ? null : failure,
      details: { final_url: r.final_url, js_errors: r.js_errors, console_errors: r.console_errors, error_kind: r.error_kind },
    });
    const d = nextJourneyState(test, project, { status: r.status, started_at: startedAt, duration_ms: r.duration_ms, failure });
    const rows = await applyDecision(ctx, tx, project, d);
    await repo.setSyntheticState(tx, test.id, d.state);
    return rows;
  });
  await dispatchOutbox(ctx, out);
  if (run) await finishJob(ctx, r.job_id, run);
  else await failJob(ctx, r.job_id, 'synthetic test not found');
  return run;
}

/** A step's screenshot of a stored run (for `screenshot` steps and the failing step). */
export async function runStepScreenshot(ctx: ServiceContext, projectId: number, testId: number, runId: number, index: number): Promise<Image> {
  const runs = await repo.listSyntheticRuns(ctx.sql, testId, 1000);
  const run = runs.find((r) => r.id === runId && r.project_id === projectId);
  if (!run) throw notFound('run');
  const step = (run.steps as { index: number; screenshot_key: string | null }[]).find((s) => s.index === index);
  const blob = step?.screenshot_key ? await ctx.blobs.get(step.screenshot_key) : undefined;
  if (!blob) throw notFound('step screenshot');
  return { data: blob.data, contentType: blob.contentType };
}
