import { notFound } from '../errors.ts';
import * as mon from '../repositories/monitoring.ts';
import type { ResultMessage } from './messages.ts';
import { httpCheckMessage } from './scheduler.ts';
import { runJob, type JobOutcome } from './jobs.ts';
import type { Actor, ServiceContext } from './context.ts';

type HttpResult = Extract<ResultMessage, { type: 'http_result' }>;

/**
 * Runs a project's check at once, through the check queue like a scheduled one, so it is recorded and
 * evaluated exactly alike. Answers with the result within SYNC_WAIT_SECONDS, else with its job
 * (a long timeout times several tries can outlast API Gateway's 29 s).
 */
export async function checkNow(ctx: ServiceContext, actor: Actor, projectId: number): Promise<JobOutcome> {
  const t = await mon.loadCheckTarget(ctx.sql, projectId);
  if (!t) throw notFound('project');
  return runJob(ctx, actor, {
    kind: 'check',
    project_id: projectId,
    runSeconds: t.timeout * t.retry_count,
    send: (jobId) => ctx.queue.send('checks', [{ body: { ...httpCheckMessage(t, ctx.clock.now(), t.cycle_count), job_id: jobId } }]),
  });
}

/** What "check now" answers (and its job's result): the recorded result. */
export function checkNowView(m: HttpResult) {
  return { project_id: m.project_id, ...m.result, content_hash: m.content_hash, keywords: m.keywords };
}
