import * as alerts from '../repositories/alerts.ts';
import * as mon from '../repositories/monitoring.ts';
import { dropPartitionsBefore, ensurePartitions } from '../repositories/partitions.ts';
import { deleteBrowserChecksBefore, deleteCheckResultsBefore, deleteScreenshotsBefore, deleteSyntheticRunsBefore } from '../repositories/retention.ts';
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
 * Retention (spec 13.1): logs by dropping whole day partitions, resolved alerts by age; browser checks,
 * journey runs and screenshots (but each project's latest) like the logs (issue 16.10).
 */
export async function cleanup(ctx: ServiceContext, opts: { logDays?: number; alertDays?: number; resolvedOnly?: boolean } = {}) {
  const now = ctx.clock.now();
  const logDays = opts.logDays ?? ctx.config.LOG_RETENTION_DAYS;
  const alertDays = opts.alertDays ?? ctx.config.ALERT_RETENTION_DAYS;
  const logCutoff = new Date(now.getTime() - logDays * DAY_MS);
  const dropped = await dropPartitionsBefore(ctx.sql, logCutoff);
  const deleted = await deleteCheckResultsBefore(ctx.sql, logCutoff);
  const alertsDeleted = await alerts.purgeAlerts(ctx.sql, new Date(now.getTime() - alertDays * DAY_MS), opts.resolvedOnly ?? true);
  const browserChecks = await deleteBrowserChecksBefore(ctx.sql, logCutoff);
  const runs = await deleteSyntheticRunsBefore(ctx.sql, logCutoff);
  const screenshots = await deleteScreenshotsBefore(ctx.sql, logCutoff);
  // On AWS the bucket's lifecycle rule expires screenshots (lib/data.ts) and the daily function has no
  // blob store; locally the files go with their rows.
  if (ctx.config.MODE === 'local') await ctx.blobs.delete?.([...runs.keys, ...screenshots.keys]);
  const created = await ensurePartitions(ctx.sql, now);
  return {
    partitions_dropped: dropped,
    partitions_created: created,
    log_rows_deleted: deleted,
    alerts_deleted: alertsDeleted,
    browser_checks_deleted: browserChecks,
    journey_runs_deleted: runs.rows,
    screenshots_deleted: screenshots.rows,
  };
}

export async function runDaily(ctx: ServiceContext) {
  const sweep = await enqueueExpirySweep(ctx);
  const retention = await cleanup(ctx);
  return { expiry_checks_enqueued: sweep, ...retention };
}
