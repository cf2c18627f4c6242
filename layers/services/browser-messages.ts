import * as z from 'zod';
import { browserErrorKinds } from '../checks/browser/error-kinds.ts';
import { journeyScenarioSchema } from '../checks/browser/journey-schema.ts';

// Messages of the browser queue (jobs in) and what the browser function puts on the results queue.
// The scheduler already sends { kind: 'deep_check', project_id, url }; everything else is optional.

const projectId = z.number().int().positive();
const targetUrl = z.string().min(1).max(2_048);
/** Correlates a result with the request that asked for it (e.g. an API "check now"). */
const jobId = z.string().min(1).max(200).optional();
/** The job's `job_id` echoed in its result (null when the job had none). */
const resultJobId = z.string().nullable().default(null);

export const deepCheckJobSchema = z.object({
  kind: z.literal('deep_check'),
  project_id: projectId,
  url: targetUrl,
  job_id: jobId,
  /** Spec 5 `timeout`, in seconds. */
  timeout: z.number().int().min(5).max(300).default(30),
  screenshot: z.boolean().default(false),
});

export const screenshotJobSchema = z.object({
  kind: z.literal('screenshot'),
  project_id: projectId,
  url: targetUrl,
  job_id: jobId,
  width: z.number().int().min(320).max(1920).default(1280),
  height: z.number().int().min(480).max(1080).default(800),
  full_page: z.boolean().default(false),
  timeout: z.number().int().min(5).max(300).default(30),
  /** Blob keys to write; by default screenshots/<project>/<timestamp>.png and -thumb.jpg. */
  image_key: z.string().min(1).max(500).optional(),
  thumbnail_key: z.string().min(1).max(500).optional(),
});

export const journeyJobSchema = z.object({
  kind: z.literal('journey'),
  project_id: projectId,
  /** Opened first when the scenario does not start with `navigate`. */
  url: targetUrl.optional(),
  job_id: jobId,
  journey_id: z.number().int().positive().optional(),
  scenario: journeyScenarioSchema,
});

export const browserJobSchema = z.discriminatedUnion('kind', [deepCheckJobSchema, screenshotJobSchema, journeyJobSchema]);
export type BrowserJob = z.output<typeof browserJobSchema>;
export type BrowserJobInput = z.input<typeof browserJobSchema>;

/**
 * Prints a page we made (the SLA report) to PDF. Only by direct invocation, never through the queue:
 * its answer goes back to the caller. Lambda takes 6 MB each way, so the page and the PDF stay below.
 */
export const pdfJobSchema = z.object({
  kind: z.literal('pdf'),
  html: z.string().min(1).max(4_000_000),
  timeout: z.number().int().min(5).max(120).default(30),
});
export const pdfResultSchema = z.object({
  type: z.literal('pdf_result'),
  pdf_base64: z.string(),
});
export type PdfResult = z.output<typeof pdfResultSchema>;

/** What the browser function answers when invoked directly (`{ job }`): the queue's jobs and the PDF. */
export const directBrowserJobSchema = z.discriminatedUnion('kind', [deepCheckJobSchema, screenshotJobSchema, journeyJobSchema, pdfJobSchema]);
export type DirectBrowserJob = z.output<typeof directBrowserJobSchema>;
export type DirectBrowserJobInput = z.input<typeof directBrowserJobSchema>;

const errorKind = z.enum(browserErrorKinds).nullable();

/**
 * A deep check's result: the sixteen spec 4.2 metrics and the extras live in `metrics`. The results
 * queue (layers/services/messages.ts) takes these three result messages as they are defined here.
 */
export const browserResultMessageSchema = z.object({
  type: z.literal('browser_result'),
  project_id: projectId,
  job_id: resultJobId,
  checked_at: z.iso.datetime({ offset: true }),
  is_success: z.boolean(),
  metrics: z.record(z.string(), z.unknown()),
  error_kind: errorKind,
  error_message: z.string().nullable(),
});

export const screenshotResultMessageSchema = z.object({
  type: z.literal('screenshot_result'),
  project_id: projectId,
  job_id: resultJobId,
  url: z.string(),
  checked_at: z.string(),
  image_key: z.string().nullable(),
  thumbnail_key: z.string().nullable(),
  width: z.number().int(),
  height: z.number().int(),
  full_page: z.boolean(),
  error_kind: errorKind,
  error_message: z.string().nullable(),
});

export const journeyStepResultMessageSchema = z.object({
  index: z.number().int(),
  action: z.string(),
  status: z.enum(['passed', 'failed', 'skipped']),
  duration_ms: z.number(),
  selector: z.string().nullable(),
  expected: z.string().nullable(),
  found: z.string().nullable(),
  error: z.string().nullable(),
  screenshot_key: z.string().nullable(),
});

export const journeyResultMessageSchema = z.object({
  type: z.literal('journey_result'),
  project_id: projectId,
  job_id: resultJobId,
  journey_id: z.number().int().nullable(),
  name: z.string().nullable(),
  status: z.enum(['passed', 'failed', 'error']),
  started_at: z.string(),
  duration_ms: z.number(),
  final_url: z.string().nullable(),
  failed_step: z.number().int().nullable(),
  steps: z.array(journeyStepResultMessageSchema),
  js_errors: z.array(z.object({ message: z.string(), source: z.string().optional() })),
  console_errors: z.number().int(),
  error_kind: errorKind,
  error_message: z.string().nullable(),
});

export const browserOutputMessageSchema = z.discriminatedUnion('type', [
  browserResultMessageSchema,
  screenshotResultMessageSchema,
  journeyResultMessageSchema,
]);
export type BrowserOutputMessage = z.output<typeof browserOutputMessageSchema>;
export type BrowserResultMessage = z.output<typeof browserResultMessageSchema>;
export type ScreenshotResultMessage = z.output<typeof screenshotResultMessageSchema>;
export type JourneyResultMessage = z.output<typeof journeyResultMessageSchema>;
