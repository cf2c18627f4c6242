import { notFound } from '../errors.ts';
import * as mon from '../repositories/monitoring.ts';
import { resultMessageSchema } from './messages.ts';
import { httpCheckMessage } from './scheduler.ts';
import { recordHttpResult } from './monitoring.ts';
import type { ServiceContext } from './context.ts';

/** Runs a project's check at once; it is recorded and evaluated exactly like a scheduled one. */
export async function checkNow(ctx: ServiceContext, projectId: number) {
  const t = await mon.loadCheckTarget(ctx.sql, projectId);
  if (!t) throw notFound('project');
  const result = resultMessageSchema.parse(await ctx.prober.probe(httpCheckMessage(t, ctx.clock.now(), t.cycle_count)));
  if (result.type !== 'http_result') throw new Error('check now expected an HTTP result');
  await recordHttpResult(ctx, result);
  return { project_id: projectId, ...result.result, content_hash: result.content_hash, keywords: result.keywords };
}
