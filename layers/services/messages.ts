import * as z from 'zod';
import { DEFAULT_ACCEPTED_STATUS_CODES } from '../checks/status-codes.ts';
import { checkTargetShape } from '../model/project.ts';
import { browserResultMessageSchema, journeyResultMessageSchema, screenshotResultMessageSchema } from './browser-messages.ts';

// Queue messages of the check pipeline. Every consumer parses its records with these schemas.

const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));


/** The API job (services/jobs.ts) an on-demand check or browser run reports to; absent on scheduled ones. */
export const jobIdSchema = z.uuid();

const httpCheckMessageSchema = z.object({
  type: z.literal('check'),
  kind: z.literal('http'),
  project_id: z.number().int().positive(),
  due_at: isoDate,
  cycle: z.number().int().nonnegative(),
  // A message sent before accepted_status_codes existed (in a queue across an upgrade) accepts what every project did then.
  target: checkTargetShape.extend({ accepted_status_codes: checkTargetShape.shape.accepted_status_codes.default([...DEFAULT_ACCEPTED_STATUS_CODES]) }),
  job_id: jobIdSchema.optional(),
});

export const checkMessageSchema = z.discriminatedUnion('kind', [
  httpCheckMessageSchema,
  z.object({
    type: z.literal('check'),
    kind: z.enum(['ssl', 'domain']),
    project_id: z.number().int().positive(),
    url: z.string(),
  }),
]);
export type CheckMessage = z.output<typeof checkMessageSchema>;
export type CheckMessageInput = z.input<typeof checkMessageSchema>;
export type HttpCheckMessage = z.output<typeof httpCheckMessageSchema>;
export type HttpCheckMessageInput = z.input<typeof httpCheckMessageSchema>;

/** Most checks one batch message carries (a message stays far below SQS's 256 KiB). */
export const MAX_CHECKS_PER_BATCH = 100;

/**
 * The checks due in one window, in one message of the check queue: the message is delayed to the
 * first one's due time, and the checker starts each at its own `due_at`.
 */
export const checkBatchMessageSchema = z.object({
  type: z.literal('check_batch'),
  checks: z.array(httpCheckMessageSchema).min(1).max(MAX_CHECKS_PER_BATCH),
});
export type CheckBatchMessage = z.output<typeof checkBatchMessageSchema>;
export type CheckBatchMessageInput = z.input<typeof checkBatchMessageSchema>;

/** Everything the check queue carries: batches of scheduled HTTP checks, and single checks (expiry probes). */
export const checkQueueMessageSchema = z.union([checkBatchMessageSchema, checkMessageSchema]);
export type CheckQueueMessage = z.output<typeof checkQueueMessageSchema>;

export const probeResultSchema = z.object({
  is_available: z.boolean(),
  status_code: z.number().int().nullable(),
  response_time: z.number().nullable(),
  error_kind: z.string().nullable(),
  error_message: z.string().nullable(),
  checked_at: isoDate,
  details: z.record(z.string(), z.unknown()).default({}),
});

export const expiryResultSchema = z.object({
  is_valid: z.boolean().nullable(),
  expires_at: isoDate.nullable(),
  days_remaining: z.number().int().nullable(),
  issuer: z.string().nullable(),
  error_message: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).default({}),
});

const httpResultMessageSchema = z.object({
  type: z.literal('http_result'),
  project_id: z.number().int().positive(),
  due_at: isoDate.nullable(),
  started_at: isoDate,
  cycle: z.number().int().nonnegative().nullable(),
  result: probeResultSchema,
  content_hash: z.string().nullable().default(null),
  /** The selector the hash was taken with (absent in messages of older versions). */
  content_selector: z.string().nullable().optional(),
  keywords: z.object({ found: z.array(z.string()), missing: z.array(z.string()) }).nullable().default(null),
  job_id: jobIdSchema.nullable().default(null),
});
export type HttpResultMessage = z.output<typeof httpResultMessageSchema>;

/** Most results one message of the results queue carries. */
export const MAX_RESULTS_PER_BATCH = 100;

export const resultMessageSchema = z.discriminatedUnion('type', [
  httpResultMessageSchema,
  /** The HTTP results a checker finished close together, recorded together. */
  z.object({
    type: z.literal('result_batch'),
    results: z.array(httpResultMessageSchema).min(1).max(MAX_RESULTS_PER_BATCH),
  }),
  z.object({
    type: z.literal('expiry_result'),
    kind: z.enum(['ssl', 'domain']),
    project_id: z.number().int().positive(),
    result: expiryResultSchema,
  }),
  browserResultMessageSchema,
  screenshotResultMessageSchema,
  journeyResultMessageSchema,
  /** A worker took an on-demand job (the job shows `running` until its result arrives). */
  z.object({
    type: z.literal('job_started'),
    job_id: jobIdSchema,
    at: isoDate,
  }),
  z.object({
    type: z.literal('delivery'),
    outbox_id: z.number().int().positive(),
    ok: z.boolean(),
    retryable: z.boolean().default(true),
    status_code: z.number().int().nullable().default(null),
    error: z.string().nullable().default(null),
    /** The receiver asked to wait at least this long before the next attempt. */
    retry_after_seconds: z.number().nonnegative().nullable().default(null),
    at: isoDate,
  }),
]);
export type ResultMessage = z.output<typeof resultMessageSchema>;

export const jobStartedMessage = (jobId: string): ResultMessageInput => ({ type: 'job_started', job_id: jobId, at: new Date().toISOString() });
export type ResultMessageInput = z.input<typeof resultMessageSchema>;

export const notifyMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('deliver'),
    outbox_id: z.number().int().positive(),
    /** email, webhook or websocket for a project's own settings, else a notification channel's provider. */
    channel: z.string().min(1).max(40),
    target: z.string(),
    payload: z.record(z.string(), z.unknown()),
    attempt: z.number().int().nonnegative(),
  }),
  z.object({
    type: z.literal('status'),
    project_id: z.number().int().positive(),
    payload: z.record(z.string(), z.unknown()),
  }),
  /** A user's sessions ended: close their WebSockets opened below `below_version` (null: all). */
  z.object({
    type: z.literal('close_sessions'),
    user_id: z.number().int().positive(),
    below_version: z.number().int().nullable(),
  }),
]);
export type NotifyMessage = z.output<typeof notifyMessageSchema>;
export type NotifyMessageInput = z.input<typeof notifyMessageSchema>;
