import * as z from 'zod';

// The notification kinds (spec 7.1, 7.3): what each one carries, declared once. Queues and the
// outbox carry `{ kind, data }`; composition turns it into words, renderers into each channel's format.

/** An instant given as a Date (in process) or an ISO-8601 string with offset (from JSON: outbox, queues). */
const instant = z
  .union([z.date(), z.iso.datetime({ offset: true })])
  .transform((v) => (typeof v === 'string' ? new Date(v) : v));

export const projectRefSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  url: z.string(),
});
export type ProjectRef = z.infer<typeof projectRefSchema>;

const text = z.string().min(1);
const optionalText = text.nullish();
const responseTimeMs = z.number().nonnegative().nullish();
const statusCode = z.number().int().min(100).max(599).nullish();

/** The project failed `consecutive_failures` checks in a row and is now considered down. */
export const statusErrorSchema = z.object({
  project: projectRefSchema,
  status_code: statusCode,
  error_message: optionalText,
  response_time_ms: responseTimeMs,
  consecutive_failures: z.number().int().positive(),
  started_at: instant,
  checked_at: instant.optional(),
});

/** The project answers again after an outage from started_at to ended_at. */
export const recoverySchema = z.object({
  project: projectRefSchema,
  started_at: instant,
  ended_at: instant,
  duration_seconds: z.number().nonnegative(),
  status_code: statusCode,
  response_time_ms: responseTimeMs,
});

/** The certificate is invalid, expired, self-signed, or for another name. */
export const sslErrorSchema = z.object({
  project: projectRefSchema,
  error_message: text,
  issuer: optionalText,
  expires_at: instant.nullish(),
  checked_at: instant.optional(),
});

/** The certificate expires in `days_remaining` days (the warning of spec 4.3). */
export const sslExpirySchema = z.object({
  project: projectRefSchema,
  expires_at: instant,
  days_remaining: z.number().int(),
  issuer: optionalText,
});

/** The domain registration expires in `days_remaining` days (spec 4.4). */
export const domainExpirySchema = z.object({
  project: projectRefSchema,
  domain: text,
  expires_at: instant,
  days_remaining: z.number().int(),
  registrar: optionalText,
});

/** Py_Monitor itself failed (a probe crashed, a sweep errored); project is absent for system-wide errors. */
export const monitoringErrorSchema = z.object({
  project: projectRefSchema.nullish(),
  component: text,
  error_message: text,
  occurred_at: instant,
});

/** The watched part of the page hashes differently than at the last check (spec 4.12). */
export const contentChangeSchema = z.object({
  project: projectRefSchema,
  old_hash: text,
  new_hash: text,
  selector: optionalText,
  detected_at: instant,
});

/** alert_on_found=true alerts on keywords_found, false on keywords_missing (spec 4.13). */
export const keywordSchema = z.object({
  project: projectRefSchema,
  alert_on_found: z.boolean(),
  keywords_found: z.array(z.string()),
  keywords_missing: z.array(z.string()),
  checked_at: instant,
});

/** The hourly anomaly job found something unusual (spec 8.2); only critical ones become alerts. */
export const anomalySchema = z.object({
  project: projectRefSchema,
  anomaly_type: z.enum(['response_time_spike', 'availability_drop', 'error_rate_increase', 'pattern_change']),
  severity: z.enum(['info', 'warning', 'critical']),
  message: text,
  value: z.number(),
  baseline: z.number(),
  deviation: z.number(),
  detected_at: instant,
});

/** A test message a user asked for from a notification channel; never an in-app alert. */
export const channelTestSchema = z.object({
  project: projectRefSchema.nullish(),
  channel_name: text,
  requested_by: optionalText,
  requested_at: instant,
});

/** The kinds monitoring raises as alerts. */
export const notificationKinds = [
  'status_error',
  'recovery',
  'ssl_error',
  'ssl_expiry',
  'domain_expiry',
  'monitoring_error',
  'content_change',
  'keyword',
  'anomaly',
] as const;
export type AlertKind = (typeof notificationKinds)[number];
/** Every kind a channel can deliver: the alert kinds and a channel's test message. */
export const deliveryKinds = [...notificationKinds, 'test'] as const;
export type NotificationKind = (typeof deliveryKinds)[number];

export const notificationDataSchemas = {
  status_error: statusErrorSchema,
  recovery: recoverySchema,
  ssl_error: sslErrorSchema,
  ssl_expiry: sslExpirySchema,
  domain_expiry: domainExpirySchema,
  monitoring_error: monitoringErrorSchema,
  content_change: contentChangeSchema,
  keyword: keywordSchema,
  anomaly: anomalySchema,
  test: channelTestSchema,
} satisfies Record<NotificationKind, z.ZodType>;

type Schemas = typeof notificationDataSchemas;
/** What callers pass (dates as Date or ISO strings). */
export type NotificationDataInput<K extends NotificationKind> = z.input<Schemas[K]>;
/** After parsing (dates as Date). */
export type NotificationData<K extends NotificationKind> = z.output<Schemas[K]>;

const variant = <K extends NotificationKind>(kind: K) => z.object({ kind: z.literal(kind), data: notificationDataSchemas[kind] });

/** `{ kind, data }` as stored in the outbox and carried on queues. */
export const notificationSchema = z.discriminatedUnion('kind', [
  variant('status_error'),
  variant('recovery'),
  variant('ssl_error'),
  variant('ssl_expiry'),
  variant('domain_expiry'),
  variant('monitoring_error'),
  variant('content_change'),
  variant('keyword'),
  variant('anomaly'),
  variant('test'),
]);
export type Notification = z.output<typeof notificationSchema>;
export type NotificationInput = z.input<typeof notificationSchema>;
