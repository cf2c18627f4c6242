import * as alerts from '../repositories/alerts.ts';
import type { Db } from '../repositories/db.ts';
import * as mon from '../repositories/monitoring.ts';
import type { AlertContextRow } from '../repositories/monitoring.ts';
import type { OutboxRow } from '../repositories/outbox.ts';
import * as res from '../repositories/results.ts';
import type { RollupDelta } from '../repositories/results.ts';
import { nextHttpState, performanceGrade, realignStreak } from './alert-rules.ts';
import { applyDecision } from './alerting.ts';
import type { NotifyMessageInput, ResultMessage } from './messages.ts';
import { dispatchOutbox } from './outbox.ts';
import { DAY_MS, HOUR_MS, sketchAdd, spanPieces, splitAtBuckets, type Piece, type SpanStart } from './uptime.ts';
import type { ServiceContext } from './context.ts';

// Recording HTTP results in batches (issue 18 point 3): one transaction, one multi-row insert, one
// upsert per rollup table. Per project the results are judged in the order given, by the same pure
// rules as ever (alert-rules.ts nextHttpState, applied by alerting.ts applyDecision), so a batch
// decides exactly what recording its results one by one would.

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

  // Repeats: already recorded, or twice in this batch.
  const seen = new Set<string>();
  if (opts.dedupe === 'due_at') {
    const keys = batch.filter((m) => m.due_at !== null).map((m) => ({ project_id: m.project_id, due_at: m.due_at! }));
    for (const k of await res.recordedDueTimes(tx, keys)) seen.add(k);
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
      const recorded = await res.recordedCheckTimes(tx, id, new Date(min), new Date(max));
      for (const t of recorded) seen.add(`${id}|${t}`);
    }
  }
  const outcome: RecordOutcome = { recorded: 0, ignored: 0, incidents_opened: 0 };
  const accepted: { m: HttpResultMessage; inMaintenance: boolean }[] = [];
  for (const m of batch) {
    const state = states.get(m.project_id);
    const project = projects.get(m.project_id);
    if (!state || !project || !project.is_active) continue;
    const key = opts.dedupe === 'due_at' ? (m.due_at ? `${m.project_id}|${m.due_at.getTime()}` : null) : `${m.project_id}|${m.result.checked_at.getTime()}`;
    if (key !== null && seen.has(key)) {
      outcome.ignored++;
      continue;
    }
    if (key !== null) seen.add(key);
    accepted.push({ m, inMaintenance: opts.notify ? inMaintenanceAt(project, m.result.checked_at) : false });
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
  const ids = await res.insertHttpResults(tx, rowsToInsert);
  outcome.recorded = accepted.length;

  const rollups = new RollupAccumulator();
  const raised: OutboxRow[] = [];
  const pushes: HttpResultMessage[] = [];
  // Rows of the batch not judged yet: reads of recorded history leave them out, as one-by-one would.
  const pending = new Set(ids);
  // State changes are applied in memory and written once per project at the end.
  const patches = new Map<number, Parameters<typeof mon.updateMonitorState>[2]>();
  const patch = (projectId: number, p: Parameters<typeof mon.updateMonitorState>[2]) => patches.set(projectId, { ...patches.get(projectId), ...p });
  for (let i = 0; i < accepted.length; i++) {
    const { m, inMaintenance } = accepted[i]!;
    const id = ids[i]!;
    const state = states.get(m.project_id)!;
    const project = opts.notify ? projects.get(m.project_id)! : { ...projects.get(m.project_id)!, is_alert_enabled: false };
    const r = m.result;
    rollups.addResult(m.project_id, r.checked_at, r.is_available, r.response_time, r.is_available ? 0 : project.check_interval);
    pending.delete(id);
    const d = nextHttpState(state, project, m);
    if (d.stale) {
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
  await mon.updateMonitorStates(tx, patches);
  const { hourly, daily } = rollups.rows();
  await res.upsertRollups(tx, hourly, daily);
  return { outcome, raised, pushes };
}

/** In maintenance when the flag is on and its end time, if any, is still ahead (alert-rules alertsAllowed). */
function inMaintenanceAt(p: AlertContextRow, at: Date): boolean {
  return p.maintenance_mode && !(p.maintenance_ends_at !== null && p.maintenance_ends_at <= at);
}

const spanStart = (r: res.NeighbourResult): SpanStart => ({ at: r.checked_at, up: r.is_available, maintenance: r.in_maintenance });

/** Sums what a batch adds to each hourly and daily rollup row, so each table gets one upsert. */
export class RollupAccumulator {
  private hourly = new Map<string, RollupDelta>();
  private daily = new Map<string, RollupDelta>();

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

  addResult(projectId: number, at: Date, up: boolean, responseTime: number | null, legacyDowntime: number): void {
    const t = at.getTime();
    for (const [map, size] of [[this.hourly, HOUR_MS], [this.daily, DAY_MS]] as const) {
      const r = this.row(map, projectId, Math.floor(t / size) * size);
      r.checks++;
      if (up) r.up_checks++;
      r.downtime_seconds += legacyDowntime;
      if (responseTime !== null) {
        r.rt_sum += responseTime;
        r.rt_n++;
        r.rt_min = r.rt_min === null ? responseTime : Math.min(r.rt_min, responseTime);
        r.rt_max = r.rt_max === null ? responseTime : Math.max(r.rt_max, responseTime);
        sketchAdd(r.sketch, responseTime);
      }
    }
  }

  /** Adds (sign 1) or takes back (sign -1) the time of span pieces, split at hour and UTC day boundaries. */
  addPieces(projectId: number, pieces: Piece[], sign: 1 | -1): void {
    for (const p of pieces) {
      for (const [map, size] of [[this.hourly, HOUR_MS], [this.daily, DAY_MS]] as const) {
        for (const { bucket, ms } of splitAtBuckets(p.from, p.to, size)) {
          const r = this.row(map, projectId, bucket);
          const s = (sign * ms) / 1000;
          if (p.kind === 'no_data') r.no_data_seconds += s;
          else if (p.kind === 'maintenance') r.maintenance_seconds += s;
          else {
            r.covered_seconds += s;
            if (p.kind === 'down') r.down_seconds += s;
          }
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

