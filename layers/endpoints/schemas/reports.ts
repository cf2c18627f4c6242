import * as z from 'zod';
import { rollingPeriods } from '../../services/uptime.ts';
import { isoDateTime, timestamp, queryBool } from './common.ts';

// Reports, charts, stats and the history import (issue 19).

const periodNames = Object.keys(rollingPeriods) as [keyof typeof rollingPeriods, ...(keyof typeof rollingPeriods)[]];
const period = z.enum(periodNames, { message: `must be one of ${periodNames.join(', ')}` });

/** A rolling period, or from/to (at most 400 days; to defaults to now). The combination rules are in uptime.ts resolvePeriod. */
export const periodQuery = z.object({
  period: period.optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
});

export const slaQuery = periodQuery.extend({
  target: z.coerce
    .number({ message: 'must be a number' })
    .refine((t) => Number.isFinite(t) && t > 0 && t <= 100, 'must be above 0 and at most 100')
    .optional()
    .describe('target availability in percent, default 99.9'),
});

export const dashboardChartQuery = z.object({
  period: z.enum(['24h', '7d', '30d'], { message: 'must be one of 24h, 7d, 30d' }).optional(),
  per_project: queryBool.optional().describe('false: only the overall series, `projects` empty (what the dashboard draws; default true)'),
});

const periodResponse = z.object({ from: timestamp, to: timestamp });

export const responseTimeFiguresResponse = z.object({
  avg: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  p95: z.number().nullable(),
  source: z.enum(['raw', 'rollup']),
});

export const dailyFigureResponse = z.object({
  date: z.string().describe('calendar day in the reader\'s time zone'),
  availability: z.number().nullable(),
  downtime_minutes: z.number(),
  maintenance_minutes: z.number(),
  no_data_minutes: z.number(),
  avg_response_time: z.number().nullable(),
  checks: z.number().int(),
  incident_count: z.number().int(),
});

export const incidentFigureResponse = z.object({
  id: z.number().int(),
  started_at: timestamp,
  ended_at: timestamp.nullable(),
  duration_minutes: z.number(),
  error_message: z.string().nullable(),
});

export const slaReportResponse = z.object({
  project_id: z.number().int(),
  period: periodResponse,
  time_zone: z.string(),
  target_availability: z.number(),
  availability: z.number().nullable().describe('percent of covered time (maintenance and no data left out)'),
  sla_met: z.boolean().nullable(),
  downtime_minutes: z.number(),
  allowed_downtime_minutes: z.number(),
  covered_minutes: z.number(),
  maintenance_minutes: z.number(),
  no_data_minutes: z.number(),
  incident_count: z.number().int(),
  response_time: responseTimeFiguresResponse,
  daily: z.array(dailyFigureResponse),
  incidents: z.array(incidentFigureResponse),
});

export const availabilityChartResponse = z.object({
  project_id: z.number().int(),
  period: periodResponse,
  bucket_seconds: z.number().int(),
  source: z.enum(['raw', 'rollup']),
  points: z.array(z.object({
    t: timestamp,
    availability: z.number().nullable(),
    downtime_minutes: z.number(),
    maintenance_minutes: z.number(),
    checks: z.number().int(),
  })),
});

export const responseTimeChartResponse = z.object({
  project_id: z.number().int(),
  period: periodResponse,
  bucket_seconds: z.number().int(),
  source: z.enum(['raw', 'rollup']),
  points: z.array(z.object({
    t: timestamp,
    avg: z.number().nullable(),
    p95: z.number().nullable(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    checks: z.number().int(),
  })),
});

const nullableNumbers = z.array(z.number().nullable());

export const dashboardChartResponse = z.object({
  period: periodResponse,
  bucket_seconds: z.number().int(),
  source: z.enum(['raw', 'rollup']),
  buckets: z.array(timestamp).describe('bucket starts; every array below has one value per bucket'),
  overall: z.object({ availability: nullableNumbers, avg_response_time: nullableNumbers, checks: z.array(z.number().int()) }),
  projects: z.array(z.object({ project_id: z.number().int(), title: z.string(), availability: nullableNumbers, avg_response_time: nullableNumbers })),
});

export const dashboardStatsResponse = z.object({
  totals: z.object({
    projects: z.number().int(),
    up: z.number().int(),
    down: z.number().int(),
    maintenance: z.number().int(),
    paused: z.number().int(),
  }),
  uptime_24h: z.number().nullable(),
  avg_response_time_24h: z.number().nullable(),
  open_incidents: z.number().int(),
  unread_alerts: z.number().int(),
  generated_at: timestamp,
});

/** One imported result: the columns of the CSV export. */
export const importRowSchema = z.strictObject({
  checked_at: isoDateTime,
  is_available: z.boolean({ message: 'must be true or false' }),
  status_code: z.number().int('must be an integer').min(0).max(999).nullable().default(null),
  response_time: z.number().min(0, 'must be at least 0').max(3_600_000, 'must be at most 3600000 (ms)').nullable().default(null),
  error_message: z.string().max(4000).refine((s) => !s.includes('\u0000'), 'must not contain NUL characters').nullable().default(null),
  /** Recorded during maintenance: its time counts as maintenance, not as up or down (issue 19). */
  in_maintenance: z.boolean({ message: 'must be true or false' }).default(false),
});

export const importBodySchema = z.object({ results: z.array(importRowSchema) });

export const importResponse = z.object({
  imported: z.number().int(),
  skipped: z.number().int(),
  incidents: z.number().int(),
});
