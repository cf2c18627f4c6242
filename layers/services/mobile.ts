import * as alertsRepo from '../repositories/alerts.ts';
import * as repo from '../repositories/status.ts';
import type { MobileProjectRow } from '../repositories/status.ts';
import type { Actor, ServiceContext } from './context.ts';
import { availabilityByProject } from './read-model.ts';
import { publicProjectStatus } from './status.ts';

// The mobile API (spec 12): the same figures as the dashboard in the fewest bytes, for a phone on a
// slow network. Uptime comes from the shared read model, like every uptime figure.

const WORST = 5;
const DAY_MS = 86_400_000;

async function leanItems(ctx: ServiceContext, rows: MobileProjectRow[]) {
  const now = ctx.clock.now();
  const uptime = rows.length ? await availabilityByProject(ctx, rows.map((r) => r.id), { from: new Date(now.getTime() - DAY_MS), to: now }) : new Map();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    status: publicProjectStatus(r),
    response_time: r.last_checked_at === null || r.last_response_time === null ? null : Math.round(r.last_response_time),
    uptime_24h: (uptime.get(r.id)?.availability ?? null) as number | null,
    last_checked_at: r.last_checked_at,
  }));
}

export async function mobileProjects(ctx: ServiceContext, page: number, size: number) {
  const { rows, total } = await repo.listMobileProjects(ctx.sql, size, (page - 1) * size);
  return { items: await leanItems(ctx, rows), total, page, size, pages: Math.ceil(total / size) };
}

export async function mobileDashboard(ctx: ServiceContext, actor: Actor) {
  const [{ totals, worst }, unread] = await Promise.all([repo.mobileDashboard(ctx.sql, WORST), alertsRepo.unreadAlertCount(ctx.sql, actor.id)]);
  return { totals, worst: await leanItems(ctx, worst), unread_alerts: unread };
}

/** The caller's unresolved alerts, newest first. */
export async function mobileAlerts(ctx: ServiceContext, actor: Actor, page: number, size: number) {
  const { rows, total } = await alertsRepo.listAlerts(ctx.sql, { user_id: actor.id, resolved: false }, size, (page - 1) * size);
  return {
    items: rows.map((a) => ({ id: a.id, project_id: a.project_id, type: a.type, severity: a.severity, title: a.title, is_read: a.is_read, created_at: a.created_at })),
    total,
    page,
    size,
    pages: Math.ceil(total / size),
  };
}
