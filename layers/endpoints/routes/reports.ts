import { importResults } from '../../services/results-import.ts';
import * as reports from '../../services/reports.ts';
import { readImportBody } from '../import-body.ts';
import { MAX_IMPORT_BODY_BYTES, Reply } from '../http.ts';
import { route } from '../router.ts';
import { idParam } from '../schemas/common.ts';
import {
  availabilityChartResponse,
  dashboardChartQuery,
  dashboardChartResponse,
  dashboardStatsResponse,
  importBodySchema,
  importResponse,
  periodQuery,
  responseTimeChartResponse,
  slaQuery,
  slaReportResponse,
} from '../schemas/reports.ts';

export const reportRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/reports/sla',
    summary: 'SLA report: time-based availability against a target, downtime, incidents, response times, daily figures in the reader\'s time zone',
    tag: 'reports',
    access: 'viewer',
    params: idParam,
    query: slaQuery,
    response: slaReportResponse,
    handler: ({ ctx, actor, params, query }) => reports.slaReport(ctx, actor, params.id, query),
  }),
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/charts/availability',
    summary: 'Availability per bucket (50-200 buckets)',
    tag: 'reports',
    access: 'viewer',
    params: idParam,
    query: periodQuery,
    response: availabilityChartResponse,
    handler: ({ ctx, params, query }) => reports.availabilityChart(ctx, params.id, query),
  }),
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/charts/response-time',
    summary: 'Response time per bucket: avg, p95, min, max (50-200 buckets)',
    tag: 'reports',
    access: 'viewer',
    params: idParam,
    query: periodQuery,
    response: responseTimeChartResponse,
    handler: ({ ctx, params, query }) => reports.responseTimeChart(ctx, params.id, query),
  }),
  route({
    method: 'GET',
    path: '/api/v1/charts/dashboard',
    summary: 'Availability and average response time per bucket, overall and per project',
    tag: 'reports',
    access: 'viewer',
    query: dashboardChartQuery,
    response: dashboardChartResponse,
    handler: async ({ ctx, query }) => new Reply(200, await reports.dashboardChartText(ctx, query), { 'content-type': 'application/json' }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/dashboard/stats',
    summary: 'Dashboard totals: projects by state, uptime and average response time over 24 h, open incidents, unread alerts (cached 30 s)',
    tag: 'reports',
    access: 'viewer',
    response: dashboardStatsResponse,
    handler: ({ ctx, actor }) => reports.dashboardStats(ctx, actor),
  }),
  route({
    method: 'POST',
    path: '/api/v1/projects/{id}/results/import',
    summary: 'Import check history (JSON or text/csv, up to 200,000 rows or 20 MB): all or nothing, idempotent on checked_at, no notifications',
    tag: 'reports',
    access: 'user',
    owner: 'project',
    params: idParam,
    body: importBodySchema,
    rawBody: { maxBytes: MAX_IMPORT_BODY_BYTES, types: ['application/json', 'text/csv'] },
    response: importResponse,
    handler: ({ ctx, params, event }) => importResults(ctx, params.id, readImportBody(event, ctx.clock.now())),
  }),
];
