import { randomUUID } from 'node:crypto';
import { systemClock, type Blobs, type Clock, type Logger } from '../platform/ports.ts';
import { dnsServersResolver, type HostResolver } from '../checks/browser/address-policy.ts';
import { BrowserMonitoringError, type BrowserPool } from '../checks/browser/browser-pool.ts';
import { runDeepCheck } from '../checks/browser/deep-check.ts';
import { BrowserCheckError, classifyBrowserError } from '../checks/browser/errors.ts';
import { runJourney } from '../checks/browser/journey.ts';
import type { BrowserJob, BrowserOutputMessage, DirectBrowserJob, PdfResult } from './browser-messages.ts';
import { printHtmlToPdf } from '../checks/browser/pdf.ts';
import { captureScreenshot, makeThumbnail } from '../checks/browser/screenshot.ts';

// Runs one browser-queue job and turns its result into a results-queue message. Images never travel
// in queue messages (SQS caps them at 256 KB): they go to blob storage and the message carries keys.

export interface BrowserJobDeps {
  pool: BrowserPool;
  /** Where screenshots go; without it images are dropped and their keys are null. */
  blobs?: Blobs;
  /** Config ALLOW_PRIVATE_TARGETS. */
  allowPrivateTargets: boolean;
  /** Config DNS_SERVERS: the browser's address checks resolve through them, as every probe does. */
  dnsServers?: string[] | undefined;
  clock?: Clock;
  logger?: Logger;
  /** Overrides how hosts resolve (tests); otherwise DNS_SERVERS, or the system's resolvers. */
  resolveHost?: HostResolver;
}

export async function runBrowserJob(deps: BrowserJobDeps, job: BrowserJob): Promise<BrowserOutputMessage> {
  switch (job.kind) {
    case 'deep_check':
      return deepCheckJob(deps, job);
    case 'screenshot':
      return screenshotJob(deps, job);
    case 'journey':
      return journeyJob(deps, job);
  }
}

/** A direct invocation's job: a queue job, or printing a page to PDF (whose bytes come back base64). */
export async function runDirectBrowserJob(deps: BrowserJobDeps, job: DirectBrowserJob): Promise<BrowserOutputMessage | PdfResult> {
  if (job.kind !== 'pdf') return runBrowserJob(deps, job);
  const { pdf } = await printHtmlToPdf(deps.pool, job.html, { timeoutMs: job.timeout * 1000 });
  return { type: 'pdf_result', pdf_base64: Buffer.from(pdf).toString('base64') };
}

async function deepCheckJob(deps: BrowserJobDeps, job: Extract<BrowserJob, { kind: 'deep_check' }>): Promise<BrowserOutputMessage> {
  const result = await runDeepCheck(deps.pool, job.url, {
    allowPrivateTargets: deps.allowPrivateTargets,
    timeoutMs: job.timeout * 1000,
    screenshot: job.screenshot,
    ...optional(deps),
  });
  const { screenshot, checked_at, error_kind, error_message, ...metrics } = result;
  const screenshotKey = screenshot
    ? await store(deps, `screenshots/${job.project_id}/${stamp(checked_at)}-deep.png`, screenshot, 'image/png')
    : null;
  return {
    type: 'browser_result',
    project_id: job.project_id,
    job_id: job.job_id ?? null,
    checked_at,
    is_success: error_kind === null,
    metrics: { ...metrics, screenshot_key: screenshotKey },
    error_kind,
    error_message,
  };
}

async function screenshotJob(deps: BrowserJobDeps, job: Extract<BrowserJob, { kind: 'screenshot' }>): Promise<BrowserOutputMessage> {
  const checkedAt = (deps.clock ?? systemClock).now().toISOString();
  const base = {
    type: 'screenshot_result' as const,
    project_id: job.project_id,
    job_id: job.job_id ?? null,
    url: job.url,
    checked_at: checkedAt,
    width: job.width,
    height: job.height,
    full_page: job.full_page,
  };
  try {
    const png = await captureScreenshot(deps.pool, job.url, {
      width: job.width,
      height: job.height,
      fullPage: job.full_page,
      timeoutMs: job.timeout * 1000,
      allowPrivateTargets: deps.allowPrivateTargets,
      ...resolverOption(deps),
    });
    const thumbnail = await makeThumbnail(deps.pool, png);
    const prefix = `screenshots/${job.project_id}/${stamp(checkedAt)}`;
    const imageKey = await store(deps, job.image_key ?? `${prefix}.png`, png, 'image/png');
    const thumbnailKey = await store(deps, job.thumbnail_key ?? `${prefix}-thumb.jpg`, thumbnail, 'image/jpeg');
    return { ...base, image_key: imageKey, thumbnail_key: thumbnailKey, error_kind: null, error_message: null };
  } catch (err) {
    if (!(err instanceof BrowserCheckError) && !(err instanceof BrowserMonitoringError)) throw err;
    const { kind, message } = classifyBrowserError(err);
    return { ...base, image_key: null, thumbnail_key: null, error_kind: kind, error_message: message };
  }
}

async function journeyJob(deps: BrowserJobDeps, job: Extract<BrowserJob, { kind: 'journey' }>): Promise<BrowserOutputMessage> {
  const result = await runJourney(deps.pool, job.scenario, {
    allowPrivateTargets: deps.allowPrivateTargets,
    ...(job.url ? { startUrl: job.url } : {}),
    ...optional(deps),
  });
  const run = `${stamp(result.started_at)}-${randomUUID().slice(0, 8)}`;
  const steps = [];
  for (const step of result.steps) {
    const { screenshot, ...rest } = step;
    const key = screenshot
      ? await store(deps, `screenshots/${job.project_id}/journeys/${job.journey_id ?? 'adhoc'}/${run}/step-${step.index}.png`, screenshot, 'image/png')
      : null;
    steps.push({ ...rest, screenshot_key: key });
  }
  return {
    type: 'journey_result',
    project_id: job.project_id,
    job_id: job.job_id ?? null,
    journey_id: job.journey_id ?? null,
    name: result.name,
    status: result.status,
    started_at: result.started_at,
    duration_ms: result.duration_ms,
    final_url: result.final_url,
    failed_step: result.failed_step,
    steps,
    js_errors: result.js_errors,
    console_errors: result.console_errors,
    error_kind: result.error_kind,
    error_message: result.error_message,
  };
}

async function store(deps: BrowserJobDeps, key: string, data: Uint8Array, contentType: string): Promise<string | null> {
  if (!deps.blobs) {
    deps.logger?.warn('no blob store configured; dropping a screenshot', { key });
    return null;
  }
  await deps.blobs.put(key, data, contentType);
  return key;
}

function optional(deps: BrowserJobDeps) {
  return { ...resolverOption(deps), ...(deps.clock ? { clock: deps.clock } : {}) };
}

function resolverOption(deps: BrowserJobDeps): { resolveHost?: HostResolver } {
  if (deps.resolveHost) return { resolveHost: deps.resolveHost };
  return deps.dnsServers?.length ? { resolveHost: dnsServersResolver(deps.dnsServers) } : {};
}

/** 2026-11-24T08:56:56.947Z -> 20261124T085656947Z: sortable and safe in keys. */
function stamp(iso: string): string {
  return iso.replace(/[-:.]/g, '');
}

