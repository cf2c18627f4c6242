import { notFound } from '../errors.ts';
import * as mon from '../repositories/monitoring.ts';
import { resultMessageSchema, type CheckMessageInput } from './messages.ts';
import { recordResult } from './monitoring.ts';
import type { ServiceContext } from './context.ts';

/** Runs a project's check at once; it is recorded and evaluated exactly like a scheduled one. */
export async function checkNow(ctx: ServiceContext, projectId: number) {
  const t = await mon.loadCheckTarget(ctx.sql, projectId);
  if (!t) throw notFound('project');
  const now = ctx.clock.now();
  const message: CheckMessageInput = {
    type: 'check',
    kind: 'http',
    project_id: projectId,
    due_at: now.toISOString(),
    cycle: t.cycle_count,
    target: {
      url: t.url,
      custom_headers: t.custom_headers,
      time_limit: t.time_limit,
      timeout: t.timeout,
      retry_count: t.retry_count,
      content_change_detection: t.content_change_detection,
      content_selector: t.content_selector,
      keyword_monitoring: t.keyword_monitoring,
      keywords: t.keywords,
      keyword_alert_on_found: t.keyword_alert_on_found,
    },
  };
  const result = resultMessageSchema.parse(await ctx.prober.probe(message));
  await recordResult(ctx, result);
  if (result.type !== 'http_result') throw new Error('check now expected an HTTP result');
  return { project_id: projectId, ...result.result, content_hash: result.content_hash, keywords: result.keywords };
}
