import * as mon from '../repositories/monitoring.ts';
import * as alerts from '../repositories/alerts.ts';
import type { AlertContextRow, MonitorStateRow } from '../repositories/monitoring.ts';
import type { OutboxRow } from '../repositories/outbox.ts';
import type { Db } from '../repositories/db.ts';
import { raiseNotification } from './alerting.ts';
import { recordJourneyResult, recordScreenshotResult } from './browser.ts';
import { dispatchOutbox, recordDelivery } from './outbox.ts';
import type { NotifyMessageInput, ResultMessage } from './messages.ts';
import type { ServiceContext } from './context.ts';

type HttpResult = Extract<ResultMessage, { type: 'http_result' }>;
type ExpiryResult = Extract<ResultMessage, { type: 'expiry_result' }>;

/** A-F from the response time of an available target; F when it is down. */
export function performanceGrade(isAvailable: boolean, responseTime: number | null): 'A' | 'B' | 'C' | 'D' | 'F' {
  if (!isAvailable || responseTime === null) return 'F';
  if (responseTime < 200) return 'A';
  if (responseTime < 500) return 'B';
  if (responseTime < 1000) return 'C';
  if (responseTime < 2000) return 'D';
  return 'F';
}

export const ref = (p: AlertContextRow) => ({ id: p.id, title: p.title, url: p.url });

/** Maintenance ends by itself at maintenance_ends_at (spec 3.3). */
export async function inMaintenance(tx: Db, p: AlertContextRow, at: Date): Promise<boolean> {
  if (!p.maintenance_mode) return false;
  if (p.maintenance_ends_at && p.maintenance_ends_at <= at) {
    await mon.endMaintenance(tx, p.id);
    return false;
  }
  return true;
}

/**
 * A late result (retried after a database outage, behind the catch-up check) can move the start of
 * the current failure streak: the outage counts from its first failed check, not the first recorded.
 */
async function realignStreakStart(tx: Db, state: MonitorStateRow): Promise<void> {
  if (!state.down_since || !state.last_checked_at) return;
  const start = await mon.failureStreakStart(tx, state.project_id, state.last_checked_at);
  if (!start || start.getTime() === state.down_since.getTime()) return;
  await mon.updateMonitorState(tx, state.project_id, { down_since: start });
  if (state.open_incident_id) await mon.moveIncidentStart(tx, state.open_incident_id, start);
}

/**
 * Records one HTTP check and runs the alert state machine, in one transaction: the result row, the
 * rollups, the project's state, the incident, and any notification (alert + outbox rows).
 */
async function recordHttpResult(ctx: ServiceContext, m: HttpResult): Promise<void> {
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
    // A result older than the last one evaluated (queues do not keep order) is kept but not judged.
    if (state.last_checked_at && r.checked_at < state.last_checked_at) {
      stale = true;
      if (state.consecutive_failures > 0) await realignStreakStart(tx, state);
      return [];
    }
    const notify = project.is_alert_enabled && !(await inMaintenance(tx, project, r.checked_at));
    const patch: Partial<MonitorStateRow> = {
      last_checked_at: r.checked_at,
      last_is_available: r.is_available,
      last_status_code: r.status_code,
      last_response_time: r.response_time,
      last_error: r.error_message,
    };
    const out: OutboxRow[] = [];
    if (r.is_available) {
      patch.consecutive_failures = 0;
      patch.streak_first_error = null;
      patch.down_since = null;
      if (state.is_down) {
        patch.is_down = false;
        patch.outage_alerted = false;
        patch.open_incident_id = null;
        const closed = state.open_incident_id ? await mon.closeIncident(tx, state.open_incident_id, r.checked_at) : undefined;
        if (state.open_incident_id) await alerts.resolveIncidentAlerts(tx, state.open_incident_id, r.checked_at);
        // A recovery is announced only when its outage was.
        if (state.outage_alerted && notify) {
          const startedAt = closed?.started_at ?? state.down_since ?? r.checked_at;
          const n = await raiseNotification(ctx, tx, project, 'recovery', {
            project: ref(project),
            started_at: startedAt,
            ended_at: r.checked_at,
            duration_seconds: Math.max(0, closed?.duration_seconds ?? (r.checked_at.getTime() - startedAt.getTime()) / 1000),
            status_code: r.status_code,
            response_time_ms: r.response_time,
          }, { incidentId: state.open_incident_id, resolved: true });
          out.push(...n.outbox);
        }
      }
    } else {
      const failures = state.consecutive_failures + 1;
      patch.consecutive_failures = failures;
      const firstFailureAt = failures === 1 ? r.checked_at : (state.down_since ?? r.checked_at);
      const firstError = failures === 1 ? r.error_message : (state.streak_first_error ?? r.error_message);
      patch.down_since = firstFailureAt;
      patch.streak_first_error = firstError;
      let incidentId = state.open_incident_id;
      if (!state.is_down && failures >= project.alert_threshold) {
        incidentId = await mon.openIncident(tx, project.id, 'outage', firstFailureAt, firstError);
        patch.is_down = true;
        patch.open_incident_id = incidentId;
      }
      const isDown = patch.is_down ?? state.is_down;
      // One outage alert per incident; a suppressed one is sent once notifications are allowed again.
      if (isDown && !state.outage_alerted && notify) {
        const n = await raiseNotification(ctx, tx, project, 'status_error', {
          project: ref(project),
          status_code: r.status_code,
          error_message: firstError ?? r.error_message,
          response_time_ms: r.response_time,
          consecutive_failures: failures,
          started_at: firstFailureAt,
          checked_at: r.checked_at,
        }, { incidentId });
        patch.outage_alerted = true;
        out.push(...n.outbox);
      }
    }
    if (m.content_hash !== null) {
      if (state.content_hash && state.content_hash !== m.content_hash && notify) {
        const n = await raiseNotification(ctx, tx, project, 'content_change', {
          project: ref(project),
          old_hash: state.content_hash,
          new_hash: m.content_hash,
          selector: project.content_selector,
          detected_at: r.checked_at,
        });
        out.push(...n.outbox);
      }
      patch.content_hash = m.content_hash;
    }
    if (m.keywords !== null) {
      const alerting = project.keyword_alert_on_found ? m.keywords.found.length > 0 : m.keywords.missing.length > 0;
      if (alerting && !state.keyword_alerting && notify) {
        const n = await raiseNotification(ctx, tx, project, 'keyword', {
          project: ref(project),
          alert_on_found: project.keyword_alert_on_found,
          keywords_found: m.keywords.found,
          keywords_missing: m.keywords.missing,
          checked_at: r.checked_at,
        });
        out.push(...n.outbox);
      }
      patch.keyword_alerting = alerting;
      patch.keyword_state = m.keywords;
    }
    await mon.updateMonitorState(tx, m.project_id, patch);
    return out;
  });
  await dispatchOutbox(ctx, raised);
  if (stale || !(await hasSubscribers(ctx, m.project_id))) return;
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

/**
 * Our own machinery failed (a browser crashed or hung): tell the project's people, at most once an
 * hour per project and component, so a flapping browser does not flood them.
 */
export async function reportMonitoringError(ctx: ServiceContext, projectId: number, component: string, message: string, at: Date): Promise<void> {
  const { value } = await ctx.cache.incr(`monerr:${projectId}:${component}`, 3600);
  if (value > 1) return;
  const raised = await ctx.sql.begin(async (tx) => {
    const project = await mon.loadAlertContext(tx, projectId);
    if (!project || !project.is_active || !project.is_alert_enabled || (await inMaintenance(tx, project, at))) return [];
    const n = await raiseNotification(ctx, tx, project, 'monitoring_error', { project: ref(project), component, error_message: message, occurred_at: at });
    return n.outbox;
  });
  await dispatchOutbox(ctx, raised);
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

/** Warning thresholds in days: the configured one, then 14, 7, 3 and 1 below it. */
export function expiryThresholds(warningDays: number): number[] {
  return [...new Set([warningDays, 14, 7, 3, 1].filter((d) => d <= warningDays))].sort((a, b) => b - a);
}

/** The threshold just crossed, if a warning is due: once per threshold, never daily. */
export function expiryWarningDue(daysRemaining: number, warningDays: number, warnedAt: number | null): number | null {
  const crossed = expiryThresholds(warningDays).filter((t) => daysRemaining <= t).pop();
  if (crossed === undefined) return null;
  if (warnedAt !== null && warnedAt <= crossed) return null;
  return crossed;
}

async function recordExpiryResult(ctx: ServiceContext, m: ExpiryResult): Promise<void> {
  const r = m.result;
  const raised = await ctx.sql.begin(async (tx) => {
    const state = await mon.lockMonitorState(tx, m.project_id);
    const project = await mon.loadAlertContext(tx, m.project_id);
    if (!state || !project || !project.is_active) return [];
    await mon.insertExpiryCheck(tx, { project_id: m.project_id, kind: m.kind, ...r });
    const now = ctx.clock.now();
    const notify = project.is_alert_enabled && !(await inMaintenance(tx, project, now));
    const warnedKey = m.kind === 'ssl' ? 'ssl_warned_days' : 'domain_warned_days';
    const warned = state[warnedKey];
    const warningDays = m.kind === 'ssl' ? project.ssl_warning_days : project.domain_warning_days;
    const out: OutboxRow[] = [];
    // -1 marks "an invalid certificate was reported" so it is not repeated daily.
    if (m.kind === 'ssl' && r.is_valid === false && (r.days_remaining === null || r.days_remaining >= 0)) {
      if (warned !== -1 && notify) {
        const n = await raiseNotification(ctx, tx, project, 'ssl_error', {
          project: ref(project),
          error_message: r.error_message ?? 'invalid certificate',
          issuer: r.issuer,
          expires_at: r.expires_at,
          checked_at: now,
        });
        out.push(...n.outbox);
        await mon.updateMonitorState(tx, m.project_id, { [warnedKey]: -1 });
      }
      return out;
    }
    if (r.days_remaining === null || r.expires_at === null) return out;
    if (r.days_remaining > warningDays) {
      if (warned !== null) await mon.updateMonitorState(tx, m.project_id, { [warnedKey]: null });
      return out;
    }
    const due = expiryWarningDue(r.days_remaining, warningDays, warned === -1 ? null : warned);
    if (due !== null && notify) {
      const n =
        m.kind === 'ssl'
          ? await raiseNotification(ctx, tx, project, 'ssl_expiry', {
              project: ref(project),
              expires_at: r.expires_at,
              days_remaining: r.days_remaining,
              issuer: r.issuer,
            })
          : await raiseNotification(ctx, tx, project, 'domain_expiry', {
              project: ref(project),
              domain: String(r.details['domain'] ?? new URL(project.url).hostname),
              expires_at: r.expires_at,
              days_remaining: r.days_remaining,
              registrar: typeof r.details['registrar'] === 'string' ? r.details['registrar'] : null,
            });
      out.push(...n.outbox);
      await mon.updateMonitorState(tx, m.project_id, { [warnedKey]: due });
    }
    return out;
  });
  await dispatchOutbox(ctx, raised);
}

/** The results consumer: every message of the results queue lands here. */
export async function recordResult(ctx: ServiceContext, m: ResultMessage): Promise<void> {
  switch (m.type) {
    case 'http_result':
      return recordHttpResult(ctx, m);
    case 'expiry_result':
      return recordExpiryResult(ctx, m);
    case 'browser_result':
      await mon.insertBrowserCheck(ctx.sql, m);
      if (m.error_kind === 'monitoring_error') await reportMonitoringError(ctx, m.project_id, 'browser', m.error_message ?? 'browser failed', m.checked_at);
      return;
    case 'screenshot_result':
      await recordScreenshotResult(ctx, m);
      return;
    case 'journey_result':
      await recordJourneyResult(ctx, m);
      return;
    case 'delivery':
      return recordDelivery(ctx, m);
  }
}
