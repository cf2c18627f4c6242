import * as z from 'zod';
import { checkTargetShape } from '../model/project.ts';
import { browserResultMessageSchema, journeyResultMessageSchema, screenshotResultMessageSchema } from './browser-messages.ts';

// Queue messages of the check pipeline. Every consumer parses its records with these schemas.

const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));


export const checkMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    type: z.literal('check'),
    kind: z.literal('http'),
    project_id: z.number().int().positive(),
    due_at: isoDate,
    cycle: z.number().int().nonnegative(),
    target: checkTargetShape,
  }),
  z.object({
    type: z.literal('check'),
    kind: z.enum(['ssl', 'domain']),
    project_id: z.number().int().positive(),
    url: z.string(),
  }),
]);
export type CheckMessage = z.output<typeof checkMessageSchema>;
export type CheckMessageInput = z.input<typeof checkMessageSchema>;

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

export const resultMessageSchema = z.discriminatedUnion('type', [
  z.object({
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
