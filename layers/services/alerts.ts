import { notFound } from '../errors.ts';
import * as repo from '../repositories/alerts.ts';
import type { AlertFilter, Severity } from '../repositories/alerts.ts';
import { findProject } from '../repositories/projects.ts';
import type { Actor, ServiceContext } from './context.ts';
import { notificationKinds } from './notifications/kinds.ts';

/** What an alert's `type` may be: the kinds the monitoring raises, and a note made by hand. */
export const alertTypes = [...notificationKinds, 'manual'] as const;
export type AlertType = (typeof alertTypes)[number];

export async function listAlerts(ctx: ServiceContext, actor: Actor, f: Omit<AlertFilter, 'user_id'>, page: number, size: number) {
  const { rows, total } = await repo.listAlerts(ctx.sql, { ...f, user_id: actor.id }, size, (page - 1) * size);
  return { items: rows, total, page, size, pages: Math.ceil(total / size) };
}

export async function listProjectAlerts(
  ctx: ServiceContext,
  actor: Actor,
  projectId: number,
  f: Omit<AlertFilter, 'user_id' | 'project_id'>,
  page: number,
  size: number,
) {
  if (!(await findProject(ctx.sql, projectId))) throw notFound('project');
  return listAlerts(ctx, actor, { ...f, project_id: projectId }, page, size);
}

export async function getAlert(ctx: ServiceContext, actor: Actor, id: number) {
  const a = await repo.findAlert(ctx.sql, id, actor.id);
  if (!a) throw notFound('alert');
  return a;
}

export async function updateAlert(ctx: ServiceContext, actor: Actor, id: number, patch: { is_read?: boolean | undefined; is_resolved?: boolean | undefined }) {
  const a = await repo.updateAlert(ctx.sql, id, actor.id, patch);
  if (!a) throw notFound('alert');
  return a;
}

export async function deleteAlert(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  if (!(await repo.deleteAlert(ctx.sql, id, actor.id))) throw notFound('alert');
}

export async function markAllRead(ctx: ServiceContext, actor: Actor) {
  return { updated: await repo.markAllRead(ctx.sql, actor.id) };
}

/** A manual alert (spec 7.4 "create"): an in-app note for the caller, optionally about a project. */
export async function createAlert(
  ctx: ServiceContext,
  actor: Actor,
  input: { project_id?: number | null | undefined; type: AlertType; severity: Severity; title: string; message: string },
) {
  if (input.project_id != null && !(await findProject(ctx.sql, input.project_id))) throw notFound('project');
  const a = await repo.insertAlert(ctx.sql, {
    user_id: actor.id,
    project_id: input.project_id ?? null,
    type: input.type,
    severity: input.severity,
    title: input.title,
    message: input.message,
  });
  return a;
}
