import * as alerts from '../repositories/alerts.ts';
import * as mon from '../repositories/monitoring.ts';
import { dropPartitionsBefore, ensurePartitions } from '../repositories/partitions.ts';
import { deleteCheckResultsBefore } from '../repositories/retention.ts';
import type { CheckMessageInput } from './messages.ts';
import type { ServiceContext } from './context.ts';

const DAY_MS = 86_400_000;

/** SSL and domain expiry sweep: one check per active project, through the check queue. */
export async function enqueueExpirySweep(ctx: ServiceContext): Promise<number> {
  const targets = await mon.activeProjectTargets(ctx.sql);
  const messages: { body: CheckMessageInput; delaySeconds: number }[] = [];
  targets.forEach((t, i) => {
    const spread = Math.min(900, Math.floor(i / 10));
    if (t.url.startsWith('https:')) messages.push({ body: { type: 'check', kind: 'ssl', project_id: t.id, url: t.url }, delaySeconds: spread });
    messages.push({ body: { type: 'check', kind: 'domain', project_id: t.id, url: t.url }, delaySeconds: spread });
  });
  if (messages.length) await ctx.queue.send('checks', messages);
  return messages.length;
}

/**
 * Deletes raw check results older than `days` days: whole day partitions where the day is over,
 * row by row for the rest. Rollups and incidents stay, so reports over the period do not change.
 */
export async function cleanupLogs(ctx: ServiceContext, days: number) {
  const cutoff = new Date(ctx.clock.now().getTime() - days * DAY_MS);
  const dropped = await dropPartitionsBefore(ctx.sql, cutoff);
  const deleted = await deleteCheckResultsBefore(ctx.sql, cutoff);
  return {
    retention_days: days,
    cutoff: cutoff.toISOString(),
    log_rows_deleted: deleted + dropped.reduce((s, p) => s + p.rows, 0),
    partitions_dropped: dropped.map((p) => p.name),
  };
}

/** Deletes in-app alerts older than `days` days: only resolved ones, or all. */
export async function cleanupAlerts(ctx: ServiceContext, days: number, resolvedOnly: boolean) {
  const cutoff = new Date(ctx.clock.now().getTime() - days * DAY_MS);
  const deleted = await alerts.purgeAlerts(ctx.sql, cutoff, resolvedOnly);
  return { retention_days: days, resolved_only: resolvedOnly, cutoff: cutoff.toISOString(), alerts_deleted: deleted };
}

/** Retention (spec 13.1): logs by dropping whole day partitions, resolved alerts by age. */
export async function cleanup(ctx: ServiceContext, opts: { logDays?: number; alertDays?: number; resolvedOnly?: boolean } = {}) {
  const logs = await cleanupLogs(ctx, opts.logDays ?? ctx.config.LOG_RETENTION_DAYS);
  const purged = await cleanupAlerts(ctx, opts.alertDays ?? ctx.config.ALERT_RETENTION_DAYS, opts.resolvedOnly ?? true);
  const created = await ensurePartitions(ctx.sql, ctx.clock.now());
  return { partitions_dropped: logs.partitions_dropped, partitions_created: created, log_rows_deleted: logs.log_rows_deleted, alerts_deleted: purged.alerts_deleted };
}

export async function runDaily(ctx: ServiceContext) {
  const sweep = await enqueueExpirySweep(ctx);
  const retention = await cleanup(ctx);
  return { expiry_checks_enqueued: sweep, ...retention };
}
