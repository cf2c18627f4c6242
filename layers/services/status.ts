import { notFound } from '../errors.ts';
import * as repo from '../repositories/status.ts';
import type { PublicProjectRow } from '../repositories/status.ts';
import type { ServiceContext } from './context.ts';
import { availabilityByProject, availabilityByProjectPeriods, dailyFigures, incidentsIn } from './read-model.ts';
import { cachedJson, type CachedBody } from './response-cache.ts';
import { STATUS_LIST_KEY, statusDetailKey } from './status-keys.ts';

// The public status page (spec 9, issue 12). Every uptime figure comes from the shared read model
// (services/read-model.ts: time-based availability, incidents from alert_threshold runs); this file
// only decides the states, picks the public fields and caches the answers.

export const uptimePeriods = ['24h', '7d', '30d', '90d'] as const;
export type UptimePeriod = (typeof uptimePeriods)[number];
const periodMs: Record<UptimePeriod, number> = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, '90d': 90 * 86_400_000 };

export const STATUS_LIST_MAX_AGE = 60;
export const STATUS_DETAIL_MAX_AGE = 120;
/** A page that does not exist for visitors: kept shorter, so making a project public shows soon. */
export const STATUS_NOT_FOUND_MAX_AGE = 60;
export const HISTORY_DAYS = 90;
/** Days of the public history are calendar days in UTC: visitors come from every zone. */
export const HISTORY_TIME_ZONE = 'UTC';

export type PublicStatus = 'up' | 'down' | 'maintenance' | 'unknown';
export type OverallStatus = 'operational' | 'degraded' | 'major_outage';

/** Down means an open outage (alert_threshold failed checks in a row), as alerts and incidents count it. */
export function publicProjectStatus(p: Pick<PublicProjectRow, 'maintenance_mode' | 'last_checked_at' | 'is_down'>): PublicStatus {
  if (p.maintenance_mode) return 'maintenance';
  if (p.last_checked_at === null) return 'unknown';
  return p.is_down ? 'down' : 'up';
}

/** Up, but its last answer took longer than the project's time_limit. */
export function isSlow(p: Pick<PublicProjectRow, 'maintenance_mode' | 'last_checked_at' | 'is_down' | 'time_limit' | 'last_response_time'>): boolean {
  return publicProjectStatus(p) === 'up' && p.time_limit !== null && p.last_response_time !== null && p.last_response_time > p.time_limit;
}

/** major_outage when more than half are down, degraded when any is down or slow, else operational. */
export function overallStatus(projects: { status: PublicStatus; slow: boolean }[]): OverallStatus {
  const down = projects.filter((p) => p.status === 'down').length;
  if (projects.length > 0 && down * 2 > projects.length) return 'major_outage';
  if (down > 0 || projects.some((p) => p.slow)) return 'degraded';
  return 'operational';
}

const rangeOf = (now: Date, period: UptimePeriod) => ({ from: new Date(now.getTime() - periodMs[period]), to: now });

/** Availability of public projects over three periods, three read-model calls whatever their number. */
async function uptimes(ctx: ServiceContext, ids: number[], now: Date) {
  const [d1, d7, d30] = await availabilityByProjectPeriods(ctx, ids, (['24h', '7d', '30d'] as const).map((p) => rangeOf(now, p)));
  const pick = (m: typeof d1 | undefined, id: number) => m?.get(id)?.availability ?? null;
  return (id: number) => ({ uptime_24h: pick(d1, id), uptime_7d: pick(d7, id), uptime_30d: pick(d30, id) });
}

function projectSummary(p: PublicProjectRow, figures: { uptime_24h: number | null; uptime_7d: number | null; uptime_30d: number | null }) {
  return {
    id: p.id,
    title: p.title,
    category: p.category,
    status: publicProjectStatus(p),
    ...figures,
    response_time: p.last_checked_at === null ? null : p.last_response_time,
    last_checked_at: p.last_checked_at,
  };
}

async function computeList(ctx: ServiceContext) {
  const now = ctx.clock.now();
  const rows = await repo.listPublicProjects(ctx.sql);
  const figures = rows.length ? await uptimes(ctx, rows.map((r) => r.id), now) : () => ({ uptime_24h: null, uptime_7d: null, uptime_30d: null });
  return {
    status: overallStatus(rows.map((r) => ({ status: publicProjectStatus(r), slow: isSlow(r) }))),
    updated_at: now,
    projects: rows.map((r) => projectSummary(r, figures(r.id))),
  };
}

/** The 90 UTC days ending today, oldest first. */
export function historyDays(now: Date, days = HISTORY_DAYS): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

type StatusListBody = Awaited<ReturnType<typeof computeList>>;
type ProjectSummary = StatusListBody['projects'][number];

/**
 * A project's page starts from its entry in the (cached) list: the same figures the list shows, and no
 * query at all for an id that is not public. Only its history and incidents are read for it.
 */
async function computeDetail(ctx: ServiceContext, id: number) {
  const now = ctx.clock.now();
  const list = JSON.parse((await statusList(ctx)).body) as { projects: ProjectSummary[] };
  const summary = list.projects.find((p) => p.id === id);
  if (!summary) throw notFound('project');
  const days = historyDays(now);
  const period = { from: new Date(`${days[0]}T00:00:00Z`), to: now };
  const [daily, incidents] = await Promise.all([dailyFigures(ctx, id, period, HISTORY_TIME_ZONE), incidentsIn(ctx, id, period)]);
  const byDate = new Map(daily.map((d) => [d.date, d]));
  const notes = await repo.incidentNotes(ctx.sql, incidents.map((i) => i.id));
  return {
    ...summary,
    history: days.map((date) => {
      const d = byDate.get(date);
      return { date, availability: d?.availability ?? null, downtime_minutes: d?.downtime_minutes ?? 0, incident_count: d?.incident_count ?? 0 };
    }),
    // Newest first. No error text: what visitors read about an incident is what its people wrote.
    incidents: incidents
      .map((i) => {
        const n = notes.get(i.id);
        return {
          id: i.id,
          title: n?.title ?? null,
          started_at: i.started_at,
          ended_at: i.ended_at,
          duration_minutes: i.ended_at ? Math.round(i.duration_minutes) : null,
          postmortem: n?.postmortem ?? null,
          updates: (n?.updates ?? []).map((u) => ({ status: u.status, message: u.message, created_at: u.created_at })),
        };
      })
      .sort((a, b) => b.started_at.getTime() - a.started_at.getTime()),
  };
}

export function statusList(ctx: ServiceContext): Promise<CachedBody> {
  return cachedJson(ctx, STATUS_LIST_KEY, STATUS_LIST_MAX_AGE, () => computeList(ctx));
}

/** One public project's page; a private, inactive or unknown id is the same 404. */
export function statusDetail(ctx: ServiceContext, id: number): Promise<CachedBody> {
  return cachedJson(ctx, statusDetailKey(id), STATUS_DETAIL_MAX_AGE, () => computeDetail(ctx, id));
}

/** A public project's availability over a period; undefined when it is not public (or unknown). */
export async function publicUptime(ctx: ServiceContext, id: number, period: UptimePeriod): Promise<number | null | undefined> {
  const row = await repo.findPublicProject(ctx.sql, id);
  if (!row) return undefined;
  const figures = await availabilityByProject(ctx, [id], rangeOf(ctx.clock.now(), period));
  return figures.get(id)?.availability ?? null;
}
