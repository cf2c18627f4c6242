import { notFound } from '../errors.ts';
import { takesCopyIn } from '../repositories/db.ts';
import * as mon from '../repositories/monitoring.ts';
import * as res from '../repositories/results.ts';
import { packClosedDays } from './read-model.ts';
import { recordInTransaction, RollupAccumulator, writeRollups, type HttpResultMessage } from './recorder.ts';
import { DAY_MS, incidentRuns, spanPieces, type SpanStart } from './uptime.ts';
import type { ServiceContext } from './context.ts';

// History import (issue 19): results from another tool or an export go through the same recording
// path as live ones (rollups, incidents by the project's alert_threshold, the monitor state when
// newer), never notify, and are idempotent on (project, checked_at). All or nothing.

export interface ImportRow {
  checked_at: Date;
  is_available: boolean;
  status_code: number | null;
  response_time: number | null;
  error_message: string | null;
  /** Recorded during maintenance: the time it stands for counts as maintenance (default false). */
  in_maintenance?: boolean;
}

export interface ImportOutcome {
  imported: number;
  skipped: number;
  incidents: number;
}

export const MAX_IMPORT_ROWS = 200_000;

/** The details of every imported result (one object, written as the same JSON on each row). */
const IMPORTED = Object.freeze({ imported: true });

/**
 * Imports a project's past results in one transaction. Rows newer than the project's last result are
 * judged by the alert rules in time order (silently); older ones are merged into the recorded history:
 * their spans split the recorded ones, and their runs of failures become closed incidents.
 */
export async function importResults(ctx: ServiceContext, projectId: number, rows: ImportRow[]): Promise<ImportOutcome> {
  const sorted = inTimeOrder(rows) ? rows : rows.map((r, i) => ({ r, i })).sort((a, b) => a.r.checked_at.getTime() - b.r.checked_at.getTime() || a.i - b.i).map((x) => x.r);
  const outcome = await importInTransaction(ctx, projectId, sorted);
  // The closed days the import changed were marked in its transaction: packed again now (a result's
  // span reaches into the next day, an older row splits the span of the one before it), so the next
  // chart read finds them ready.
  if (outcome.imported > 0) {
    await packClosedDays(ctx, [projectId], sorted[0]!.checked_at.getTime() - DAY_MS, sorted[sorted.length - 1]!.checked_at.getTime() + 2 * DAY_MS);
  }
  return outcome;
}

async function importInTransaction(ctx: ServiceContext, projectId: number, sorted: ImportRow[]): Promise<ImportOutcome> {
  return ctx.sql.begin(async (tx) => {
    const [state] = await res.lockMonitorStates(tx, [projectId]);
    const project = await mon.loadAlertContext(tx, projectId);
    if (!state || !project || !project.is_active) throw notFound('project');
    const outcome: ImportOutcome = { imported: 0, skipped: 0, incidents: 0 };
    if (sorted.length === 0) return outcome;
    const last = state.last_checked_at?.getTime() ?? -Infinity;
    const older = sorted.filter((r) => r.checked_at.getTime() < last);
    const newer = sorted.filter((r) => r.checked_at.getTime() >= last);

    if (older.length > 0) {
      const o = await mergeOlder(ctx, tx, projectId, older, project.check_interval, project.alert_threshold);
      outcome.imported += o.imported;
      outcome.skipped += o.skipped;
      outcome.incidents += o.incidents;
    }
    if (newer.length > 0) {
      const messages: HttpResultMessage[] = newer.map((r) => ({
        type: 'http_result',
        project_id: projectId,
        due_at: null,
        started_at: r.checked_at,
        cycle: null,
        job_id: null,
        result: {
          is_available: r.is_available,
          status_code: r.status_code,
          response_time: r.response_time,
          error_kind: r.is_available ? null : 'imported',
          error_message: r.error_message,
          checked_at: r.checked_at,
          details: IMPORTED,
        },
        content_hash: null,
        keywords: null,
      }));
      const maintenance = newer.map((r) => r.in_maintenance === true);
      const { outcome: n } = await recordInTransaction(ctx, tx, messages, { notify: false, dedupe: 'checked_at', maintenance, copy: takesCopyIn(ctx.sql) });
      outcome.imported += n.recorded;
      outcome.skipped += n.ignored;
      outcome.incidents += n.incidents_opened;
    }
    return outcome;
  });
}

function inTimeOrder(rows: ImportRow[]): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i]!.checked_at.getTime() < rows[i - 1]!.checked_at.getTime()) return false;
  return true;
}

/** Rows older than the project's last result: inserted, their spans merged into the recorded ones, their outages closed incidents. */
async function mergeOlder(ctx: ServiceContext, tx: Parameters<typeof res.insertHttpResults>[0], projectId: number, rows: ImportRow[], interval: number, threshold: number): Promise<ImportOutcome> {
  const first = rows[0]!.checked_at;
  const lastRow = rows[rows.length - 1]!.checked_at;
  const recorded = await res.recordedCheckTimes(tx, projectId, first, lastRow);
  const seen = new Set(recorded);
  const fresh: ImportRow[] = [];
  for (const r of rows) {
    const t = r.checked_at.getTime();
    if (seen.has(t)) continue;
    seen.add(t);
    fresh.push(r);
  }
  const outcome: ImportOutcome = { imported: fresh.length, skipped: rows.length - fresh.length, incidents: 0 };
  if (fresh.length === 0) return outcome;
  // The recorded results around and among the imported ones, before the insert.
  const existing = await res.resultsAround(tx, projectId, first, lastRow);
  await res.insertHttpResults(tx, fresh.map((r) => ({
    project_id: projectId,
    checked_at: r.checked_at,
    is_available: r.is_available,
    status_code: r.status_code,
    response_time: r.response_time,
    error_kind: r.is_available ? null : 'imported',
    error_message: r.error_message,
    details: IMPORTED,
    due_at: null,
    started_at: r.checked_at,
    in_maintenance: r.in_maintenance === true,
  })), { ids: false, copy: takesCopyIn(ctx.sql) });
  const acc = new RollupAccumulator();
  for (const r of fresh) acc.addResult(projectId, r.checked_at, r.is_available, r.response_time, r.is_available ? 0 : interval);
  const before: SpanStart[] = existing.map((e) => ({ at: e.checked_at, up: e.is_available, maintenance: e.in_maintenance }));
  const after = [...before, ...fresh.map((r) => ({ at: r.checked_at, up: r.is_available, maintenance: r.in_maintenance === true }))].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (let i = 0; i + 1 < before.length; i++) acc.addPieces(projectId, spanPieces(before[i]!, before[i + 1]!.at, interval), -1);
  for (let i = 0; i + 1 < after.length; i++) acc.addPieces(projectId, spanPieces(after[i]!, after[i + 1]!.at, interval), 1);
  await writeRollups(ctx, tx, acc);

  // Outages among the imported rows; one still failing at their end lasts until the next recorded result.
  const runs = incidentRuns(fresh.map((r) => ({ at: r.checked_at, up: r.is_available, error: r.error_message })), threshold);
  const closed = [];
  for (const run of runs) {
    const ended = run.ended_at ?? (await res.firstResultAfter(tx, projectId, lastRow));
    if (ended) closed.push({ started_at: run.started_at, ended_at: ended, first_error: run.first_error });
  }
  outcome.incidents = await res.insertClosedIncidents(tx, projectId, closed);
  return outcome;
}
