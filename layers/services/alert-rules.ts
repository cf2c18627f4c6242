import { maskUrlPassword } from '../model/secrets.ts';
import type { SyntheticTestRow } from '../repositories/browser.ts';
import type { AlertContextRow, MonitorStateRow } from '../repositories/monitoring.ts';
import type { ResultMessage } from './messages.ts';
import type { AlertKind, NotificationDataInput } from './notifications/kinds.ts';

// The alert rules: pure functions `next = f(state, settings, result)`. They read nothing and write
// nothing; the services that record results (recorder.ts, browser.ts) apply what they decide
// inside the result's transaction (recorder.ts applyDecision).

type HttpResult = Extract<ResultMessage, { type: 'http_result' }>;
type ExpiryResult = Extract<ResultMessage, { type: 'expiry_result' }>;
type MonitorStatePatch = Partial<Omit<MonitorStateRow, 'project_id'>>;

/**
 * A notification to raise; `incident` attaches it to the project's current (or just opened) incident,
 * and `key` ties a problem to its resolution where there is no incident (alert-key.ts).
 */
export type PendingNotification = {
  [K in AlertKind]: { kind: K; data: NotificationDataInput<K>; incident?: boolean; resolved?: boolean; key?: string };
}[AlertKind];

/** What every decision shares: the notifications, and whether a maintenance window has run out. */
export interface Decision {
  /** Maintenance ended by itself at maintenance_ends_at (spec 3.3): clear the flag. */
  endMaintenance: boolean;
  notifications: PendingNotification[];
}

// Alerts reach every user and every channel: a password in the project URL is never in them.
export const projectRef = (p: AlertContextRow) => ({ id: p.id, title: p.title, url: maskUrlPassword(p.url) });

/** Notifications are allowed unless switched off or in maintenance; maintenance ends by itself at its end time. */
export function alertsAllowed(p: AlertContextRow, at: Date): { notify: boolean; endMaintenance: boolean } {
  const endMaintenance = p.maintenance_mode && p.maintenance_ends_at !== null && p.maintenance_ends_at <= at;
  return { notify: p.is_alert_enabled && (!p.maintenance_mode || endMaintenance), endMaintenance };
}

/** A-F from the response time of an available target; F when it is down. */
export function performanceGrade(isAvailable: boolean, responseTime: number | null): 'A' | 'B' | 'C' | 'D' | 'F' {
  if (!isAvailable || responseTime === null) return 'F';
  if (responseTime < 200) return 'A';
  if (responseTime < 500) return 'B';
  if (responseTime < 1000) return 'C';
  if (responseTime < 2000) return 'D';
  return 'F';
}

export interface HttpDecision extends Decision {
  /** Older than the last result judged (queues do not keep order): recorded, not judged. */
  stale: boolean;
  /** A stale result during a failure streak: the streak's start is to be read again (`realignStreak`). */
  realignStreak: boolean;
  patch: MonitorStatePatch;
  openIncident: { started_at: Date; first_error: string | null } | null;
  /** The incident an answer after an outage closes. */
  closeIncident: number | null;
}

/**
 * The HTTP state machine (spec 7.1): `alert_threshold` failures in a row open one incident and one
 * outage alert; the first success closes it with one recovery alert, if the outage was announced.
 * Content changes and keyword hits alert once per change.
 */
export function nextHttpState(state: MonitorStateRow, project: AlertContextRow, m: HttpResult): HttpDecision {
  const r = m.result;
  const at = r.checked_at;
  if (state.last_checked_at && at < state.last_checked_at) {
    const realignStreak = state.consecutive_failures > 0 && state.down_since !== null;
    return { stale: true, realignStreak, endMaintenance: false, patch: {}, openIncident: null, closeIncident: null, notifications: [] };
  }
  const { notify, endMaintenance } = alertsAllowed(project, at);
  const d: HttpDecision = { stale: false, realignStreak: false, endMaintenance, openIncident: null, closeIncident: null, notifications: [], patch: {
    last_checked_at: at,
    last_is_available: r.is_available,
    last_status_code: r.status_code,
    last_response_time: r.response_time,
    last_error: r.error_message,
  } };
  const patch = d.patch;
  if (r.is_available) {
    patch.consecutive_failures = 0;
    patch.streak_first_error = null;
    patch.down_since = null;
    if (state.is_down) {
      patch.is_down = false;
      patch.outage_alerted = false;
      patch.open_incident_id = null;
      d.closeIncident = state.open_incident_id;
      // A recovery is announced only when its outage was.
      if (state.outage_alerted && notify) {
        const startedAt = state.down_since ?? at;
        d.notifications.push({ kind: 'recovery', incident: true, resolved: true, data: {
          project: projectRef(project),
          started_at: startedAt,
          ended_at: at,
          duration_seconds: Math.max(0, (at.getTime() - startedAt.getTime()) / 1000),
          status_code: r.status_code,
          response_time_ms: r.response_time,
        } });
      }
    }
  } else {
    const failures = state.consecutive_failures + 1;
    const firstFailureAt = failures === 1 ? at : (state.down_since ?? at);
    const firstError = failures === 1 ? r.error_message : (state.streak_first_error ?? r.error_message);
    patch.consecutive_failures = failures;
    patch.down_since = firstFailureAt;
    patch.streak_first_error = firstError;
    if (!state.is_down && failures >= project.alert_threshold) {
      d.openIncident = { started_at: firstFailureAt, first_error: firstError };
      patch.is_down = true;
    }
    // One outage alert per incident; a suppressed one is sent once notifications are allowed again.
    if ((patch.is_down ?? state.is_down) && !state.outage_alerted && notify) {
      patch.outage_alerted = true;
      d.notifications.push({ kind: 'status_error', incident: true, data: {
        project: projectRef(project),
        status_code: r.status_code,
        error_message: firstError ?? r.error_message,
        response_time_ms: r.response_time,
        consecutive_failures: failures,
        started_at: firstFailureAt,
        checked_at: at,
      } });
    }
  }
  // A hash taken with another selector than the project's (a check claimed before the selector
  // changed) is no evidence of a change, nor a baseline.
  const sameSelector = m.content_selector === undefined || m.content_selector === project.content_selector;
  if (m.content_hash !== null && sameSelector) {
    if (state.content_hash && state.content_hash !== m.content_hash && notify) {
      d.notifications.push({ kind: 'content_change', data: {
        project: projectRef(project),
        old_hash: state.content_hash,
        new_hash: m.content_hash,
        selector: project.content_selector,
        detected_at: at,
      } });
    }
    patch.content_hash = m.content_hash;
  }
  if (m.keywords !== null) {
    const alerting = project.keyword_alert_on_found ? m.keywords.found.length > 0 : m.keywords.missing.length > 0;
    if (alerting && !state.keyword_alerting && notify) {
      d.notifications.push({ kind: 'keyword', data: {
        project: projectRef(project),
        alert_on_found: project.keyword_alert_on_found,
        keywords_found: m.keywords.found,
        keywords_missing: m.keywords.missing,
        checked_at: at,
      } });
    }
    patch.keyword_alerting = alerting;
    patch.keyword_state = m.keywords;
  }
  return d;
}

export interface StreakRealignment {
  patch: MonitorStatePatch;
  /** The open incident, whose start moves with the streak's. */
  moveIncident: { id: number; started_at: Date } | null;
}

/**
 * A late result (retried after a database outage, behind the catch-up check) can move the start of
 * the current failure streak: the outage counts from its first failed check, not the first recorded.
 * `recordedStart` is the first failed check after the last success, among the results recorded now.
 */
export function realignStreak(state: MonitorStateRow, recordedStart: Date | undefined): StreakRealignment | null {
  if (!state.down_since || !recordedStart || recordedStart.getTime() === state.down_since.getTime()) return null;
  const moveIncident = state.open_incident_id ? { id: state.open_incident_id, started_at: recordedStart } : null;
  return { patch: { down_since: recordedStart }, moveIncident };
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

export interface ExpiryDecision extends Decision {
  patch: MonitorStatePatch;
}

/**
 * SSL and domain expiry (spec 4.3, 4.4): a warning at each threshold crossed, once; an invalid
 * certificate once (remembered as -1) until it is valid again.
 */
export function nextExpiryState(state: MonitorStateRow, project: AlertContextRow, m: ExpiryResult, now: Date): ExpiryDecision {
  const r = m.result;
  const { notify, endMaintenance } = alertsAllowed(project, now);
  const d: ExpiryDecision = { endMaintenance, patch: {}, notifications: [] };
  const warnedKey = m.kind === 'ssl' ? 'ssl_warned_days' : 'domain_warned_days';
  const warned = state[warnedKey];
  const warningDays = m.kind === 'ssl' ? project.ssl_warning_days : project.domain_warning_days;
  if (m.kind === 'ssl' && r.is_valid === false && (r.days_remaining === null || r.days_remaining >= 0)) {
    if (warned !== -1 && notify) {
      d.notifications.push({ kind: 'ssl_error', data: {
        project: projectRef(project),
        error_message: r.error_message ?? 'invalid certificate',
        issuer: r.issuer,
        expires_at: r.expires_at,
        checked_at: now,
      } });
      d.patch[warnedKey] = -1;
    }
    return d;
  }
  if (r.days_remaining === null || r.expires_at === null) return d;
  if (r.days_remaining > warningDays) {
    if (warned !== null) d.patch[warnedKey] = null;
    return d;
  }
  const due = expiryWarningDue(r.days_remaining, warningDays, warned === -1 ? null : warned);
  if (due === null || !notify) return d;
  d.notifications.push(
    m.kind === 'ssl'
      ? { kind: 'ssl_expiry', data: { project: projectRef(project), expires_at: r.expires_at, days_remaining: r.days_remaining, issuer: r.issuer } }
      : { kind: 'domain_expiry', data: {
          project: projectRef(project),
          domain: String(r.details['domain'] ?? new URL(project.url).hostname),
          expires_at: r.expires_at,
          days_remaining: r.days_remaining,
          registrar: typeof r.details['registrar'] === 'string' ? r.details['registrar'] : null,
        } },
  );
  d.patch[warnedKey] = due;
  return d;
}

export interface JourneyRun {
  status: 'passed' | 'failed' | 'error';
  started_at: Date;
  duration_ms: number;
  /** Why it failed (read only when it did). */
  failure: string;
}

export interface JourneyDecision extends Decision {
  state: Pick<SyntheticTestRow, 'last_status' | 'failing_since' | 'failure_alerted'> & { last_status: string };
}

/** A scheduled journey (spec 4.11) that starts failing alerts once, and recovers once. */
export function nextJourneyState(test: SyntheticTestRow, project: AlertContextRow, run: JourneyRun): JourneyDecision {
  const at = run.started_at;
  const { notify, endMaintenance } = alertsAllowed(project, at);
  if (run.status === 'passed') {
    const notifications: PendingNotification[] = [];
    if (test.failing_since && test.failure_alerted && notify) {
      notifications.push({ kind: 'recovery', resolved: true, data: {
        project: projectRef(project),
        started_at: test.failing_since,
        ended_at: at,
        duration_seconds: Math.max(0, (at.getTime() - test.failing_since.getTime()) / 1000),
        status_code: null,
        response_time_ms: run.duration_ms,
      }, key: `synthetic-${test.id}` });
    }
    return { endMaintenance, notifications, state: { last_status: 'passed', failing_since: null, failure_alerted: false } };
  }
  const alert = !test.failure_alerted && notify;
  return {
    endMaintenance,
    notifications: alert
      ? [{ kind: 'monitoring_error', data: {
          project: projectRef(project),
          component: `synthetic test "${test.name}"`,
          error_message: run.failure,
          occurred_at: at,
        }, key: `synthetic-${test.id}` }]
      : [],
    state: { last_status: run.status, failing_since: test.failing_since ?? at, failure_alerted: test.failure_alerted || alert },
  };
}
