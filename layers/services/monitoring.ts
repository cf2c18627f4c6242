import * as mon from '../repositories/monitoring.ts';
import { alertsAllowed, nextExpiryState, projectRef } from './alert-rules.ts';
import { applyDecision } from './alerting.ts';
import type { ResultMessage } from './messages.ts';
import { recordResults } from './recorder.ts';
import { dispatchOutbox } from './outbox.ts';
import type { ServiceContext } from './context.ts';

// Recording check results: each in one transaction with the state it changes. What to alert on is
// decided by the pure rules in alert-rules.ts; this file only reads, applies and writes.

type HttpResult = Extract<ResultMessage, { type: 'http_result' }>;
type ExpiryResult = Extract<ResultMessage, { type: 'expiry_result' }>;

/**
 * Records one HTTP check and applies the alert rules, in one transaction: the result row, the
 * rollups, the project's state, the incident, and any notification (alert + outbox rows). A batch of
 * one through the set-based recorder (recorder.ts), so both paths are the same code.
 */
export async function recordHttpResult(ctx: ServiceContext, m: HttpResult): Promise<void> {
  await recordResults(ctx, [m], { notify: true });
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
