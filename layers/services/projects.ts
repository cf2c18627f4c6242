import { DomainError, forbidden, invalid, notFound } from '../errors.ts';
import * as channelsRepo from '../repositories/notification-channels.ts';
import * as repo from '../repositories/projects.ts';
import type { ProjectFilter, ProjectRow } from '../repositories/projects.ts';
import { pickFields, projectShape, type MonitoringSettingsInput, type MonitoringSettingsRow, type Project, type ProjectInput } from '../model/project.ts';
import { MASK, maskEmail, maskHeaders, maskUrlPassword, maskWebhookUrl, restoreHeaders, restoreMasked, restoreUrlPassword } from '../model/secrets.ts';
import { resetContentBaseline } from '../repositories/monitoring.ts';
import { validateTargetUrl } from '../checks/ssrf.ts';
import { hasRole, type Actor, type ServiceContext } from './context.ts';

const viewKeys = Object.keys(projectShape.shape) as (keyof Project)[];

/** The public view of a project: the model's fields and only those (a row also holds deleted_at). */
export function projectView(p: ProjectRow): Project {
  return pickFields(p, viewKeys);
}

/** Owners may change their projects; managers and admins may change any. */
export function canModifyProject(actor: Actor, ownerId: number): boolean {
  return hasRole(actor, 'manager') || actor.id === ownerId;
}

/**
 * A project as `actor` may see it: its credentials (header values, a password in the URL) only for
 * those who may change it, masked for everyone else (issue 16.5).
 */
export function projectViewFor(actor: Actor, p: ProjectRow | Project): Project {
  const view = projectView(p as ProjectRow);
  if (canModifyProject(actor, p.owner_id)) return view;
  return { ...view, url: maskUrlPassword(view.url), custom_headers: maskHeaders(view.custom_headers) };
}

/** A mask sent back that matches no stored value would be saved as the secret: refuse it. */
function assertNoStrayMask(field: string, value: string | null, masked: boolean): void {
  if (value !== null && masked) {
    throw invalid(field, 'is a masked value that does not match the stored one; send the full value, or the mask shown to keep it');
  }
}

/** The masked values an editor's form sends back keep the stored secrets. */
function restoreProjectSecrets(patch: Partial<ProjectInput>, stored: Project): Partial<ProjectInput> {
  const out = { ...patch };
  if (out.url !== undefined) {
    out.url = restoreUrlPassword(out.url, stored.url);
    assertNoStrayMask('url', out.url, safePassword(out.url) === MASK);
  }
  if (out.custom_headers !== undefined) {
    out.custom_headers = restoreHeaders(out.custom_headers, stored.custom_headers);
    const stray = Object.entries(out.custom_headers).find(([, v]) => v === MASK);
    if (stray) throw invalid(`custom_headers.${stray[0]}`, 'is a masked value that matches no stored header; send the full value');
  }
  return out;
}

function safePassword(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

function assertTargetAllowed(ctx: ServiceContext, url: string): void {
  const verdict = validateTargetUrl(url, { allowPrivateTargets: ctx.config.ALLOW_PRIVATE_TARGETS });
  if (!verdict.ok) {
    throw new DomainError('VALIDATION', `url: ${verdict.reason}`, { errors: [{ field: 'url', message: verdict.reason }] });
  }
}

const keyTaken = (key: string) =>
  new DomainError('CONFLICT', `key: another project already has the key "${key}"`, { errors: [{ field: 'key', message: 'already used by another project' }] });

/** A key held by another active project is a 409; the unique index settles a race between two writers. */
async function withFreeKey<T>(ctx: ServiceContext, key: string | undefined, projectId: number | undefined, write: () => Promise<T>): Promise<T> {
  if (key !== undefined) {
    const holder = await repo.findProjectIdByKey(ctx.sql, key);
    if (holder !== undefined && holder !== projectId) throw keyTaken(key);
  }
  try {
    return await write();
  } catch (err) {
    if (key !== undefined && repo.isDuplicateKeyError(err)) throw keyTaken(key);
    throw err;
  }
}

export async function createProject(ctx: ServiceContext, actor: Actor, input: ProjectInput): Promise<Project> {
  assertTargetAllowed(ctx, input.url);
  const { status_interval, ...fields } = input;
  const row = await withFreeKey(ctx, fields.key, undefined, () => ctx.sql.begin((tx) => repo.insertProject(tx, actor.id, fields, status_interval)));
  return projectView(row);
}

export async function getProject(ctx: ServiceContext, actor: Actor, id: number): Promise<Project> {
  const row = await repo.findProject(ctx.sql, id);
  if (!row) throw notFound('project');
  return projectViewFor(actor, row);
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
  return { items: rows.map((r) => projectViewFor(actor, r)), total, page, size, pages: Math.ceil(total / size) };
}

export async function updateProject(
  ctx: ServiceContext,
  id: number,
  patch: Partial<ProjectInput>,
): Promise<Project> {
  if (patch.url !== undefined) assertTargetAllowed(ctx, patch.url);
  const row = await withFreeKey(ctx, patch.key, id, () =>
    ctx.sql.begin(async (tx) => {
      const stored = await repo.lockProject(tx, id);
      if (!stored) throw notFound('project');
      const { status_interval, ...fields } = restoreProjectSecrets(patch, stored);
      const saved = await repo.updateProject(tx, id, fields, status_interval);
      // A new selector (or detection turned on) hashes something else: start a new baseline, no alert.
      if (saved && (saved.content_selector !== stored.content_selector || (saved.content_change_detection && !stored.content_change_detection))) {
        await resetContentBaseline(tx, id);
      }
      return saved;
    }),
  );
  if (!row) throw notFound('project');
  return projectView(row);
}

export async function deleteProject(ctx: ServiceContext, id: number): Promise<void> {
  const deleted = await ctx.sql.begin((tx) => repo.softDeleteProject(tx, id));
  if (!deleted) throw notFound('project');
}

/** The soft-deleted projects, newest id first, with when each was deleted (admins only, by the route). */
export async function listDeletedProjects(ctx: ServiceContext, page: number, size: number) {
  const { rows, total } = await repo.listProjects(ctx.sql, { deleted_only: true }, size, (page - 1) * size);
  return {
    items: rows.map((r) => ({ ...projectView(r), deleted_at: r.deleted_at })),
    total,
    page,
    size,
    pages: Math.ceil(total / size),
  };
}

/** Undoes a soft delete. A key another active project took since is a 409 (change that project's key first). */
export async function restoreProject(ctx: ServiceContext, id: number): Promise<Project> {
  const existing = await repo.findProject(ctx.sql, id, true);
  if (!existing) throw notFound('project');
  if (existing.is_active) throw new DomainError('CONFLICT', 'project: not deleted', { errors: [{ field: 'id', message: 'the project is not deleted' }] });
  try {
    const row = await ctx.sql.begin((tx) => repo.restoreProject(tx, id));
    if (!row) throw new DomainError('CONFLICT', 'project: not deleted', { errors: [{ field: 'id', message: 'the project is not deleted' }] });
    return projectView(row);
  } catch (err) {
    if (repo.isDuplicateKeyError(err)) throw keyTaken(existing.key);
    throw err;
  }
}

export async function setMaintenance(
  ctx: ServiceContext,
  id: number,
  m: { maintenance_mode: boolean; maintenance_message?: string | null; maintenance_ends_at?: Date | null },
): Promise<Project> {
  if (m.maintenance_mode && m.maintenance_ends_at && m.maintenance_ends_at.getTime() <= ctx.clock.now().getTime()) {
    throw invalid('maintenance_ends_at', 'must be in the future');
  }
  const row = await repo.setMaintenance(ctx.sql, id, {
    maintenance_mode: m.maintenance_mode,
    maintenance_message: m.maintenance_message ?? null,
    maintenance_ends_at: m.maintenance_ends_at ?? null,
  });
  if (!row) throw notFound('project');
  return projectView(row);
}

/**
 * The webhook signing key is shown only to those who may change the project; the webhook URL and the
 * alert address are masked for everyone else.
 */
export async function getMonitoringSettings(ctx: ServiceContext, actor: Actor, id: number) {
  const row = await repo.getMonitoringSettings(ctx.sql, id);
  const owner = await repo.ownerOfProject(ctx.sql, id);
  if (!row || owner === undefined) throw notFound('project');
  const channel_ids = await channelsRepo.projectChannelIds(ctx.sql, id);
  if (canModifyProject(actor, owner)) return { ...row, channel_ids };
  const { webhook_secret: _hidden, ...rest } = row;
  return { ...maskSettings(rest), channel_ids };
}

function maskSettings<T extends Pick<MonitoringSettingsRow, 'alert_email' | 'webhook_url'>>(s: T): T {
  return {
    ...s,
    alert_email: s.alert_email === null ? null : maskEmail(s.alert_email),
    webhook_url: s.webhook_url === null ? null : maskWebhookUrl(s.webhook_url),
  };
}

export async function putMonitoringSettings(
  ctx: ServiceContext,
  id: number,
  // Omitted, check_interval keeps the project's status_interval and channel_ids the project's channels.
  { channel_ids, ...input }: Omit<MonitoringSettingsInput, 'check_interval' | 'channel_ids'> & { [K in 'check_interval' | 'channel_ids']?: MonitoringSettingsInput[K] | undefined },
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
    const stored = await repo.getMonitoringSettings(tx, id);
    if (stored) {
      input.webhook_url = restoreMasked(input.webhook_url, stored.webhook_url, maskWebhookUrl);
      input.alert_email = restoreMasked(input.alert_email, stored.alert_email, maskEmail);
    }
    assertNoStrayMask('webhook_url', input.webhook_url, input.webhook_url?.endsWith(`/...${MASK}`) ?? false);
    assertNoStrayMask('alert_email', input.alert_email, input.alert_email?.includes(MASK) ?? false);
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
