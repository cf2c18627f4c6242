import { forbidden, notFound } from '../errors.ts';
import { ownerOfProject } from '../repositories/projects.ts';
import { canModifyProject } from './projects.ts';
import type { Actor, ServiceContext } from './context.ts';

/** Ownership rule of RBAC: 404 for a missing or deleted project, 403 when the actor may not change it. */
export async function assertCanModifyProject(ctx: ServiceContext, actor: Actor, projectId: number): Promise<void> {
  const owner = await ownerOfProject(ctx.sql, projectId);
  if (owner === undefined) throw notFound('project');
  if (!canModifyProject(actor, owner)) throw forbidden('only the owner, a manager or an admin may change this project');
}
