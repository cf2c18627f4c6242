import * as storage from '../repositories/storage.ts';
import type { ServiceContext } from './context.ts';
import { cleanupAlerts, cleanupLogs } from './daily.ts';

export const CLEANUP_DEFAULTS = { log_retention_days: 30, alert_retention_days: 90, resolved_only: true } as const;

/** POST /admin/cleanup/all: logs and alerts with the defaults of spec 13.2. */
export async function cleanupAll(ctx: ServiceContext) {
  const logs = await cleanupLogs(ctx, CLEANUP_DEFAULTS.log_retention_days);
  const alerts = await cleanupAlerts(ctx, CLEANUP_DEFAULTS.alert_retention_days, CLEANUP_DEFAULTS.resolved_only);
  return { logs, alerts };
}

/** GET /admin/stats (spec 13.3): what each project holds and what the database takes on disk. */
export async function storageStats(ctx: ServiceContext) {
  const [projects, orphanAlerts, sizes] = await Promise.all([storage.projectStorage(ctx.sql), storage.alertsWithoutProject(ctx.sql), storage.tableSizes(ctx.sql)]);
  const oldest = projects.reduce<Date | null>((o, p) => (p.oldest_log_at && (!o || p.oldest_log_at < o) ? p.oldest_log_at : o), null);
  return {
    projects: projects.map((p) => ({ ...p, oldest_log_at: p.oldest_log_at?.toISOString() ?? null })),
    totals: {
      projects: projects.length,
      log_count: projects.reduce((s, p) => s + p.log_count, 0),
      alert_count: projects.reduce((s, p) => s + p.alert_count, 0) + orphanAlerts,
      oldest_log_at: oldest?.toISOString() ?? null,
      database_bytes: sizes.database_bytes,
    },
    tables: sizes.tables,
  };
}
