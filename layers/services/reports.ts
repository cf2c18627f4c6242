import { notFound } from '../errors.ts';
import * as alertsRepo from '../repositories/alerts.ts';
import * as rep from '../repositories/reports.ts';
import {
  availabilityByProject,
  dailyFigures,
  dashboardSeries,
  overallFigures,
  incidentsIn,
  projectSeries,
  readerTimeZone,
  responseTimeFigures,
} from './read-model.ts';
import { DAY_MS, resolvePeriod, type RollingPeriod } from './uptime.ts';
import type { Actor, ServiceContext } from './context.ts';

// SLA reports, charts and dashboard stats (issue 19, spec 8.1 and 8.3), all from the read model.

export interface PeriodQuery {
  period?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

async function assertProject(ctx: ServiceContext, projectId: number): Promise<void> {
  if (!(await rep.projectExists(ctx.sql, projectId))) throw notFound('project');
}

/** The SLA report of one project: availability against a target, downtime, incidents, response times, days. */
export async function slaReport(ctx: ServiceContext, actor: Actor, projectId: number, q: PeriodQuery & { target?: number | undefined }) {
  await assertProject(ctx, projectId);
  const period = resolvePeriod(q, ctx.clock.now(), '30d');
  const target = q.target ?? 99.9;
  const timeZone = await readerTimeZone(ctx, actor.id);
  const [byProject, daily, incidents, responseTime] = await Promise.all([
    availabilityByProject(ctx, [projectId], period),
    dailyFigures(ctx, projectId, period, timeZone),
    incidentsIn(ctx, projectId, period),
    responseTimeFigures(ctx, projectId, period),
  ]);
  const a = byProject.get(projectId)!;
  return {
    project_id: projectId,
    period: { from: period.from, to: period.to },
    time_zone: timeZone,
    target_availability: target,
    availability: a.availability,
    sla_met: a.availability === null ? null : a.availability >= target,
    downtime_minutes: round(a.down_seconds / 60, 2),
    allowed_downtime_minutes: round(((1 - target / 100) * a.covered_seconds) / 60, 2),
    covered_minutes: round(a.covered_seconds / 60, 2),
    maintenance_minutes: round(a.maintenance_seconds / 60, 2),
    no_data_minutes: round(a.no_data_seconds / 60, 2),
    incident_count: incidents.length,
    response_time: responseTime,
    daily,
    incidents,
  };
}

export async function availabilityChart(ctx: ServiceContext, projectId: number, q: PeriodQuery) {
  await assertProject(ctx, projectId);
  const period = resolvePeriod(q, ctx.clock.now(), '24h');
  const s = await projectSeries(ctx, [projectId], period, { p95: false });
  return {
    project_id: projectId,
    period,
    bucket_seconds: s.bucket_seconds,
    source: s.source,
    points: (s.points.get(projectId) ?? []).map((p) => ({
      t: p.t,
      availability: p.availability,
      downtime_minutes: round(p.down_seconds / 60, 2),
      maintenance_minutes: round(p.maintenance_seconds / 60, 2),
      checks: p.checks,
    })),
  };
}

export async function responseTimeChart(ctx: ServiceContext, projectId: number, q: PeriodQuery) {
  await assertProject(ctx, projectId);
  const period = resolvePeriod(q, ctx.clock.now(), '24h');
  const s = await projectSeries(ctx, [projectId], period, { p95: true });
  return {
    project_id: projectId,
    period,
    bucket_seconds: s.bucket_seconds,
    source: s.source,
    points: (s.points.get(projectId) ?? []).map((p) => ({
      t: p.t,
      avg: p.avg_response_time,
      p95: p.p95_response_time,
      min: p.min_response_time,
      max: p.max_response_time,
      checks: p.checks,
    })),
  };
}

/**
 * Every project the user sees (all active ones), per bucket and overall, as the answer's JSON text.
 * Columnar (one array per figure, the bucket starts once): 1,000 projects x 180 buckets stay a compact
 * answer. The text is made here, each project's series written by the read model (which keeps the
 * text of figures that did not change since the last read: read-model.ts SeriesTexts).
 */
export async function dashboardChartText(ctx: ServiceContext, q: { period?: RollingPeriod | undefined; per_project?: boolean | undefined }): Promise<string> {
  const period = resolvePeriod({ period: q.period }, ctx.clock.now(), '24h');
  const projects = await rep.activeProjects(ctx.sql);
  // Without per_project the overall series only (what the dashboard draws).
  const perProject = q.per_project !== false;
  const s = await dashboardSeries(ctx, projects.map((p) => p.id), period, { perProject });
  const head = JSON.stringify({ period, bucket_seconds: s.bucket_seconds, source: s.source, buckets: s.buckets, overall: s.overall });
  if (!perProject || projects.length === 0) return `${head.slice(0, -1)},"projects":[]}`;
  const parts: string[] = [`${head.slice(0, -1)},"projects":[`];
  for (let i = 0; i < projects.length; i++) {
    const p = projects[i]!;
    const t = s.projectTexts.get(p.id) ?? { availability: '[]', avg_response_time: '[]' };
    parts.push(`${i > 0 ? ',' : ''}{"project_id":${p.id},"title":${JSON.stringify(p.title)},"availability":${t.availability},"avg_response_time":${t.avg_response_time}}`);
  }
  parts.push(']}');
  return parts.join('');
}

export const DASHBOARD_STATS_TTL_SECONDS = 30;

/** Totals for the dashboard, cached 30 s (the cache is Redis when configured); unread alerts are the user's own. */
export async function dashboardStats(ctx: ServiceContext, actor: Actor) {
  const key = 'dashboard:stats:v1';
  let shared = await ctx.cache.get<Awaited<ReturnType<typeof computeShared>>>(key);
  if (!shared) {
    shared = await computeShared(ctx);
    await ctx.cache.set(key, shared, DASHBOARD_STATS_TTL_SECONDS);
  }
  const unreadKey = `dashboard:unread:${actor.id}`;
  let unread = await ctx.cache.get<number>(unreadKey);
  if (unread === undefined) {
    unread = await alertsRepo.unreadAlertCount(ctx.sql, actor.id);
    await ctx.cache.set(unreadKey, unread, DASHBOARD_STATS_TTL_SECONDS);
  }
  return { ...shared, unread_alerts: unread };
}

async function computeShared(ctx: ServiceContext) {
  const now = ctx.clock.now();
  const period = { from: new Date(now.getTime() - DAY_MS), to: now };
  const [counts, overall, openIncidents] = await Promise.all([
    rep.projectStatusCounts(ctx.sql),
    overallFigures(ctx, period),
    rep.openIncidentCount(ctx.sql),
  ]);
  const uptime = overall.availability;
  return {
    totals: counts,
    uptime_24h: uptime === null ? null : round(uptime, 4),
    avg_response_time_24h: overall.avg_response_time,
    open_incidents: openIncidents,
    generated_at: now.toISOString(),
  };
}
