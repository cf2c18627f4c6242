import { DomainError, forbidden, invalid, notFound } from '../errors.ts';
import * as channelsRepo from '../repositories/notification-channels.ts';
import * as repo from '../repositories/projects.ts';
import type { MonitoringSettings, ProjectFields, ProjectFilter, ProjectRow } from '../repositories/projects.ts';
import { validateTargetUrl } from '../checks/ssrf.ts';
import { hasRole, type Actor, type ServiceContext } from './context.ts';

/** The public view of a project: listed field by field, so a new column is never exposed by accident
 * (and a literal is several times cheaper than a rest copy of a driver row, which matters for lists). */
export function projectView(p: ProjectRow) {
  return {
    id: p.id,
    owner_id: p.owner_id,
    title: p.title,
    url: p.url,
    host_name: p.host_name,
    ip_address: p.ip_address,
    description: p.description,
    status_interval: p.status_interval,
    time_limit: p.time_limit,
    is_public: p.is_public,
    category: p.category,
    tags: p.tags,
    custom_headers: p.custom_headers,
    is_active: p.is_active,
    maintenance_mode: p.maintenance_mode,
    maintenance_message: p.maintenance_message,
    maintenance_ends_at: p.maintenance_ends_at,
    content_change_detection: p.content_change_detection,
    content_selector: p.content_selector,
    keyword_monitoring: p.keyword_monitoring,
    keywords: p.keywords,
    keyword_alert_on_found: p.keyword_alert_on_found,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}
export type ProjectView = ReturnType<typeof projectView>;

/** Owners may change their projects; managers and admins may change any. */
export function canModifyProject(actor: Actor, ownerId: number): boolean {
  return hasRole(actor, 'manager') || actor.id === ownerId;
}

function assertTargetAllowed(ctx: ServiceContext, url: string): void {
  const verdict = validateTargetUrl(url, { allowPrivateTargets: ctx.config.ALLOW_PRIVATE_TARGETS });
  if (!verdict.ok) {
    throw new DomainError('VALIDATION', `url: ${verdict.reason}`, { errors: [{ field: 'url', message: verdict.reason }] });
  }
}

export type ProjectInput = ProjectFields & { status_interval: number };

export async function createProject(ctx: ServiceContext, actor: Actor, input: ProjectInput): Promise<ProjectView> {
  assertTargetAllowed(ctx, input.url);
  const { status_interval, ...fields } = input;
  const row = await ctx.sql.begin((tx) => repo.insertProject(tx, actor.id, fields, status_interval));
  return projectView(row);
}

export async function getProject(ctx: ServiceContext, id: number): Promise<ProjectView> {
  const row = await repo.findProject(ctx.sql, id);
  if (!row) throw notFound('project');
  return projectView(row);
}

export async function listProjects(
  ctx: ServiceContext,
  actor: Actor,
  filter: ProjectFilter,
  page: number,
  size: number,
) {
  if (filter.include_inactive && actor.role !== 'admin') throw forbidden('only an admin may list deleted projects');
  const { rows, total } = await repo.listProjects(ctx.sql, filter, size, (page - 1) * size);
  return { items: rows.map(projectView), total, page, size, pages: Math.ceil(total / size) };
}

export async function updateProject(
  ctx: ServiceContext,
  id: number,
  patch: Partial<ProjectInput>,
): Promise<ProjectView> {
  if (patch.url !== undefined) assertTargetAllowed(ctx, patch.url);
  const { status_interval, ...fields } = patch;
  const row = await ctx.sql.begin(async (tx) => {
    if (!(await repo.lockProject(tx, id))) throw notFound('project');
    return repo.updateProject(tx, id, fields, status_interval);
  });
  if (!row) throw notFound('project');
  return projectView(row);
}

export async function deleteProject(ctx: ServiceContext, id: number): Promise<void> {
  const deleted = await ctx.sql.begin((tx) => repo.softDeleteProject(tx, id));
  if (!deleted) throw notFound('project');
}

export async function setMaintenance(
  ctx: ServiceContext,
  id: number,
  m: { maintenance_mode: boolean; maintenance_message?: string | null; maintenance_ends_at?: Date | null },
): Promise<ProjectView> {
  const row = await repo.setMaintenance(ctx.sql, id, {
    maintenance_mode: m.maintenance_mode,
    maintenance_message: m.maintenance_message ?? null,
    maintenance_ends_at: m.maintenance_ends_at ?? null,
  });
  if (!row) throw notFound('project');
  return projectView(row);
}

/** The webhook signing key is shown only to those who may change the project. */
export async function getMonitoringSettings(ctx: ServiceContext, actor: Actor, id: number) {
  const row = await repo.getMonitoringSettings(ctx.sql, id);
  const owner = await repo.ownerOfProject(ctx.sql, id);
  if (!row || owner === undefined) throw notFound('project');
  const channel_ids = await channelsRepo.projectChannelIds(ctx.sql, id);
  if (canModifyProject(actor, owner)) return { ...row, channel_ids };
  const { webhook_secret: _hidden, ...rest } = row;
  return { ...rest, channel_ids };
}

export async function putMonitoringSettings(
  ctx: ServiceContext,
  id: number,
  { channel_ids, ...input }: Omit<MonitoringSettings, 'check_interval'> & { check_interval?: number | undefined; channel_ids?: number[] | undefined },
) {
  if (input.webhook_url) {
    const verdict = validateTargetUrl(input.webhook_url, { allowPrivateTargets: ctx.config.ALLOW_PRIVATE_TARGETS });
    if (!verdict.ok) {
      throw new DomainError('VALIDATION', `webhook_url: ${verdict.reason}`, {
        errors: [{ field: 'webhook_url', message: verdict.reason }],
      });
    }
  }
  const row = await ctx.sql.begin(async (tx) => {
    const project = await repo.lockProject(tx, id);
    if (!project) throw notFound('project');
    if (channel_ids) {
      const known = new Set(await channelsRepo.existingChannelIds(tx, channel_ids));
      const unknown = channel_ids.find((c) => !known.has(c));
      if (unknown !== undefined) throw invalid('channel_ids', `no notification channel ${unknown}`);
      await channelsRepo.setProjectChannels(tx, id, channel_ids);
    }
    const saved = await repo.putMonitoringSettings(tx, id, { ...input, check_interval: input.check_interval ?? project.status_interval });
    return saved && { ...saved, channel_ids: await channelsRepo.projectChannelIds(tx, id) };
  });
  if (!row) throw notFound('project');
  return row;
}
