import * as alerts from '../repositories/alerts.ts';
import * as mon from '../repositories/monitoring.ts';
import { alertsAllowed, nextExpiryState, nextHttpState, performanceGrade, projectRef, realignStreak } from './alert-rules.ts';
import { applyDecision } from './alerting.ts';
import type { NotifyMessageInput, ResultMessage } from './messages.ts';
import { dispatchOutbox } from './outbox.ts';
import type { ServiceContext } from './context.ts';

// Recording check results: each in one transaction with the state it changes. What to alert on is
// decided by the pure rules in alert-rules.ts; this file only reads, applies and writes.

type HttpResult = Extract<ResultMessage, { type: 'http_result' }>;
type ExpiryResult = Extract<ResultMessage, { type: 'expiry_result' }>;

/**
 * Records one HTTP check and applies the alert rules, in one transaction: the result row, the
 * rollups, the project's state, the incident, and any notification (alert + outbox rows).
 */
export async function recordHttpResult(ctx: ServiceContext, m: HttpResult): Promise<void> {
  const r = m.result;
  let stale = false;
  const raised = await ctx.sql.begin(async (tx) => {
    const state = await mon.lockMonitorState(tx, m.project_id);
    const project = await mon.loadAlertContext(tx, m.project_id);
    if (!state || !project || !project.is_active) return [];
    await mon.insertCheckResult(tx, {
      project_id: m.project_id,
      checked_at: r.checked_at,
      kind: 'http',
      is_available: r.is_available,
      status_code: r.status_code,
      response_time: r.response_time,
      error_kind: r.error_kind,
      error_message: r.error_message,
      details: r.details,
      due_at: m.due_at,
      started_at: m.started_at,
    });
    await mon.addToRollups(tx, m.project_id, r.checked_at, r.is_available, r.response_time, r.is_available ? 0 : project.check_interval);
    const d = nextHttpState(state, project, m);
    if (d.stale) {
      stale = true;
      if (d.realignStreak && state.last_checked_at) {
        const moved = realignStreak(state, await mon.failureStreakStart(tx, state.project_id, state.last_checked_at));
        if (moved) await mon.updateMonitorState(tx, state.project_id, moved.patch);
        if (moved?.moveIncident) await mon.moveIncidentStart(tx, moved.moveIncident.id, moved.moveIncident.started_at);
      }
      return [];
    }
    let incidentId = state.open_incident_id;
    if (d.closeIncident !== null) {
      await mon.closeIncident(tx, d.closeIncident, r.checked_at);
      await alerts.resolveIncidentAlerts(tx, d.closeIncident, r.checked_at);
    }
    if (d.openIncident) {
      incidentId = await mon.openIncident(tx, project.id, 'outage', d.openIncident.started_at, d.openIncident.first_error);
      d.patch.open_incident_id = incidentId;
    }
    const out = await applyDecision(ctx, tx, project, d, incidentId);
    await mon.updateMonitorState(tx, m.project_id, d.patch);
    return out;
  });
  await dispatchOutbox(ctx, raised);
  if (!stale && (await hasSubscribers(ctx, m.project_id))) await pushStatus(ctx, m);
}

/** Live status for the dashboards watching the project (WebSocket, through the notifier). */
async function pushStatus(ctx: ServiceContext, m: HttpResult): Promise<void> {
  const r = m.result;
  const status: NotifyMessageInput = {
    type: 'status',
    project_id: m.project_id,
    payload: {
      type: 'status',
      project_id: m.project_id,
      is_available: r.is_available,
      response_time: r.response_time,
      status_code: r.status_code,
      performance_grade: performanceGrade(r.is_available, r.response_time),
      error_message: r.error_message,
      checked_at: r.checked_at.toISOString(),
    },
  };
  await ctx.queue.send('notifications', [{ body: status }]).catch((err: unknown) =>
    ctx.log.warn('status push not enqueued', { error: err instanceof Error ? err.message : String(err) }),
  );
}

/** Status pushes cost a queue message each: send them only while someone watches the project. */
async function hasSubscribers(ctx: ServiceContext, projectId: number): Promise<boolean> {
  try {
    return (await ctx.connections.byProject(projectId)).length > 0;
  } catch (err) {
    ctx.log.warn('subscriber lookup failed; status not pushed', { error: err instanceof Error ? err.message : String(err) });
    return false;
  }
}

/** Records an SSL or domain expiry check and applies the expiry rules. */
export async function recordExpiryResult(ctx: ServiceContext, m: ExpiryResult): Promise<void> {
  const raised = await ctx.sql.begin(async (tx) => {
    const state = await mon.lockMonitorState(tx, m.project_id);
    const project = await mon.loadAlertContext(tx, m.project_id);
    if (!state || !project || !project.is_active) return [];
    await mon.insertExpiryCheck(tx, { project_id: m.project_id, kind: m.kind, ...m.result });
    const d = nextExpiryState(state, project, m, ctx.clock.now());
    const out = await applyDecision(ctx, tx, project, d);
    await mon.updateMonitorState(tx, m.project_id, d.patch);
    return out;
  });
  await dispatchOutbox(ctx, raised);
}

/**
 * Our own machinery failed (a browser crashed or hung): tell the project's people, at most once an
 * hour per project and component, so a flapping browser does not flood them.
 */
export async function reportMonitoringError(ctx: ServiceContext, projectId: number, component: string, message: string, at: Date): Promise<void> {
  const { value } = await ctx.cache.incr(`monerr:${projectId}:${component}`, 3600);
  if (value > 1) return;
  const raised = await ctx.sql.begin(async (tx) => {
    const project = await mon.loadAlertContext(tx, projectId);
    if (!project || !project.is_active) return [];
    const { notify, endMaintenance } = alertsAllowed(project, at);
    return applyDecision(ctx, tx, project, {
      endMaintenance,
      notifications: notify ? [{ kind: 'monitoring_error', data: { project: projectRef(project), component, error_message: message, occurred_at: at } }] : [],
    });
  });
  await dispatchOutbox(ctx, raised);
}
