import * as z from 'zod';
import { CLEANUP_DEFAULTS, cleanupAll, storageStats } from '../../services/admin-data.ts';
import { cleanupAlerts, cleanupLogs } from '../../services/daily.ts';
import { route } from '../router.ts';

const retentionDays = (d: number) => z.number().int('must be an integer').min(0, 'must be at least 0').max(36_500, 'must be at most 36500').default(d);

const logCleanupBody = z.object({ retention_days: retentionDays(CLEANUP_DEFAULTS.log_retention_days) }).prefault({});
const alertCleanupBody = z
  .object({ retention_days: retentionDays(CLEANUP_DEFAULTS.alert_retention_days), resolved_only: z.boolean().default(CLEANUP_DEFAULTS.resolved_only) })
  .prefault({});

const logCleanupResponse = z.object({ retention_days: z.number().int(), cutoff: z.string(), log_rows_deleted: z.number().int(), partitions_dropped: z.array(z.string()) });
const alertCleanupResponse = z.object({ retention_days: z.number().int(), resolved_only: z.boolean(), cutoff: z.string(), alerts_deleted: z.number().int() });

const statsResponse = z.object({
  projects: z.array(z.object({ project_id: z.number().int(), title: z.string(), log_count: z.number().int(), alert_count: z.number().int(), oldest_log_at: z.string().nullable() })),
  totals: z.object({ projects: z.number().int(), log_count: z.number().int(), alert_count: z.number().int(), oldest_log_at: z.string().nullable(), database_bytes: z.number().int() }),
  tables: z.array(z.object({ table: z.string(), bytes: z.number().int(), partitions: z.number().int() })),
});

export const adminDataRoutes = [
  route({
    method: 'POST',
    path: '/api/v1/admin/cleanup/logs',
    summary: 'Delete raw check results older than retention_days (default 30); rollups and incidents stay',
    tag: 'admin',
    access: 'admin',
    body: logCleanupBody,
    response: logCleanupResponse,
    handler: ({ ctx, body }) => cleanupLogs(ctx, body.retention_days),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/cleanup/alerts',
    summary: 'Delete in-app alerts older than retention_days (default 90), only resolved ones unless resolved_only is false',
    tag: 'admin',
    access: 'admin',
    body: alertCleanupBody,
    response: alertCleanupResponse,
    handler: ({ ctx, body }) => cleanupAlerts(ctx, body.retention_days, body.resolved_only),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/cleanup/all',
    summary: 'Both cleanups with their defaults (logs 30 days, resolved alerts 90 days)',
    tag: 'admin',
    access: 'admin',
    body: z.object({}).prefault({}),
    response: z.object({ logs: logCleanupResponse, alerts: alertCleanupResponse }),
    handler: ({ ctx }) => cleanupAll(ctx),
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/stats',
    summary: 'Storage: raw results and alerts per project, totals, and the database size of each table in bytes',
    tag: 'admin',
    access: 'admin',
    response: statsResponse,
    handler: ({ ctx }) => storageStats(ctx),
  }),
];
