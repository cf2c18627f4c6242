import * as z from 'zod';
import { deepCheckCadences, monitoringSettingsViewShape, projectShape, type MonitoringSettingsInput, type ProjectInput, type ProjectWritableKey } from '../../model/project.ts';
import { isValidSelector } from '../../checks/content-change.ts';
import { DEFAULT_ACCEPTED_STATUS_CODES, formatStatusRange, MAX_ACCEPTED_STATUS_CODES, parseStatusEntry } from '../../checks/status-codes.ts';
import { asResponse, hostName, httpUrl, ipAddress, isoDateTime, MAX_ID, pagination, queryBool, timestamp, withoutDefaults } from './common.ts';

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

const emailFormat = z.email();
const maskedEmail = /^[^@\s]?\*{4}@[^@\s]+$/;

const optText = (max: number) => z.string().trim().max(max).nullable();

/** A project's key in a monitors file: lower-case letters, digits, `.`, `_` and `-`, starting with a letter or digit. */
export const projectKey = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'must be 1-100 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit');

/** A check interval in seconds: the project's status_interval and its settings' check_interval are one value. */
const interval = z.number().int('must be an integer').min(60).max(3600);

/** The rules and defaults of what a client writes on a project, keyed as layers/model/project.ts. */
const projectFields = {
  key: projectKey.optional(),
  title: z.string().trim().min(1, 'must not be empty').max(200),
  url: httpUrl,
  host_name: hostName.nullable().default(null),
  ip_address: ipAddress.nullable().default(null),
  description: optText(2000).default(null),
  status_interval: interval.default(300),
  time_limit: z.number().int('must be an integer').min(1).max(300_000).nullable().default(null),
  is_public: z.boolean().default(false),
  category: optText(100).default(null),
  tags: tags.default([]),
  custom_headers: customHeaders.default({}),
  content_change_detection: z.boolean().default(false),
  // Checked with the engine the content check uses (cheerio), so a selector saved is one it can run.
  content_selector: optText(500)
    .refine((v) => v === null || v === '' || isValidSelector(v), 'is not a valid CSS selector')
    .default(null),
  keyword_monitoring: z.boolean().default(false),
  keywords: keywords.default([]),
  keyword_alert_on_found: z.boolean().default(false),
} satisfies { [K in ProjectWritableKey]: z.ZodType<ProjectInput[K], unknown> };

export const projectCreateBody = z.object(projectFields);
export const projectPatchBody = z
  .object(withoutDefaults(projectFields))
  .partial()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'nothing to update', path: ['body'] });
export const projectResponse = asResponse(projectShape);

export const deletedProjectResponse = projectResponse.extend({ deleted_at: timestamp.nullable().describe('when the project was deleted') });

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

/**
 * Accepted status codes: a list of codes and ranges ("301", "200-299"; numbers too), or the same
 * comma-separated in one string. Stored as written, "200 - 299" as "200-299", each entry once.
 */
const acceptedStatusCodes = z
  .union([z.array(z.union([z.string().max(20), z.number().int()])).max(100), z.string().max(400)])
  .transform((v, ctx) => {
    const entries = typeof v === 'string' ? v.split(',').map((e) => e.trim()).filter(Boolean) : v;
    const out: string[] = [];
    entries.forEach((entry, i) => {
      const r = parseStatusEntry(entry);
      if ('error' in r) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(entry)}: ${r.error}`, path: typeof v === 'string' ? [] : [i] });
      else if (!out.includes(formatStatusRange(r))) out.push(formatStatusRange(r));
    });
    return out;
  })
  .pipe(
    z
      .array(z.string())
      .min(1, 'at least one status code or range')
      .max(MAX_ACCEPTED_STATUS_CODES, `at most ${MAX_ACCEPTED_STATUS_CODES} codes and ranges`),
  );

/** The rules and defaults of a project's monitoring settings (spec 5), keyed as layers/model/project.ts. */
const monitoringSettingsFields = {
  check_interval: interval,
  timeout: z.number().int('must be an integer').min(5).max(300).default(30),
  retry_count: z
    .number()
    .int('must be an integer')
    .min(1)
    .max(5)
    .default(3)
    .describe('retries after a failed first try (up to retry_count + 1 tries), all within the check\'s time budget'),
  alert_threshold: z.number().int('must be an integer').min(1).max(10).default(3),
  is_alert_enabled: z.boolean().default(true),
  // Or its mask as shown to others (o****@example.com): sent back, it keeps the stored address.
  alert_email: z
    .string()
    .trim()
    .max(254)
    .refine((v) => emailFormat.safeParse(v).success || maskedEmail.test(v), 'must be a valid email address')
    .nullable()
    .default(null),
  webhook_url: httpUrl.nullable().default(null),
  ssl_warning_days: z.number().int().min(1).max(365).default(30),
  domain_warning_days: z.number().int().min(1).max(365).default(30),
  deep_check_cadence: z.enum(deepCheckCadences).default('every_6th'),
  accepted_status_codes: acceptedStatusCodes.default([...DEFAULT_ACCEPTED_STATUS_CODES]),
  channel_ids: z
    .array(z.number().int('must be an integer').min(1).max(MAX_ID))
    .max(50, 'at most 50 channels')
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a channel'),
} satisfies { [K in keyof MonitoringSettingsInput]: z.ZodType<MonitoringSettingsInput[K], unknown> };

export const monitoringSettingsBody = z.object({
  ...monitoringSettingsFields,
  // The project's status_interval too: omitted, it keeps its value instead of resetting the project's.
  check_interval: monitoringSettingsFields.check_interval.optional(),
  // Omitted, the project keeps the notification channels it has.
  channel_ids: monitoringSettingsFields.channel_ids.optional(),
});

// The signing key is left out for those who may not change the project.
export const monitoringSettingsResponse = asResponse(monitoringSettingsViewShape).partial({ webhook_secret: true });
