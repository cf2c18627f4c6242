import { notFound } from '../errors.ts';
import * as mon from '../repositories/monitoring.ts';
import { stateView } from './scheduler.ts';
import type { ServiceContext } from './context.ts';

export async function projectLogs(ctx: ServiceContext, projectId: number, f: { from?: Date | undefined; to?: Date | undefined; page: number; size: number }) {
  const [state] = await mon.listMonitorStates(ctx.sql, projectId);
  if (!state) throw notFound('project');
  const { rows, total } = await mon.listCheckResults(ctx.sql, projectId, { from: f.from, to: f.to, limit: f.size, offset: (f.page - 1) * f.size });
  return { items: rows, total, page: f.page, size: f.size, pages: Math.ceil(total / f.size) };
}

export async function projectStatus(ctx: ServiceContext, projectId: number) {
  const [state] = await mon.listMonitorStates(ctx.sql, projectId);
  if (!state) throw notFound('project');
  return stateView(state);
}
