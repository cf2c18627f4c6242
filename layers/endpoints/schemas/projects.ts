import * as z from 'zod';
import { hostName, httpUrl, ipAddress, isoDateTime, pagination, queryBool, timestamp } from './common.ts';

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

/** `custom_headers`: an object of header names to values, or the same as a JSON string (spec 3.1). */
const customHeaders = z
  .union([z.record(z.string(), z.unknown()), z.string()])
  .transform((v, ctx) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of header names to values' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .record(
        z.string().regex(headerName, 'invalid header name'),
        z.string().max(4096).regex(/^[^\r\n\0]*$/, 'header values cannot contain line breaks'),
      )
      .refine((o) => Object.keys(o).length <= 50, 'at most 50 headers'),
  );

/** Tags: a comma-separated string (spec 3.1) or an array; stored and returned as an array. */
const tags = z
  .union([z.string().max(2000), z.array(z.string().max(50, 'each tag at most 50 characters'))])
  .transform((v) => [...new Set((typeof v === 'string' ? v.split(',') : v).map((t) => t.trim()).filter(Boolean))])
  .pipe(z.array(z.string().max(50, 'each tag at most 50 characters')).max(20, 'at most 20 tags'));

/** Keywords: a JSON array string (spec 4.13) or an array. */
const keywords = z
  .union([z.array(z.unknown()), z.string()])
  .transform((v, ctx) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of strings' });
      return z.NEVER;
    }
  })
  .pipe(z.array(z.string().trim().min(1, 'keywords cannot be empty').max(200)).max(50, 'at most 50 keywords'));

const optText = (max: number) => z.string().trim().max(max).nullable();

const optional = {
  host_name: hostName.nullable(),
  ip_address: ipAddress.nullable(),
  description: optText(2000),
  status_interval: z.number().int('must be an integer').min(60).max(3600),
  time_limit: z.number().int('must be an integer').min(1).max(300_000).nullable(),
  is_public: z.boolean(),
  category: optText(100),
  tags,
  custom_headers: customHeaders,
  content_change_detection: z.boolean(),
  content_selector: optText(500),
  keyword_monitoring: z.boolean(),
  keywords,
  keyword_alert_on_found: z.boolean(),
};

const withDefaults = {
  host_name: optional.host_name.default(null),
  ip_address: optional.ip_address.default(null),
  description: optional.description.default(null),
  status_interval: optional.status_interval.default(300),
  time_limit: optional.time_limit.default(null),
  is_public: optional.is_public.default(false),
  category: optional.category.default(null),
  tags: optional.tags.default([]),
  custom_headers: optional.custom_headers.default({}),
  content_change_detection: optional.content_change_detection.default(false),
  content_selector: optional.content_selector.default(null),
  keyword_monitoring: optional.keyword_monitoring.default(false),
  keywords: optional.keywords.default([]),
  keyword_alert_on_found: optional.keyword_alert_on_found.default(false),
};

const title = z.string().trim().min(1, 'must not be empty').max(200);

export const projectCreateBody = z.object({ title, url: httpUrl, ...withDefaults });
export const projectPatchBody = z
  .object({ title, url: httpUrl, ...optional })
  .partial()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'nothing to update', path: ['body'] });

export const projectListQuery = z.object({
  ...pagination,
  category: z.string().max(100).optional(),
  tag: z.string().max(50).optional(),
  is_public: queryBool.optional(),
  search: z.string().max(200).optional(),
  include_inactive: queryBool.optional(),
});

export const maintenanceBody = z
  .object({
    maintenance_mode: z.boolean(),
    maintenance_message: optText(1000).optional(),
    maintenance_ends_at: isoDateTime.nullable().optional(),
  });

export const monitoringSettingsBody = z.object({
  // The project's status_interval too: omitted, it keeps its value instead of resetting the project's.
  check_interval: z.number().int('must be an integer').min(60).max(3600).optional(),
  timeout: z.number().int('must be an integer').min(5).max(300).default(30),
  retry_count: z.number().int('must be an integer').min(1).max(5).default(3),
  alert_threshold: z.number().int('must be an integer').min(1).max(10).default(3),
  is_alert_enabled: z.boolean().default(true),
  alert_email: z.string().trim().max(254).pipe(z.email('must be a valid email address')).nullable().default(null),
  webhook_url: httpUrl.nullable().default(null),
  ssl_warning_days: z.number().int().min(1).max(365).default(30),
  domain_warning_days: z.number().int().min(1).max(365).default(30),
  // Notification channels (issue 15); omitted, the project keeps the ones it has.
  channel_ids: z
    .array(z.number().int('must be an integer').min(1).max(2_147_483_647))
    .max(50, 'at most 50 channels')
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a channel')
    .optional(),
});

export const monitoringSettingsResponse = z.object({
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
  webhook_secret: z.string().optional().describe('HMAC key of the X-PyMonitor-Signature header; shown to those who may change the project'),
  channel_ids: z.array(z.number().int()).describe('notification channels the project notifies'),
  updated_at: timestamp,
});

export const projectResponse = z.object({
  id: z.number().int(),
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
  maintenance_ends_at: timestamp.nullable(),
  content_change_detection: z.boolean(),
  content_selector: z.string().nullable(),
  keyword_monitoring: z.boolean(),
  keywords: z.array(z.string()),
  keyword_alert_on_found: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
});
