import { notFound } from '../errors.ts';
import { maskUrlPassword } from '../model/secrets.ts';
import { latestExpiryChecks, listDashboardRows } from '../repositories/dashboard.ts';
import { findProject } from '../repositories/projects.ts';
import { availabilityByProject } from './read-model.ts';
import { HOUR_MS } from './uptime.ts';
import type { ServiceContext } from './context.ts';

/**
 * The dashboard's project list: a lean row per project (the table's fields, its state and last result)
 * with its time-based uptime over the last 24 hours from the shared read model (the rollups), by pages.
 * Two queries for the rows and two for the uptime of the whole page, whatever its size.
 */
export async function dashboardProjects(ctx: ServiceContext, page: number, size: number) {
  const { rows, total } = await listDashboardRows(ctx.sql, size, (page - 1) * size);
  const now = ctx.clock.now();
  const uptime = await availabilityByProject(ctx, rows.map((r) => r.id), { from: new Date(now.getTime() - 24 * HOUR_MS), to: now });
  const items = rows.map((r) => ({
    id: r.id,
    title: r.title,
    // A view, like the scheduler and status views: a password in the URL is masked for everyone.
    url: maskUrlPassword(r.url),
    category: r.category,
    tags: r.tags,
    owner_id: r.owner_id,
    maintenance_mode: r.maintenance_mode,
    maintenance_message: r.maintenance_message,
    is_running: r.is_running ?? false,
    is_down: r.is_down ?? false,
    consecutive_failures: r.consecutive_failures ?? 0,
    last_result: r.last_checked_at
      ? {
          checked_at: r.last_checked_at,
          is_available: r.last_is_available,
          status_code: r.last_status_code,
          response_time: r.last_response_time,
          error_message: r.last_error,
        }
      : null,
    uptime_24h: uptime.get(r.id)?.availability ?? null,
  }));
  return { items, total, page, size, pages: Math.ceil(total / size) };
}

/** The latest SSL certificate and domain expiry checks of a project, for its report page. */
export async function latestExpiry(ctx: ServiceContext, projectId: number) {
  if (!(await findProject(ctx.sql, projectId))) throw notFound('project');
  const rows = await latestExpiryChecks(ctx.sql, projectId);
  const of = (kind: 'ssl' | 'domain') => {
    const r = rows.find((x) => x.kind === kind);
    return r ? { checked_at: r.checked_at, is_valid: r.is_valid, expires_at: r.expires_at, days_remaining: r.days_remaining, issuer: r.issuer, error_message: r.error_message } : null;
  };
  return { ssl: of('ssl'), domain: of('domain') };
}
