import { notFound } from '../../errors.ts';
import * as alerts from '../../repositories/alerts.ts';
import * as repo from '../../repositories/anomalies.ts';
import { loadAlertContext } from '../../repositories/monitoring.ts';
import { ownerOfProject } from '../../repositories/projects.ts';
import { composeNotification, inAppMessage } from '../notifications/compose.ts';
import type { ServiceContext } from '../context.ts';
import { detectAnomalies, type Anomaly } from './detector.ts';

const HOUR_MS = 3_600_000;

/** The spec's defaults (8.2) and the ranges the API accepts. */
export const ANOMALY_DEFAULTS = { analysis_hours: 1, baseline_hours: 168, sensitivity: 2.0 } as const;
export const ANOMALY_RANGES = { analysis_hours: [1, 168], baseline_hours: [24, 2160], sensitivity: [0.5, 10] } as const;

export interface AnomalyParams {
  analysis_hours: number;
  baseline_hours: number;
  sensitivity: number;
}

export interface AnomalyView {
  /** The recorded row's id; null for one found now and not recorded yet. */
  id: number | null;
  type: Anomaly['type'];
  severity: Anomaly['severity'];
  message: string;
  value: number;
  baseline: number;
  deviation: number;
  detected_at: string;
  /** The hour the anomaly is about. */
  hour: string;
}

const floorHour = (d: Date) => new Date(Math.floor(d.getTime() / HOUR_MS) * HOUR_MS);

/** Runs the detector over the `analysis_hours` hours that end at `until` (hour-aligned, exclusive). */
export async function detectForProject(ctx: ServiceContext, projectId: number, p: AnomalyParams, until: Date): Promise<{ anomalies: Anomaly[]; analysis: { from: Date; to: Date }; baseline: { from: Date; to: Date } }> {
  const analysisFrom = new Date(until.getTime() - p.analysis_hours * HOUR_MS);
  const baselineFrom = new Date(analysisFrom.getTime() - p.baseline_hours * HOUR_MS);
  const [rows, incidents] = await Promise.all([
    repo.hourlyRollups(ctx.sql, projectId, baselineFrom, until),
    repo.incidentsOverlapping(ctx.sql, projectId, baselineFrom, until),
  ]);
  const buckets = rows.map((r) => ({ start: r.bucket.getTime(), checks: r.checks, failures: r.failures, rtSum: r.rt_sum, rtN: r.rt_n, coveredSeconds: r.covered_seconds, downSeconds: r.down_seconds }));
  const anomalies = detectAnomalies({
    analysis: buckets.filter((b) => b.start >= analysisFrom.getTime()),
    baseline: buckets.filter((b) => b.start < analysisFrom.getTime()),
    incidents: incidents.map((i) => ({ start: i.started_at.getTime(), end: i.ended_at?.getTime() ?? null })),
    sensitivity: p.sensitivity,
    now: ctx.clock.now().getTime(),
  });
  return { anomalies, analysis: { from: analysisFrom, to: until }, baseline: { from: baselineFrom, to: analysisFrom } };
}

const liveView = (a: Anomaly): AnomalyView => ({
  id: null,
  type: a.type,
  severity: a.severity,
  message: a.message,
  value: a.value,
  baseline: a.baseline,
  deviation: a.deviation,
  detected_at: a.detected_at,
  hour: new Date(a.hour).toISOString(),
});

const recordedView = (r: repo.AnomalyRow): AnomalyView => ({
  id: r.id,
  type: r.type as Anomaly['type'],
  severity: r.severity as Anomaly['severity'],
  message: r.details.message ?? '',
  value: r.details.value ?? 0,
  baseline: r.details.baseline ?? 0,
  deviation: r.details.deviation ?? 0,
  detected_at: r.detected_at.toISOString(),
  hour: (r.hour ?? r.detected_at).toISOString(),
});

/**
 * GET /projects/{id}/anomalies: what the detector finds now in the last `analysis_hours` (the current
 * hour included) and, with `from`, what the hourly job recorded since then, newest first.
 */
export async function listProjectAnomalies(ctx: ServiceContext, projectId: number, q: AnomalyParams & { from?: Date | undefined }) {
  if ((await ownerOfProject(ctx.sql, projectId)) === undefined) throw notFound('project');
  const until = new Date(floorHour(ctx.clock.now()).getTime() + HOUR_MS);
  const live = await detectForProject(ctx, projectId, q, until);
  const items = live.anomalies.map(liveView);
  if (q.from) {
    const seen = new Set(items.map((i) => `${i.type}@${i.hour}`));
    for (const r of await repo.listAnomaliesSince(ctx.sql, projectId, q.from)) {
      const v = recordedView(r);
      if (!seen.has(`${v.type}@${v.hour}`)) items.push(v);
    }
  }
  items.sort((a, b) => b.hour.localeCompare(a.hour) || a.type.localeCompare(b.type));
  return {
    project_id: projectId,
    analysis_hours: q.analysis_hours,
    baseline_hours: q.baseline_hours,
    sensitivity: q.sensitivity,
    analysis: { from: live.analysis.from.toISOString(), to: live.analysis.to.toISOString() },
    baseline: { from: live.baseline.from.toISOString(), to: live.baseline.to.toISOString() },
    items,
  };
}

/**
 * The hourly job: the last complete hour of every active project against the default baseline. A
 * rerun records nothing new; a new critical anomaly becomes an in-app alert for every user.
 */
export async function recordAnomalies(ctx: ServiceContext, now = ctx.clock.now()) {
  const until = floorHour(now);
  const projects = await repo.projectsWithResultsSince(ctx.sql, new Date(until.getTime() - ANOMALY_DEFAULTS.analysis_hours * HOUR_MS));
  let recorded = 0;
  let alerted = 0;
  for (const projectId of projects) {
    const { anomalies } = await detectForProject(ctx, projectId, ANOMALY_DEFAULTS, until);
    if (anomalies.length === 0) continue;
    const detectedAt = ctx.clock.now();
    await ctx.sql.begin(async (tx) => {
      const rows = await repo.insertAnomalies(tx, anomalies.map((a) => ({
        project_id: projectId,
        type: a.type,
        severity: a.severity,
        hour: new Date(a.hour),
        detected_at: detectedAt,
        details: { message: a.message, value: a.value, baseline: a.baseline, deviation: a.deviation },
      })));
      recorded += rows.length;
      const critical = rows.filter((r) => r.severity === 'critical');
      if (critical.length === 0) return;
      const project = await loadAlertContext(tx, projectId);
      if (!project || !project.is_alert_enabled || project.maintenance_mode) return;
      for (const r of critical) {
        const v = recordedView(r);
        const data = {
          project: { id: project.id, title: project.title, url: project.url },
          anomaly_type: v.type,
          severity: v.severity,
          message: v.message,
          value: v.value,
          baseline: v.baseline,
          deviation: v.deviation,
          detected_at: v.detected_at,
        };
        const publicUrl = ctx.config.PUBLIC_URL ? { publicUrl: ctx.config.PUBLIC_URL } : {};
        const composed = composeNotification('anomaly', data, { language: project.owner_language, timezone: project.owner_timezone, ...publicUrl });
        // Each user reads the alert in their own language and time zone; the body does not repeat the title.
        const texts = (await alerts.recipientLocales(tx, project.owner_id)).map((l) => {
          const c = composeNotification('anomaly', data, { ...l, ...publicUrl });
          return { ...l, title: c.subject, message: inAppMessage(c) };
        });
        await alerts.insertAlertForAllUsers(tx, {
          project_id: project.id,
          type: 'anomaly',
          severity: composed.severity,
          data: { ...data, anomaly_id: r.id },
        }, texts, project.owner_id);
        alerted++;
      }
    });
  }
  return { projects: projects.length, anomalies_recorded: recorded, alerts_raised: alerted };
}
