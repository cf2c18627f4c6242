import * as z from 'zod';

// A project and its monitoring settings (spec 3.1, 5), declared once, as stored and shown (dates as
// Date). The row types, the public view, the API's response schemas and the check target derive from
// these shapes; the rules and defaults of what a client writes (layers/endpoints/schemas/projects.ts)
// are keyed by the input shapes below, and the compiler holds the two together: a new column needs a rule.

export const projectShape = z.object({
  id: z.number().int(),
  key: z.string().describe('stable identity of the project in a monitors file; unique among active projects (default project-<id>)'),
  owner_id: z.number().int(),
  title: z.string(),
  url: z.string(),
  host_name: z.string().nullable(),
  ip_address: z.string().nullable(),
  description: z.string().nullable(),
  status_interval: z.number().int().describe('seconds; the same value as monitoring-settings check_interval'),
  time_limit: z.number().int().nullable().describe('ms'),
  is_public: z.boolean(),
  category: z.string().nullable(),
  tags: z.array(z.string()),
  custom_headers: z.record(z.string(), z.string()),
  is_active: z.boolean(),
  maintenance_mode: z.boolean(),
  maintenance_message: z.string().nullable(),
  maintenance_ends_at: z.date().nullable(),
  content_change_detection: z.boolean(),
  content_selector: z.string().nullable(),
  keyword_monitoring: z.boolean(),
  keywords: z.array(z.string()),
  keyword_alert_on_found: z.boolean(),
  created_at: z.date(),
  updated_at: z.date(),
});
export type Project = z.output<typeof projectShape>;

/**
 * What a client writes in a project's body: every field but these (the maintenance fields have their
 * own endpoint). status_interval is stored in monitoring_settings, as check_interval.
 */
export const projectInputShape = projectShape.omit({
  id: true,
  owner_id: true,
  is_active: true,
  maintenance_mode: true,
  maintenance_message: true,
  maintenance_ends_at: true,
  created_at: true,
  updated_at: true,
})
  // Omitted, a new project's key is `project-<id>` and a changed project keeps its own.
  .extend({ key: projectShape.shape.key.optional() });
export type ProjectInput = z.output<typeof projectInputShape>;
export type ProjectWritableKey = keyof ProjectInput;
export const projectWritableKeys = Object.keys(projectInputShape.shape) as ProjectWritableKey[];

/**
 * How often a project's deep browser check runs (issue 13.4): every 6th HTTP check (spec 6.1, the
 * default), about hourly or daily (counted in the project's own check cycles), or never. Deep checks
 * are most of the cost (README, "What it costs"); services/scheduler.ts `browserWork` applies it.
 */
export const deepCheckCadences = ['every_6th', 'hourly', 'daily', 'off'] as const;
export type DeepCheckCadence = (typeof deepCheckCadences)[number];

export const monitoringSettingsShape = z.object({
  project_id: z.number().int(),
  check_interval: z.number().int(),
  timeout: z.number().int(),
  retry_count: z.number().int(),
  alert_threshold: z.number().int(),
  is_alert_enabled: z.boolean(),
  alert_email: z.string().nullable(),
  webhook_url: z.string().nullable(),
  ssl_warning_days: z.number().int(),
  domain_warning_days: z.number().int(),
  deep_check_cadence: z.enum(deepCheckCadences).describe('how often the deep browser check runs: every 6th check (spec), about hourly, about daily, or off'),
  accepted_status_codes: z
    .array(z.string())
    .describe('final status codes (after redirects) that count as up: codes ("301") and ranges ("200-299"); default ["200-399"]'),
  webhook_secret: z.string().describe('HMAC key of the X-PyMonitor-Signature header; shown to those who may change the project'),
  updated_at: z.date(),
});
export type MonitoringSettingsRow = z.output<typeof monitoringSettingsShape>;

/**
 * The monitoring settings as shown: the stored row and what is kept beside it, the notification
 * channels the project notifies (the project_channels table, issue 15).
 */
export const monitoringSettingsViewShape = monitoringSettingsShape.omit({ updated_at: true }).extend({
  channel_ids: z.array(z.number().int()).describe('notification channels the project notifies'),
  // Last in the API document, as before: the frontend's generated types follow its field order.
  updated_at: monitoringSettingsShape.shape.updated_at,
});
export type MonitoringSettingsView = z.output<typeof monitoringSettingsViewShape>;

/** What a client writes in a project's monitoring settings. */
export const monitoringSettingsInputShape = monitoringSettingsViewShape.omit({ project_id: true, webhook_secret: true, updated_at: true });
export type MonitoringSettingsInput = z.output<typeof monitoringSettingsInputShape>;
/** The part of it stored in monitoring_settings. */
export type MonitoringSettings = Omit<MonitoringSettingsInput, 'channel_ids'>;

/** What one HTTP check needs of its project: the probe (spec 4.1) and content and keyword settings. */
export const checkTargetShape = projectShape
  .pick({
    url: true,
    custom_headers: true,
    time_limit: true,
    content_change_detection: true,
    content_selector: true,
    keyword_monitoring: true,
    keywords: true,
    keyword_alert_on_found: true,
  })
  .extend(monitoringSettingsShape.pick({ timeout: true, retry_count: true, accepted_status_codes: true }).shape);
export type CheckTarget = z.output<typeof checkTargetShape>;
export const checkTargetKeys = Object.keys(checkTargetShape.shape) as (keyof CheckTarget)[];

/** Copies the named fields, and only those, so a new column is never shown or sent by accident. */
export function pickFields<T, K extends keyof T>(row: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = row[k];
  return out;
}
