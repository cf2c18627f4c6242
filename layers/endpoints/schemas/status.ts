import * as z from 'zod';
import { badgeColorNames, badgeStyles } from '../../services/badges.ts';
import { incidentUpdateStatuses } from '../../services/incidents.ts';
import { uptimePeriods } from '../../services/status.ts';
import { pagination, timestamp } from './common.ts';

const percent = z.number().nullable().describe('time-based availability in percent (null: no data)');
const publicStatus = z.enum(['up', 'down', 'maintenance', 'unknown']);

export const publicProjectResponse = z.object({
  id: z.number().int(),
  title: z.string(),
  category: z.string().nullable(),
  status: publicStatus.describe('down: alert_threshold failed checks in a row (an open incident); unknown: no result yet'),
  uptime_24h: percent,
  uptime_7d: percent,
  uptime_30d: percent,
  response_time: z.number().nullable().describe('ms, of the last check'),
  last_checked_at: timestamp.nullable(),
});

export const statusListResponse = z.object({
  status: z.enum(['operational', 'degraded', 'major_outage']),
  updated_at: timestamp,
  projects: z.array(publicProjectResponse),
});

export const statusDetailResponse = publicProjectResponse.extend({
  history: z
    .array(z.object({ date: z.string().describe('YYYY-MM-DD, UTC'), availability: percent, downtime_minutes: z.number(), incident_count: z.number().int() }))
    .describe('90 days, oldest first'),
  incidents: z
    .array(
      z.object({
        id: z.number().int(),
        title: z.string().nullable(),
        started_at: timestamp,
        ended_at: timestamp.nullable(),
        duration_minutes: z.number().int().nullable(),
        postmortem: z.string().nullable(),
        updates: z.array(z.object({ status: z.enum(incidentUpdateStatuses), message: z.string(), created_at: timestamp })).describe('oldest first'),
      }),
    )
    .describe('the last 90 days, newest first'),
});

// Control characters cannot be written in an SVG (XML 1.0); everything else is escaped by badge-maker.
const label = z
  .string()
  .max(100, 'must be at most 100 characters')
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');
const hexColor = /^#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const color = z
  .string()
  .refine((c) => hexColor.test(c) || (badgeColorNames as readonly string[]).includes(c), `must be a hex colour (e.g. 4c1) or one of ${badgeColorNames.join(', ')}`)
  .transform((c) => c.replace(/^#/, ''));

/** Query of every badge; CloudFront keys on exactly these names (lib/web.ts BADGE_QUERY_PARAMETERS). */
export const badgeQuery = z.object({
  label: label.optional().describe('the left text (default per badge)'),
  color: color.optional().describe('the right side\'s colour (default: by value)'),
  style: z.enum(badgeStyles).default('flat'),
  format: z.enum(['svg', 'json']).default('svg').describe('json: the shields.io endpoint schema {schemaVersion, label, message, color}'),
});

export const uptimeBadgeQuery = badgeQuery.extend({ period: z.enum(uptimePeriods).default('30d') });

const lean = z.object({
  id: z.number().int(),
  title: z.string(),
  status: publicStatus,
  response_time: z.number().int().nullable().describe('ms'),
  uptime_24h: percent,
  last_checked_at: timestamp.nullable(),
});

export const mobileQuery = z.object(pagination);

export const mobileProjectsResponse = z.object({
  items: z.array(lean),
  total: z.number().int(),
  page: z.number().int(),
  size: z.number().int(),
  pages: z.number().int(),
});

export const mobileDashboardResponse = z.object({
  totals: z.object({ projects: z.number().int(), up: z.number().int(), down: z.number().int(), maintenance: z.number().int(), unknown: z.number().int() }),
  worst: z.array(lean).describe('down first, then failing, then slower than their time_limit; at most 5'),
  unread_alerts: z.number().int(),
});

export const mobileAlertsResponse = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      project_id: z.number().int().nullable(),
      type: z.string(),
      severity: z.enum(['info', 'warning', 'critical']),
      title: z.string(),
      is_read: z.boolean(),
      created_at: timestamp,
    }),
  ),
  total: z.number().int(),
  page: z.number().int(),
  size: z.number().int(),
  pages: z.number().int(),
});
