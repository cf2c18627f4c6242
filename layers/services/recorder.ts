import * as alerts from '../repositories/alerts.ts';
import type { Db } from '../repositories/db.ts';
import * as mon from '../repositories/monitoring.ts';
import type { AlertContextRow } from '../repositories/monitoring.ts';
import { enabledChannelsOfProject } from '../repositories/notification-channels.ts';
import * as outbox from '../repositories/outbox.ts';
import type { OutboxRow } from '../repositories/outbox.ts';
import * as res from '../repositories/results.ts';
import type { RollupDelta } from '../repositories/results.ts';
import { alertsAllowed, nextExpiryState, nextHttpState, performanceGrade, projectRef, realignStreak, type Decision } from './alert-rules.ts';
import type { NotifyMessageInput, ResultMessage } from './messages.ts';
import { alertKeyOf } from './notifications/alert-key.ts';
import { composeNotification, inAppMessage } from './notifications/compose.ts';
import type { AlertKind, NotificationDataInput } from './notifications/kinds.ts';
import { isGivingUp, nextAttemptDelay } from './notifications/retry-policy.ts';
import { closedDaysTouched } from './read-model.ts';
import { DAY_MS, HOUR_MS, sketchKey, spanPieces, type Piece, type SpanStart } from './uptime.ts';
import type { ServiceContext } from './context.ts';

// What the results consumer writes (handlers/pipeline.ts), in the order a scheduled check's result
// goes through it:
// 1. `recordResults`: a batch of HTTP results in one transaction, one multi-row insert, one upsert per
//    rollup table (issue 18 point 3). Per project the results are judged in the order given by the
//    pure rules of alert-rules.ts (`nextHttpState`), so a batch decides exactly what recording its
//    results one by one would.
// 2. `applyDecision` / `raiseNotification`: what the rules decided, in the same transaction: in-app
//    alerts (one per user) and one outbox row per channel.
// 3. `dispatchOutbox`, after commit: the rows go on the notifications queue (the notifier delivers
//    them); `recordDelivery` takes the notifier's outcome back (sent, or retried with backoff), and
//    `sweepOutbox` (each scheduler tick) re-sends what is due or was lost.
// The other results the consumer records (expiry checks, our own monitoring errors) raise their
// notifications the same way; the browser's are in browser.ts.

// 1. Recording HTTP results.

export type HttpResultMessage = Extract<ResultMessage, { type: 'http_result' }>;

export interface RecordOptions {
  /** Raise notifications (live results); an import records history silently. */
  notify: boolean;
}

export interface RecordOutcome {
  recorded: number;
  /** Repeats: a live result whose (project, due time) is recorded, an imported one whose (project, check time) is. */
  ignored: number;
  /** Incidents opened while recording. */
  incidents_opened: number;
}

/**
 * Records a batch of HTTP results in one transaction and applies the alert rules per project in
 * order. Idempotent: redelivered results are ignored, so nothing is written or counted twice.
 */
export async function recordResults(ctx: ServiceContext, batch: HttpResultMessage[], opts: RecordOptions): Promise<RecordOutcome> {
  if (batch.length === 0) return { recorded: 0, ignored: 0, incidents_opened: 0 };
  const { outcome, raised, pushes } = await ctx.sql.begin((tx) => recordInTransaction(ctx, tx, batch, { ...opts, dedupe: 'due_at' }));
  await dispatchOutbox(ctx, raised);
  if (opts.notify) await pushStatuses(ctx, pushes);
  return outcome;
}

export interface TxOptions extends RecordOptions {
  /** How repeats are known: live results by due time, imported ones by check time. */
  dedupe: 'due_at' | 'checked_at';
  /**
   * Per result of the batch (same order): recorded during maintenance. Imported history says so
   * itself; without it a live result is in maintenance when its project is, an imported one not.
   */
  maintenance?: readonly boolean[];
  /** A large insert may go by COPY (the database takes it: db.ts takesCopyIn; the history import). */
  copy?: boolean;
}

/** The batch recording inside the caller's transaction (the history import runs it in its own). */
export async function recordInTransaction(
  ctx: ServiceContext,
  tx: Db,
  batch: HttpResultMessage[],
  opts: TxOptions,
): Promise<{ outcome: RecordOutcome; raised: OutboxRow[]; pushes: HttpResultMessage[] }> {
  const projectIds = [...new Set(batch.map((m) => m.project_id))].sort((a, b) => a - b);
  const states = new Map((await res.lockMonitorStates(tx, projectIds)).map((s) => [s.project_id, s]));
  const projects = new Map((await res.loadAlertContexts(tx, projectIds)).map((p) => [p.id, p]));

  // Repeats: already recorded, or twice in this batch. Per project, the due or check times (ms) seen.
  const seen = new Map<number, Set<number>>();
  const seenOf = (projectId: number) => {
    let times = seen.get(projectId);
    if (!times) seen.set(projectId, (times = new Set()));
    return times;
  };
  if (opts.dedupe === 'due_at') {
    // A result due after its project's last recorded due time cannot be recorded yet; only the others
    // (a redelivered batch, a result recorded late, a project with no mark yet) are looked up.
    const mayRepeat = (m: HttpResultMessage) => {
      const mark = states.get(m.project_id)?.last_due_at;
      return m.due_at !== null && (!mark || m.due_at.getTime() <= mark.getTime());
    };
    const keys = batch.filter(mayRepeat).map((m) => ({ project_id: m.project_id, due_at: m.due_at! }));
    for (const k of await res.recordedDueTimes(tx, keys)) {
      const [pid, due] = k.split('|');
      seenOf(Number(pid)).add(Number(due));
    }
  } else {
    for (const id of projectIds) {
      let min = Infinity;
      let max = -Infinity;
      for (const m of batch) {
        if (m.project_id !== id) continue;
        const t = m.result.checked_at.getTime();
        if (t < min) min = t;
        if (t > max) max = t;
      }
      seen.set(id, await res.recordedCheckTimes(tx, id, new Date(min), new Date(max)));
    }
  }
  const outcome: RecordOutcome = { recorded: 0, ignored: 0, incidents_opened: 0 };
  const accepted: { m: HttpResultMessage; inMaintenance: boolean }[] = [];
  // Whether every accepted result comes after its project's last one (as live results and appended
  // history do): then none is recorded late, and the ids of the inserted rows are not needed.
  const latest = new Map<number, number>();
  let inOrder = true;
  for (let b = 0; b < batch.length; b++) {
    const m = batch[b]!;
    const state = states.get(m.project_id);
    const project = projects.get(m.project_id);
    if (!state || !project || !project.is_active) continue;
    const key = opts.dedupe === 'due_at' ? (m.due_at ? m.due_at.getTime() : null) : m.result.checked_at.getTime();
    if (key !== null) {
      const times = seenOf(m.project_id);
      if (times.has(key)) {
        outcome.ignored++;
        continue;
      }
      times.add(key);
    }
    const t = m.result.checked_at.getTime();
    const last = latest.get(m.project_id) ?? state.last_checked_at?.getTime() ?? -Infinity;
    if (t < last) inOrder = false;
    else latest.set(m.project_id, t);
    const inMaintenance = opts.maintenance ? opts.maintenance[b] === true : opts.notify ? inMaintenanceAt(project, m.result.checked_at) : false;
    accepted.push({ m, inMaintenance });
  }
  const rowsToInsert = accepted.map(({ m, inMaintenance }) => ({
      project_id: m.project_id,
      checked_at: m.result.checked_at,
      is_available: m.result.is_available,
      status_code: m.result.status_code,
      response_time: m.result.response_time,
      error_kind: m.result.error_kind,
      error_message: m.result.error_message,
      details: m.result.details,
      due_at: m.due_at,
      started_at: m.started_at,
      in_maintenance: inMaintenance,
    }));
  const ids = await res.insertHttpResults(tx, rowsToInsert, { ids: !inOrder, copy: opts.copy === true });
  outcome.recorded = accepted.length;
  // Alerts are never sent for a silent batch: its projects as the rules see them, made once.
  const judged = new Map<number, AlertContextRow>();
  for (const [pid, p] of projects) judged.set(pid, opts.notify ? p : { ...p, is_alert_enabled: false });

  const rollups = new RollupAccumulator();
  const raised: OutboxRow[] = [];
  const pushes: HttpResultMessage[] = [];
  // Rows of the batch not judged yet: reads of recorded history leave them out, as one-by-one would.
  const pending = new Set(ids);
  // State changes are applied in memory and written once per project at the end.
  const patches = new Map<number, Parameters<typeof mon.updateMonitorState>[2]>();
  const patch = (projectId: number, p: Parameters<typeof mon.updateMonitorState>[2]) => {
    const into = patches.get(projectId);
    if (into) Object.assign(into, p);
    else patches.set(projectId, { ...p });
  };
  for (let i = 0; i < accepted.length; i++) {
    const { m, inMaintenance } = accepted[i]!;
    const state = states.get(m.project_id)!;
    const project = judged.get(m.project_id)!;
    const r = m.result;
    rollups.addResult(m.project_id, r.checked_at, r.is_available, r.response_time, r.is_available ? 0 : project.check_interval);
    // The ids are there when the batch is not in order, the only case a result is recorded late.
    const id = ids[i];
    if (id !== undefined) pending.delete(id);
    const d = nextHttpState(state, project, m);
    if (d.stale) {
      if (id === undefined) throw new Error('a result recorded late in a batch taken to be in order');
      // Recorded late: it splits the span of the result before it.
      const excluded = [...pending, id];
      const { before, after } = await res.neighbourResults(tx, m.project_id, r.checked_at, excluded);
      const self: SpanStart = { at: r.checked_at, up: r.is_available, maintenance: inMaintenance };
      if (before && after) {
        const b = spanStart(before);
        rollups.addPieces(m.project_id, spanPieces(b, after.checked_at, project.check_interval), -1);
        rollups.addPieces(m.project_id, spanPieces(b, r.checked_at, project.check_interval), 1);
      }
      if (after) rollups.addPieces(m.project_id, spanPieces(self, after.checked_at, project.check_interval), 1);
      if (d.realignStreak && state.last_checked_at) {
        const moved = realignStreak(state, await res.failureStreakStartExcluding(tx, state.project_id, state.last_checked_at, [...pending]));
        if (moved) {
          patch(state.project_id, moved.patch);
          Object.assign(state, moved.patch);
        }
        if (moved?.moveIncident) await mon.moveIncidentStart(tx, moved.moveIncident.id, moved.moveIncident.started_at);
      }
      continue;
    }
    if (state.last_checked_at) {
      const prev: SpanStart = { at: state.last_checked_at, up: state.last_is_available ?? true, maintenance: state.last_in_maintenance ?? false };
      rollups.addPieces(m.project_id, spanPieces(prev, r.checked_at, project.check_interval), 1);
    }
    let incidentId = state.open_incident_id;
    if (d.closeIncident !== null) {
      await mon.closeIncident(tx, d.closeIncident, r.checked_at);
      await alerts.resolveIncidentAlerts(tx, d.closeIncident, r.checked_at);
    }
    if (d.openIncident) {
      incidentId = await mon.openIncident(tx, project.id, 'outage', d.openIncident.started_at, d.openIncident.first_error);
      d.patch.open_incident_id = incidentId;
      outcome.incidents_opened++;
    }
    if (opts.notify) raised.push(...(await applyDecision(ctx, tx, project, d, incidentId)));
    if (d.endMaintenance && opts.notify) projects.get(m.project_id)!.maintenance_mode = false;
    d.patch.last_in_maintenance = inMaintenance;
    patch(m.project_id, d.patch);
    Object.assign(state, d.patch);
    pushes.push(m);
  }
  // The latest due time recorded per project moves on (the mark the repeat check above reads).
  for (const { m } of accepted) {
    if (m.due_at === null) continue;
    const due = m.due_at.getTime();
    const mark = patches.get(m.project_id)?.last_due_at ?? states.get(m.project_id)!.last_due_at ?? null;
    if (mark === null || due > mark.getTime()) patch(m.project_id, { last_due_at: m.due_at });
  }
  await mon.updateMonitorStates(tx, patches);
  await writeRollups(ctx, tx, rollups);
  return { outcome, raised, pushes };
}

// 2. Raising notifications, inside the result's transaction.

export interface RaisedNotification {
  alertId: number;
  outbox: OutboxRow[];
}

/**
 * Records one notification inside the caller's transaction: in-app alerts (one per user), and an outbox
 * row per channel (email, webhook, WebSocket, and the project's notification channels). Delivery happens
 * after commit, from the outbox.
 */
export async function raiseNotification<K extends AlertKind>(
  ctx: ServiceContext,
  tx: Db,
  project: AlertContextRow,
  kind: K,
  data: NotificationDataInput<K>,
  opts: { incidentId?: number | null; resolved?: boolean; key?: string } = {},
): Promise<RaisedNotification> {
  const publicUrl = ctx.config.PUBLIC_URL ? { publicUrl: ctx.config.PUBLIC_URL } : {};
  const options = { language: project.owner_language, timezone: project.owner_timezone, ...publicUrl };
  const composed = composeNotification(kind, data, options);
  // In-app alerts: each user reads the alert in their own language and time zone (one text per pair).
  const locales = await alerts.recipientLocales(tx, project.owner_id);
  const texts = locales.map((l) => {
    const c = l.language === options.language && l.timezone === options.timezone ? composed : composeNotification(kind, data, { ...l, ...publicUrl });
    return { ...l, title: c.subject, message: inAppMessage(c) };
  });
  const alert = await alerts.insertAlertForAllUsers(tx, {
    project_id: project.id,
    incident_id: opts.incidentId ?? null,
    type: kind,
    severity: composed.severity,
    data: data as Record<string, unknown>,
    is_resolved: opts.resolved ?? false,
  }, texts, project.owner_id);
  const payload = {
    kind,
    data,
    options,
    alert_id: alert.id,
    occurred_at: alert.created_at.toISOString(),
    alert_key: alertKeyOf(project.id, kind, { incidentId: opts.incidentId, key: opts.key }),
  };
  const rows: Parameters<typeof outbox.insertOutbox>[1] = [];
  const email = project.alert_email ?? (project.owner_email_notifications ? project.owner_email : null);
  if (email) {
    // The project's alert address gets the language of the user who has that address, if any; else the owner's.
    const reader = project.alert_email ? await alerts.localeOfEmail(tx, project.alert_email) : undefined;
    const emailPayload = reader ? { ...payload, options: { ...options, ...reader } } : payload;
    rows.push({ alert_id: alert.id, project_id: project.id, channel: 'email', target: email, payload: emailPayload });
  }
  if (project.webhook_url) {
    rows.push({ alert_id: alert.id, project_id: project.id, channel: 'webhook', target: project.webhook_url, payload: { ...payload, secret: project.webhook_secret } });
  }
  rows.push({ alert_id: alert.id, project_id: project.id, channel: 'websocket', target: `${project.id}:${project.owner_id}`, payload });
  // The project's notification channels: the notifier has no database on AWS, so settings travel along.
  for (const ch of await enabledChannelsOfProject(tx, project.id)) {
    const channelOptions = { ...options, language: ch.language ?? options.language, timezone: ch.timezone ?? options.timezone };
    rows.push({
      alert_id: alert.id,
      project_id: project.id,
      channel: ch.type,
      channel_id: ch.id,
      target: `channel:${ch.id}`,
      payload: { ...payload, options: channelOptions, settings: ch.settings },
    });
  }
  const inserted = await outbox.insertOutbox(tx, rows, leaseUntil(ctx.clock.now()));
  return { alertId: alert.id, outbox: inserted };
}

/**
 * Applies what an alert rule decided, inside the result's transaction: ends a maintenance window that
 * ran out and raises each notification (`incidentId` is the project's current incident, if any).
 */
export async function applyDecision(ctx: ServiceContext, tx: Db, project: AlertContextRow, d: Decision, incidentId: number | null = null): Promise<OutboxRow[]> {
  if (d.endMaintenance) await mon.endMaintenance(tx, project.id);
  const out: OutboxRow[] = [];
  for (const n of d.notifications) {
    const raised = await raiseNotification(ctx, tx, project, n.kind, n.data, {
      incidentId: n.incident ? incidentId : null,
      resolved: n.resolved ?? false,
      ...(n.key !== undefined ? { key: n.key } : {}),
    });
    out.push(...raised.outbox);
  }
  return out;
}

// 3. The outbox: handed to the notifications queue after commit, the outcome recorded, retries.

/** How long a delivery handed to the queue may stay unanswered before the sweeper sends it again. */
export const LEASE_SECONDS = 300;

export const leaseUntil = (now: Date) => new Date(now.getTime() + LEASE_SECONDS * 1000);

/** Hands outbox rows to the notifications queue. A failure here is harmless: the sweeper retries. */
export async function dispatchOutbox(ctx: ServiceContext, rows: OutboxRow[], delaySeconds = 0): Promise<void> {
  if (rows.length === 0) return;
  const messages = rows.map((r) => {
    const body: NotifyMessageInput = {
      type: 'deliver',
      outbox_id: r.id,
      channel: r.channel,
      target: r.target,
      payload: r.payload,
      attempt: r.attempts,
    };
    return { body, delaySeconds, id: `outbox-${r.id}-${r.attempts}` };
  });
  try {
    await ctx.queue.send('notifications', messages);
  } catch (err) {
    ctx.log.warn('could not enqueue notifications; the outbox sweeper will retry', {
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

/** Re-sends deliveries that are due for a retry or whose lease ran out. */
export async function sweepOutbox(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock.now();
  const rows = await ctx.sql.begin((tx) => outbox.claimDueOutbox(tx, now, leaseUntil(now), 500));
  await dispatchOutbox(ctx, rows);
  return rows.length;
}

/** Records a delivery outcome reported by the notifier, and schedules the retry of a failure. */
export async function recordDelivery(
  ctx: ServiceContext,
  d: {
    outbox_id: number;
    ok: boolean;
    retryable: boolean;
    status_code: number | null;
    error: string | null;
    /** The receiver's Retry-After: the next attempt waits at least this long. */
    retry_after_seconds?: number | null;
    at: Date;
  },
): Promise<void> {
  const current = await outbox.outboxStatus(ctx.sql, d.outbox_id);
  if (current === undefined || current === 'sent' || current === 'failed') return;
  const updated = await ctx.sql.begin(async (tx) => {
    const prior = await outbox.recordAttempt(tx, d.outbox_id, d);
    if (!prior || d.ok) return prior;
    // A channel test reports its one attempt: it is never retried.
    const giveUp = !d.retryable || isGivingUp(prior.attempts) || prior.payload['test'] === true;
    const delayMs = Math.max(nextAttemptDelay(prior.attempts), (d.retry_after_seconds ?? 0) * 1000);
    const retryAt = new Date(ctx.clock.now().getTime() + delayMs);
    return outbox.markRetry(tx, d.outbox_id, giveUp ? null : retryAt, giveUp);
  });
  if (!updated || d.ok || updated.status === 'failed') return;
  // Short backoffs go straight back on the queue with a delay; longer ones wait for the sweeper.
  const delaySeconds = Math.max(0, (updated.next_attempt_at.getTime() - ctx.clock.now().getTime()) / 1000);
  if (delaySeconds <= 900) {
    const leased = await outbox.leaseForRetry(ctx.sql, d.outbox_id, new Date(updated.next_attempt_at.getTime() + LEASE_SECONDS * 1000));
    if (leased) await dispatchOutbox(ctx, [leased], delaySeconds);
  }
}

// The other results: expiry checks, our own monitoring errors.

/** Records an SSL or domain expiry check and applies the expiry rules. */
export async function recordExpiryResult(ctx: ServiceContext, m: Extract<ResultMessage, { type: 'expiry_result' }>): Promise<void> {
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

// The recording's helpers.

/** In maintenance when the flag is on and its end time, if any, is still ahead (alert-rules alertsAllowed). */
function inMaintenanceAt(p: AlertContextRow, at: Date): boolean {
  return p.maintenance_mode && !(p.maintenance_ends_at !== null && p.maintenance_ends_at <= at);
}

const spanStart = (r: res.NeighbourResult): SpanStart => ({ at: r.checked_at, up: r.is_available, maintenance: r.in_maintenance });

/**
 * Sums what a batch adds to each hourly and daily rollup row, so each table gets one upsert. Results
 * come mostly in time order, so the row of the last one is kept at hand; every figure is summed in
 * the order the results and pieces are given, whatever the batch size.
 */
/**
 * Writes what a batch or an import added to the rollups; a late result or imported history that
 * reached a closed day marks that day's packed chart row changed, in the same transaction.
 */
export async function writeRollups(ctx: ServiceContext, tx: Db, acc: RollupAccumulator): Promise<void> {
  const { hourly, daily } = acc.rows();
  await res.upsertRollups(tx, hourly, daily);
  await res.markChartDaysChanged(tx, closedDaysTouched(hourly, ctx.clock.now()));
}

export class RollupAccumulator {
  private hourly = new Map<string, RollupDelta>();
  private daily = new Map<string, RollupDelta>();
  private lastHourly: RollupDelta | null = null;
  private lastDaily: RollupDelta | null = null;

  private row(map: Map<string, RollupDelta>, projectId: number, bucket: number): RollupDelta {
    const key = `${projectId}|${bucket}`;
    let r = map.get(key);
    if (!r) {
      r = { project_id: projectId, bucket: new Date(bucket), checks: 0, up_checks: 0, rt_sum: 0, rt_n: 0, rt_min: null, rt_max: null,
        covered_seconds: 0, down_seconds: 0, maintenance_seconds: 0, no_data_seconds: 0, downtime_seconds: 0, sketch: {} };
      map.set(key, r);
    }
    return r;
  }

  private hourRow(projectId: number, t: number): RollupDelta {
    const bucket = Math.floor(t / HOUR_MS) * HOUR_MS;
    const last = this.lastHourly;
    if (last !== null && last.project_id === projectId && last.bucket.getTime() === bucket) return last;
    return (this.lastHourly = this.row(this.hourly, projectId, bucket));
  }

  private dayRow(projectId: number, t: number): RollupDelta {
    const bucket = Math.floor(t / DAY_MS) * DAY_MS;
    const last = this.lastDaily;
    if (last !== null && last.project_id === projectId && last.bucket.getTime() === bucket) return last;
    return (this.lastDaily = this.row(this.daily, projectId, bucket));
  }

  addResult(projectId: number, at: Date, up: boolean, responseTime: number | null, legacyDowntime: number): void {
    const t = at.getTime();
    const key = responseTime === null ? '' : String(sketchKey(responseTime));
    for (const r of [this.hourRow(projectId, t), this.dayRow(projectId, t)]) {
      r.checks++;
      if (up) r.up_checks++;
      r.downtime_seconds += legacyDowntime;
      if (responseTime !== null) {
        r.rt_sum += responseTime;
        r.rt_n++;
        r.rt_min = r.rt_min === null ? responseTime : Math.min(r.rt_min, responseTime);
        r.rt_max = r.rt_max === null ? responseTime : Math.max(r.rt_max, responseTime);
        r.sketch[key] = (r.sketch[key] ?? 0) + 1;
      }
    }
  }

  /** Adds (sign 1) or takes back (sign -1) the time of span pieces, split at hour and UTC day boundaries. */
  addPieces(projectId: number, pieces: Piece[], sign: 1 | -1): void {
    for (const p of pieces) {
      for (let daily = 0; daily < 2; daily++) {
        const size = daily ? DAY_MS : HOUR_MS;
        for (let t = p.from; t < p.to; ) {
          const end = Math.min(p.to, Math.floor(t / size) * size + size);
          const r = daily ? this.dayRow(projectId, t) : this.hourRow(projectId, t);
          const s = (sign * (end - t)) / 1000;
          if (p.kind === 'no_data') r.no_data_seconds += s;
          else if (p.kind === 'maintenance') r.maintenance_seconds += s;
          else {
            r.covered_seconds += s;
            if (p.kind === 'down') r.down_seconds += s;
          }
          t = end;
        }
      }
    }
  }

  rows(): { hourly: RollupDelta[]; daily: RollupDelta[] } {
    return { hourly: [...this.hourly.values()], daily: [...this.daily.values()] };
  }
}

/** Live status for the dashboards watching the projects (WebSocket, through the notifier). */
async function pushStatuses(ctx: ServiceContext, pushes: HttpResultMessage[]): Promise<void> {
  const watched = new Map<number, boolean>();
  for (const m of pushes) {
    if (!watched.has(m.project_id)) watched.set(m.project_id, await hasSubscribers(ctx, m.project_id));
    if (!watched.get(m.project_id)) continue;
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
}

async function hasSubscribers(ctx: ServiceContext, projectId: number): Promise<boolean> {
  try {
    return (await ctx.connections.byProject(projectId)).length > 0;
  } catch (err) {
    ctx.log.warn('subscriber lookup failed; status not pushed', { error: err instanceof Error ? err.message : String(err) });
    return false;
  }
}