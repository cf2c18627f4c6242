import * as z from 'zod';
import { alertTypes } from '../../services/alerts.ts';
import { idNumber, idText, isoDateTime, pagination, queryBool, timestamp } from './common.ts';

export const lastResult = z
  .object({
    checked_at: timestamp,
    is_available: z.boolean().nullable(),
    status_code: z.number().int().nullable(),
    response_time: z.number().nullable(),
    error_message: z.string().nullable(),
  })
  .nullable();

export const projectStateResponse = z.object({
  project_id: z.number().int(),
  title: z.string(),
  url: z.string(),
  is_running: z.boolean(),
  check_interval: z.number().int(),
  next_due_at: timestamp,
  consecutive_failures: z.number().int(),
  cycle_count: z.number().int(),
  is_down: z.boolean(),
  down_since: timestamp.nullable(),
  maintenance_mode: z.boolean(),
  last_result: lastResult,
});

export const schedulerStatusResponse = z.object({
  is_running: z.boolean(),
  running_projects: z.number().int(),
  total_projects: z.number().int(),
  failing_projects: z.number().int(),
  projects: z.array(projectStateResponse),
});

export const checkNowResponse = z.object({
  project_id: z.number().int(),
  is_available: z.boolean(),
  status_code: z.number().int().nullable(),
  response_time: z.number().nullable().describe('ms'),
  error_kind: z.string().nullable(),
  error_message: z.string().nullable(),
  checked_at: timestamp,
  details: z.record(z.string(), z.unknown()),
  content_hash: z.string().nullable(),
  keywords: z.object({ found: z.array(z.string()), missing: z.array(z.string()) }).nullable(),
});

export const logsQuery = z
  .object({ ...pagination, from: isoDateTime.optional(), to: isoDateTime.optional() })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });

export const checkResultResponse = z.object({
  id: z.number().int(),
  project_id: z.number().int(),
  checked_at: timestamp,
  kind: z.string(),
  is_available: z.boolean(),
  status_code: z.number().int().nullable(),
  response_time: z.number().nullable(),
  error_kind: z.string().nullable(),
  error_message: z.string().nullable(),
  details: z.unknown(),
});

const severity = z.enum(['info', 'warning', 'critical']);

export const alertResponse = z.object({
  id: z.number().int(),
  user_id: z.number().int().nullable(),
  project_id: z.number().int().nullable(),
  incident_id: z.number().int().nullable(),
  type: z.string(),
  severity,
  title: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()),
  is_read: z.boolean(),
  read_at: timestamp.nullable(),
  is_resolved: z.boolean(),
  resolved_at: timestamp.nullable(),
  created_at: timestamp,
});

/** Filters of an alert list; `/projects/{id}/alerts` takes them all but project_id. */
export const alertFilters = {
  unread: queryBool.optional(),
  type: z.enum(alertTypes).optional(),
  severity: severity.optional(),
  resolved: queryBool.optional(),
};

export const alertListQuery = z.object({ ...pagination, ...alertFilters, project_id: idText.optional() });

export const projectAlertListQuery = z.object({ ...pagination, ...alertFilters });

export const alertPatchBody = z
  .object({ is_read: z.boolean().optional(), is_resolved: z.boolean().optional() })
  .refine((b) => b.is_read !== undefined || b.is_resolved !== undefined, { message: 'set is_read or is_resolved', path: ['body'] });

export const alertCreateBody = z.object({
  project_id: idNumber.nullable().optional(),
  type: z.enum(alertTypes).default('manual'),
  severity: severity.default('info'),
  title: z.string().trim().min(1).max(200),
  message: z.string().trim().min(1).max(5000),
});
