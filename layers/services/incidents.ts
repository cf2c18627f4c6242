import { forbidden, notFound } from '../errors.ts';
import { findProject } from '../repositories/projects.ts';
import * as repo from '../repositories/status.ts';
import type { IncidentRow, IncidentUpdateRow, IncidentUpdateStatus } from '../repositories/status.ts';
import type { Actor, ServiceContext } from './context.ts';
import { canModifyProject } from './projects.ts';
import { forget } from './response-cache.ts';
import { statusDetailKey } from './status-keys.ts';

// Incident updates (issue 12): people name an incident, post updates and a postmortem; the
// monitoring alone opens and closes it.

export const incidentUpdateStatuses = ['investigating', 'identified', 'monitoring', 'resolved'] as const satisfies readonly IncidentUpdateStatus[];

const updateView = (u: IncidentUpdateRow) => ({ id: u.id, status: u.status, message: u.message, author_id: u.author_id, created_at: u.created_at });

function incidentView(i: IncidentRow, notes: { title: string | null; postmortem: string | null; updates: IncidentUpdateRow[] } | undefined) {
  return {
    id: i.id,
    project_id: i.project_id,
    kind: i.kind,
    started_at: i.started_at,
    ended_at: i.ended_at,
    duration_seconds: i.duration_seconds,
    first_error: i.first_error,
    title: notes?.title ?? i.title,
    postmortem: notes?.postmortem ?? i.postmortem,
    updated_at: i.updated_at,
    updates: (notes?.updates ?? []).map(updateView),
  };
}

export async function listProjectIncidents(ctx: ServiceContext, projectId: number, page: number, size: number) {
  if (!(await findProject(ctx.sql, projectId))) throw notFound('project');
  const { rows, total } = await repo.listIncidents(ctx.sql, projectId, size, (page - 1) * size);
  const notes = await repo.incidentNotes(ctx.sql, rows.map((r) => r.id));
  return { items: rows.map((r) => incidentView(r, notes.get(r.id))), total, page, size, pages: Math.ceil(total / size) };
}

/** The incident, once the actor is known to be one who may write on it (its project's owner, a manager, an admin). */
async function writableIncident(ctx: ServiceContext, actor: Actor, id: number) {
  const incident = await repo.findIncident(ctx.sql, id);
  if (!incident) throw notFound('incident');
  if (!canModifyProject(actor, incident.owner_id)) throw forbidden('only the project owner, a manager or an admin may write on its incidents');
  return incident;
}

export async function getIncident(ctx: ServiceContext, id: number) {
  const incident = await repo.findIncident(ctx.sql, id);
  if (!incident) throw notFound('incident');
  const notes = await repo.incidentNotes(ctx.sql, [id]);
  const { owner_id: _owner, ...row } = incident;
  return incidentView(row, notes.get(id));
}

export async function addIncidentUpdate(ctx: ServiceContext, actor: Actor, incidentId: number, input: { status: IncidentUpdateStatus; message: string }) {
  const incident = await writableIncident(ctx, actor, incidentId);
  const update = await repo.insertIncidentUpdate(ctx.sql, { incident_id: incidentId, status: input.status, message: input.message, author_id: actor.id });
  // The server's copy of the public page shows it at once; CloudFront's within its max-age.
  await forget(ctx, statusDetailKey(incident.project_id));
  return updateView(update);
}

export async function patchIncident(ctx: ServiceContext, actor: Actor, incidentId: number, patch: { title?: string | null | undefined; postmortem?: string | null | undefined }) {
  const incident = await writableIncident(ctx, actor, incidentId);
  await repo.updateIncidentNotes(ctx.sql, incidentId, patch);
  await forget(ctx, statusDetailKey(incident.project_id));
  return getIncident(ctx, incidentId);
}
