import { createHash } from 'node:crypto';
import { validateTargetUrl } from '../checks/ssrf.ts';
import { DomainError, type FieldError } from '../errors.ts';
import { projectWritableKeys, type MonitoringSettings, type ProjectInput } from '../model/project.ts';
import * as browserRepo from '../repositories/browser.ts';
import type { TxSql } from '../repositories/db.ts';
import * as fileRepo from '../repositories/monitors-file.ts';
import type { ConfigRefRow, FileProjectRow, RefObjectType } from '../repositories/monitors-file.ts';
import * as channelsRepo from '../repositories/notification-channels.ts';
import type { ChannelRow } from '../repositories/notification-channels.ts';
import * as projectsRepo from '../repositories/projects.ts';
import { findUserByEmail } from '../repositories/users.ts';
import type { SyntheticInput } from './browser.ts';
import type { Actor, ServiceContext } from './context.ts';
import { checkSettings, type ChannelInput } from './notification-channels.ts';
import { channels as providers } from './notifications/channels/index.ts';

// Monitors as code (issue 15): a declarative document of projects (by key), their monitoring
// settings, channels (by name), journeys (by name within the project) and maintenance, reconciled
// against the installation in one transaction; and the same document exported back. The document
// arrives parsed and validated (the API's schemas, endpoints/monitors-file.ts); this decides the
// rest (references, addresses, provider settings) and plans, then applies, every change at once.
// Importers from other tools (Uptime Kuma) build a document and call applyDocument without prune.

export type FileChannel = ChannelInput;
export type FileJourney = SyntheticInput;
/** Monitoring settings in a file: check_interval is the project's status_interval; channels by name. */
export type FileMonitoring = Omit<MonitoringSettings, 'check_interval'> & { channels: string[] };
/** Present: the project is in maintenance (until ends_at, when set). */
export interface FileMaintenance {
  message: string | null;
  ends_at: Date | null;
}
export type FileProject = Omit<ProjectInput, 'key'> & {
  key: string;
  monitoring: FileMonitoring;
  maintenance: FileMaintenance | null;
  journeys: FileJourney[];
};
export interface MonitorsDocument {
  version: 1;
  channels: FileChannel[];
  projects: FileProject[];
}

/** A value the file wrote with `${env:NAME}` in it: where in the document, and as written. */
export interface ValueRef {
  path: (string | number)[];
  template: string;
}

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface PlannedChange {
  kind: 'channel' | 'project' | 'journey';
  action: 'create' | 'update' | 'delete';
  /** The channel's name, the project's key, or the journey's name (with `project` its project's key). */
  name: string;
  project?: string;
  fields: FieldChange[];
}

export interface ApplyResult {
  applied: boolean;
  changes: PlannedChange[];
  summary: { create: number; update: number; delete: number };
}

export interface ApplyOptions {
  /** Remove (projects: soft delete) what the file does not list. */
  prune?: boolean;
  /** Plan only. */
  dryRun?: boolean;
  refs?: ValueRef[];
}

/** Project fields a file writes besides the key (status_interval lives in monitoring_settings). */
const projectFileKeys = projectWritableKeys.filter((k) => k !== 'key');
const monitoringKeys = [
  'timeout',
  'retry_count',
  'alert_threshold',
  'is_alert_enabled',
  'alert_email',
  'webhook_url',
  'ssl_warning_days',
  'domain_warning_days',
  'deep_check_cadence',
  'accepted_status_codes',
] as const satisfies readonly (keyof FileMonitoring)[];
// Every monitoring setting is in the file: a setting added to model/project.ts and not here fails to compile.
const everyMonitoringKey: Exclude<keyof Omit<FileMonitoring, 'channels'>, (typeof monitoringKeys)[number]> extends never ? true : never = true;
void everyMonitoringKey;
const channelKeys = ['type', 'language', 'timezone', 'is_enabled'] as const;
const HIDDEN = '(hidden)';

// ---- values ----

/** JSON with sorted keys and dates as ISO strings: equal values, equal text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}
const same = (a: unknown, b: unknown) => canonical(a ?? null) === canonical(b ?? null);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const pathKey = (path: (string | number)[]) => JSON.stringify(path);

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

function setAt(root: unknown, path: readonly (string | number)[], value: unknown): void {
  const parent = valueAt(root, path.slice(0, -1));
  if (parent && typeof parent === 'object') (parent as Record<string | number, unknown>)[path[path.length - 1]!] = value;
}

/** A field's path as the API names fields: `projects.3.monitoring.timeout`. */
const fieldName = (path: readonly (string | number)[]) => path.map(String).join('.');

// ---- references ----

type ObjectRefs = Map<string, { path: (string | number)[]; template: string; value_sha256: string }>;

/** The file's references, grouped by the object they belong to, with the hash of the value applied. */
function refsByObject(doc: MonitorsDocument, refs: ValueRef[]) {
  const channels = new Map<number, ObjectRefs>();
  const projects = new Map<number, ObjectRefs>();
  const journeys = new Map<string, ObjectRefs>();
  const add = (map: Map<number, ObjectRefs> | Map<string, ObjectRefs>, id: number | string, path: (string | number)[], ref: ValueRef) => {
    const value = valueAt(doc, ref.path);
    // Only a string is stored as written; a reference that became a list (tags) is not kept.
    if (typeof value !== 'string') return;
    const m = (map as Map<number | string, ObjectRefs>).get(id) ?? new Map();
    m.set(pathKey(path), { path, template: ref.template, value_sha256: sha256(value) });
    (map as Map<number | string, ObjectRefs>).set(id, m);
  };
  for (const ref of refs) {
    const [top, i, ...rest] = ref.path;
    if (typeof i !== 'number') continue;
    if (top === 'channels') add(channels, i, rest, ref);
    else if (top === 'projects' && rest[0] === 'journeys' && typeof rest[1] === 'number') add(journeys, `${i}/${rest[1]}`, rest.slice(2), ref);
    else if (top === 'projects') add(projects, i, rest, ref);
  }
  return { channels, projects, journeys };
}

function storedRefs(rows: ConfigRefRow[]) {
  const out = new Map<string, ObjectRefs>();
  for (const r of rows) {
    const k = `${r.object_type}:${r.object_id}`;
    const m = out.get(k) ?? new Map();
    m.set(r.path, { path: JSON.parse(r.path) as (string | number)[], template: r.template, value_sha256: r.value_sha256 });
    out.set(k, m);
  }
  return out;
}

/** The reference changes of one object, as plan fields (the values themselves are never shown). */
function refChanges(desired: ObjectRefs | undefined, stored: ObjectRefs | undefined, valueChanged: Set<string>): FieldChange[] {
  const out: FieldChange[] = [];
  const keys = new Set([...(desired?.keys() ?? []), ...(stored?.keys() ?? [])]);
  for (const k of keys) {
    const d = desired?.get(k);
    const s = stored?.get(k);
    const field = fieldName(JSON.parse(k) as (string | number)[]);
    if ([...valueChanged].some((f) => field === f || field.startsWith(`${f}.`))) continue;
    if (d?.template !== s?.template || d?.value_sha256 !== s?.value_sha256) out.push({ field, from: s?.template ?? HIDDEN, to: d?.template ?? HIDDEN });
  }
  return out;
}

// ---- validation that needs more than the schema ----

function duplicates<T>(items: T[], keyOf: (t: T) => string, path: (i: number) => string, what: string): FieldError[] {
  const seen = new Map<string, number>();
  const errors: FieldError[] = [];
  items.forEach((item, i) => {
    const k = keyOf(item);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else errors.push({ field: path(i), message: `${what} "${k}" is also at index ${first}` });
  });
  return errors;
}

function addressError(ctx: ServiceContext, url: string, field: string): FieldError | undefined {
  const verdict = validateTargetUrl(url, { allowPrivateTargets: ctx.config.ALLOW_PRIVATE_TARGETS });
  return verdict.ok ? undefined : { field, message: verdict.reason };
}

interface State {
  channels: ChannelRow[];
  projects: FileProjectRow[];
  journeys: browserRepo.SyntheticTestRow[];
  refs: Map<string, ObjectRefs>;
}

async function loadState(tx: TxSql): Promise<State> {
  return {
    channels: await fileRepo.allChannels(tx),
    projects: await fileRepo.activeProjectsWithSettings(tx),
    journeys: await fileRepo.journeysOfActiveProjects(tx),
    refs: storedRefs(await fileRepo.allConfigRefs(tx)),
  };
}

function uniqueBy<T>(rows: T[], keyOf: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) m.set(keyOf(r), [...(m.get(keyOf(r)) ?? []), r]);
  return m;
}

// ---- planning ----

type Step = (tx: TxSql, ids: { channels: Map<string, number> }) => Promise<void>;

interface Plan {
  changes: PlannedChange[];
  steps: Step[];
}

/** The secret settings of a provider (shown hidden in a plan, exported as references). */
const secretsOf = (type: string): readonly string[] => (Object.hasOwn(providers, type) ? providers[type as keyof typeof providers].secrets : []);

function channelFieldChanges(current: ChannelRow, desired: FileChannel & { settings: Record<string, unknown> }, refs: ObjectRefs | undefined): FieldChange[] {
  const out: FieldChange[] = [];
  if (current.name !== desired.name) out.push({ field: 'name', from: current.name, to: desired.name });
  for (const k of channelKeys) if (!same(current[k], desired[k])) out.push({ field: k, from: current[k], to: desired[k] });
  const secrets = new Set([...secretsOf(current.type), ...secretsOf(desired.type)]);
  for (const k of new Set([...Object.keys(current.settings), ...Object.keys(desired.settings)])) {
    const from = current.settings[k];
    const to = desired.settings[k];
    if (same(from, to)) continue;
    const template = refs?.get(pathKey(['settings', k]))?.template;
    const hidden = secrets.has(k);
    out.push({ field: `settings.${k}`, from: hidden ? HIDDEN : from, to: template ?? (hidden ? HIDDEN : to) });
  }
  return out;
}

function projectFieldChanges(current: FileProjectRow, desired: FileProject, channelName: (id: number) => string, refs: ObjectRefs | undefined, now: Date): FieldChange[] {
  const out: FieldChange[] = [];
  const shown = (path: (string | number)[], value: unknown, hidden: boolean) => refs?.get(pathKey(path))?.template ?? (hidden ? HIDDEN : value);
  for (const k of projectFileKeys) {
    if (k === 'custom_headers') continue;
    if (!same(current[k], desired[k])) out.push({ field: k, from: current[k], to: shown([k], desired[k], false) });
  }
  // Header values often hold credentials: a plan names the header, never its value.
  for (const h of new Set([...Object.keys(current.custom_headers), ...Object.keys(desired.custom_headers)])) {
    if (current.custom_headers[h] !== desired.custom_headers[h]) {
      out.push({ field: `custom_headers.${h}`, from: h in current.custom_headers ? HIDDEN : null, to: h in desired.custom_headers ? shown(['custom_headers', h], null, true) : null });
    }
  }
  for (const k of monitoringKeys) {
    if (!same(current.settings[k], desired.monitoring[k])) out.push({ field: `monitoring.${k}`, from: current.settings[k], to: shown(['monitoring', k], desired.monitoring[k], false) });
  }
  const fromChannels = current.channel_ids.map(channelName).sort();
  const toChannels = [...desired.monitoring.channels].sort();
  if (!same(fromChannels, toChannels)) out.push({ field: 'monitoring.channels', from: fromChannels, to: toChannels });
  const fromMaintenance = current.maintenance_mode ? { message: current.maintenance_message, ends_at: current.maintenance_ends_at } : null;
  const toMaintenance = effectiveMaintenance(desired.maintenance, now);
  if (!same(fromMaintenance, toMaintenance)) out.push({ field: 'maintenance', from: fromMaintenance, to: toMaintenance });
  return out;
}

/** A maintenance whose end has passed is over: the file's old window does not start it again. */
function effectiveMaintenance(m: FileMaintenance | null, now: Date): FileMaintenance | null {
  return m && (m.ends_at === null || m.ends_at > now) ? m : null;
}

function journeyFieldChanges(current: browserRepo.SyntheticTestRow, desired: FileJourney): FieldChange[] {
  const out: FieldChange[] = [];
  // Steps may type passwords: a plan says they changed, not how.
  if (!same(current.steps, desired.steps)) out.push({ field: 'steps', from: HIDDEN, to: HIDDEN });
  if (!same(current.settings, desired.settings)) out.push({ field: 'settings', from: current.settings, to: desired.settings });
  if (current.is_active !== desired.is_active) out.push({ field: 'is_active', from: current.is_active, to: desired.is_active });
  return out;
}

const toRefRows = (refs: ObjectRefs | undefined) => [...(refs?.values() ?? [])].map((r) => ({ path: pathKey(r.path), template: r.template, value_sha256: r.value_sha256 }));

function planDocument(ctx: ServiceContext, actorId: number, doc: MonitorsDocument, state: State, opts: ApplyOptions): Plan {
  const now = ctx.clock.now();
  const errors: FieldError[] = [
    ...duplicates(doc.channels, (c) => c.name, (i) => `channels.${i}.name`, 'channel'),
    ...duplicates(doc.projects, (p) => p.key, (i) => `projects.${i}.key`, 'key'),
    ...doc.projects.flatMap((p, i) => duplicates(p.journeys, (j) => j.name, (k) => `projects.${i}.journeys.${k}.name`, 'journey')),
  ];
  const fileRefs = refsByObject(doc, opts.refs ?? []);
  const channelsByName = uniqueBy(state.channels, (c) => c.name);
  const projectsByKey = new Map(state.projects.map((p) => [p.key, p]));
  const journeysByProject = uniqueBy(state.journeys, (j) => String(j.project_id));
  const channelNameById = new Map(state.channels.map((c) => [c.id, c.name]));
  const changes: PlannedChange[] = [];
  const steps: Step[] = [];

  // Channels by name; their settings are checked (and normalised) by the provider, as the API does.
  const fileChannelNames = new Set(doc.channels.map((c) => c.name));
  const desiredChannels = doc.channels.map((c, i) => {
    let settings = c.settings;
    try {
      settings = checkSettings(ctx, c.type, c.settings);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      errors.push(...err.errors.map((e) => ({ field: `channels.${i}.${e.field}`, message: e.message })));
    }
    return { ...c, settings };
  });
  desiredChannels.forEach((c, i) => {
    const existing = channelsByName.get(c.name) ?? [];
    if (existing.length > 1) {
      errors.push({ field: `channels.${i}.name`, message: `${existing.length} notification channels of the installation are named "${c.name}" (ids ${existing.map((e) => e.id).join(', ')}); rename all but one` });
      return;
    }
    const refs = fileRefs.channels.get(i);
    const current = existing[0];
    if (!current) {
      changes.push({ kind: 'channel', action: 'create', name: c.name, fields: [{ field: 'type', from: null, to: c.type }] });
      steps.push(async (tx, ids) => {
        const row = await channelsRepo.insertChannel(tx, c, actorId);
        ids.channels.set(c.name, row.id);
        await fileRepo.replaceConfigRefs(tx, 'channel', row.id, toRefRows(refs));
      });
      return;
    }
    const fields = channelFieldChanges(current, c, refs);
    const stored = state.refs.get(`channel:${current.id}`);
    fields.push(...refChanges(refs, stored, new Set(fields.map((f) => f.field))));
    if (fields.length === 0) return;
    changes.push({ kind: 'channel', action: 'update', name: c.name, fields });
    steps.push(async (tx) => {
      await channelsRepo.updateChannel(tx, current.id, c);
      await fileRepo.replaceConfigRefs(tx, 'channel', current.id, toRefRows(refs));
    });
  });

  // Projects by key.
  const channelIdOf = (name: string, ids: Map<string, number>) => ids.get(name) ?? channelsByName.get(name)?.[0]?.id;
  doc.projects.forEach((p, i) => {
    p.monitoring.channels.forEach((name, k) => {
      const field = `projects.${i}.monitoring.channels.${k}`;
      const known = channelsByName.get(name) ?? [];
      if (fileChannelNames.has(name)) return;
      if (known.length === 0) errors.push({ field, message: `no notification channel "${name}" in the file or the installation` });
      else if (known.length > 1) errors.push({ field, message: `${known.length} notification channels are named "${name}"` });
      else if (opts.prune) errors.push({ field, message: `notification channel "${name}" is not in the file, so --prune would delete it` });
    });
    const current = projectsByKey.get(p.key);
    if (!current || current.url !== p.url) {
      const e = addressError(ctx, p.url, `projects.${i}.url`);
      if (e) errors.push(e);
    }
    if (p.monitoring.webhook_url && p.monitoring.webhook_url !== current?.settings.webhook_url) {
      const e = addressError(ctx, p.monitoring.webhook_url, `projects.${i}.monitoring.webhook_url`);
      if (e) errors.push(e);
    }
    const refs = fileRefs.projects.get(i);
    const { key, monitoring, maintenance, journeys, status_interval, ...fields } = p;
    const { channels: channelNames, ...settings } = monitoring;
    const putSettings = (tx: TxSql, id: number) => projectsRepo.putMonitoringSettings(tx, id, { ...settings, check_interval: status_interval });
    const setChannels = (tx: TxSql, id: number, ids: { channels: Map<string, number> }) =>
      channelsRepo.setProjectChannels(tx, id, [...new Set(channelNames.map((n) => channelIdOf(n, ids.channels)!))].sort((a, b) => a - b));
    const setMaintenance = (tx: TxSql, id: number) => {
      const m = effectiveMaintenance(maintenance, now);
      return projectsRepo.setMaintenance(tx, id, { maintenance_mode: m !== null, maintenance_message: m?.message ?? null, maintenance_ends_at: m?.ends_at ?? null });
    };
    const journeySteps = planJourneys(p, i, current, journeysByProject, fileRefs.journeys, state.refs, changes, errors, opts.prune ?? false);
    if (!current) {
      const created = [
        { field: 'title', from: null, to: p.title },
        { field: 'url', from: null, to: p.url },
      ];
      changes.push({ kind: 'project', action: 'create', name: key, fields: created });
      steps.push(async (tx, ids) => {
        const row = await projectsRepo.insertProject(tx, actorId, { ...fields, key }, status_interval);
        await putSettings(tx, row.id);
        await setChannels(tx, row.id, ids);
        if (effectiveMaintenance(maintenance, now)) await setMaintenance(tx, row.id);
        await fileRepo.replaceConfigRefs(tx, 'project', row.id, toRefRows(refs));
        for (const step of journeySteps) await step(tx, row.id);
      });
      return;
    }
    const changed = projectFieldChanges(current, p, (id) => channelNameById.get(id) ?? `#${id}`, refs, now);
    const fieldsChanged = changed.some((f) => (projectFileKeys as string[]).includes(f.field.split('.')[0]!));
    const settingsChanged = changed.some((f) => f.field.startsWith('monitoring.') && f.field !== 'monitoring.channels') || current.status_interval !== status_interval;
    const channelsChanged = changed.some((f) => f.field === 'monitoring.channels');
    const maintenanceChanged = changed.some((f) => f.field === 'maintenance');
    changed.push(...refChanges(refs, state.refs.get(`project:${current.id}`), new Set(changed.map((f) => f.field))));
    if (changed.length > 0) changes.push({ kind: 'project', action: 'update', name: key, fields: changed });
    if (changed.length === 0 && journeySteps.length === 0) return;
    steps.push(async (tx, ids) => {
      if (fieldsChanged) await projectsRepo.updateProject(tx, current.id, fields, status_interval);
      if (settingsChanged) await putSettings(tx, current.id);
      if (channelsChanged) await setChannels(tx, current.id, ids);
      if (maintenanceChanged) await setMaintenance(tx, current.id);
      if (changed.length > 0) await fileRepo.replaceConfigRefs(tx, 'project', current.id, toRefRows(refs));
      for (const step of journeySteps) await step(tx, current.id);
    });
  });

  if (opts.prune) {
    const keys = new Set(doc.projects.map((p) => p.key));
    for (const p of state.projects) {
      if (keys.has(p.key)) continue;
      changes.push({ kind: 'project', action: 'delete', name: p.key, fields: [] });
      steps.push(async (tx) => {
        await projectsRepo.softDeleteProject(tx, p.id);
        await fileRepo.replaceConfigRefs(tx, 'project', p.id, []);
      });
    }
    for (const c of state.channels) {
      if (fileChannelNames.has(c.name)) continue;
      changes.push({ kind: 'channel', action: 'delete', name: c.name, fields: [] });
      steps.push(async (tx) => {
        await channelsRepo.deleteChannel(tx, c.id);
        await fileRepo.replaceConfigRefs(tx, 'channel', c.id, []);
      });
    }
  }
  if (errors.length > 0) throw validationError(errors);
  return { changes, steps };
}

type JourneyStep = (tx: TxSql, projectId: number) => Promise<void>;

function planJourneys(
  p: FileProject,
  i: number,
  current: FileProjectRow | undefined,
  journeysByProject: Map<string, browserRepo.SyntheticTestRow[]>,
  fileRefs: Map<string, ObjectRefs>,
  stored: Map<string, ObjectRefs>,
  changes: PlannedChange[],
  errors: FieldError[],
  prune: boolean,
): JourneyStep[] {
  const existing = current ? (journeysByProject.get(String(current.id)) ?? []) : [];
  const byName = uniqueBy(existing, (j) => j.name);
  const steps: JourneyStep[] = [];
  p.journeys.forEach((j, k) => {
    const refs = fileRefs.get(`${i}/${k}`);
    const found = byName.get(j.name) ?? [];
    if (found.length > 1) {
      errors.push({ field: `projects.${i}.journeys.${k}.name`, message: `${found.length} journeys of project "${p.key}" are named "${j.name}"; rename all but one` });
      return;
    }
    const row = found[0];
    if (!row) {
      changes.push({ kind: 'journey', action: 'create', name: j.name, project: p.key, fields: [] });
      steps.push(async (tx, projectId) => {
        const created = await browserRepo.insertSyntheticTest(tx, { project_id: projectId, ...j });
        await fileRepo.replaceConfigRefs(tx, 'journey', created.id, toRefRows(refs));
      });
      return;
    }
    const fields = journeyFieldChanges(row, j);
    fields.push(...refChanges(refs, stored.get(`journey:${row.id}`), new Set(fields.map((f) => f.field))));
    if (fields.length === 0) return;
    changes.push({ kind: 'journey', action: 'update', name: j.name, project: p.key, fields });
    steps.push(async (tx, projectId) => {
      await browserRepo.updateSyntheticTest(tx, row.id, projectId, j);
      await fileRepo.replaceConfigRefs(tx, 'journey', row.id, toRefRows(refs));
    });
  });
  if (prune) {
    const names = new Set(p.journeys.map((j) => j.name));
    for (const row of existing) {
      if (names.has(row.name)) continue;
      changes.push({ kind: 'journey', action: 'delete', name: row.name, project: p.key, fields: [] });
      steps.push(async (tx, projectId) => {
        await browserRepo.deleteSyntheticTest(tx, row.id, projectId);
        await fileRepo.replaceConfigRefs(tx, 'journey', row.id, []);
      });
    }
  }
  return steps;
}

function validationError(errors: FieldError[]): DomainError {
  const first = errors[0]!;
  return new DomainError('VALIDATION', `${first.field}: ${first.message}`, { errors });
}

function summarize(changes: PlannedChange[]): ApplyResult['summary'] {
  const count = (a: PlannedChange['action']) => changes.filter((c) => c.action === a).length;
  return { create: count('create'), update: count('update'), delete: count('delete') };
}

/**
 * Reconciles the installation with a document in one transaction: every change or none. New
 * projects belong to `owner` (the caller through the API; the CLI's `--as` user).
 */
export async function applyDocument(ctx: ServiceContext, actor: Actor, doc: MonitorsDocument, opts: ApplyOptions = {}): Promise<ApplyResult> {
  return ctx.sql.begin(async (tx) => {
    await fileRepo.lockMonitorsFile(tx);
    const plan = planDocument(ctx, actor.id, doc, await loadState(tx), opts);
    if (!opts.dryRun) {
      const ids = { channels: new Map<string, number>() };
      for (const step of plan.steps) await step(tx, ids);
    }
    return { applied: !opts.dryRun, changes: plan.changes, summary: summarize(plan.changes) };
  });
}

// ---- export ----

export interface ExportOptions {
  /**
   * `refs` (the default, and always through the API): channel secrets are written as `${env:NAME}`,
   * the name the applied file used or one made from the channel's name; `values`: as stored (the CLI,
   * which runs as the installation, may).
   */
  secrets?: 'refs' | 'values';
}

export interface ExportResult {
  document: MonitorsDocument;
  /** The environment variables the document refers to, and where. */
  variables: { name: string; field: string }[];
}

const envName = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');

/** Puts back the references an applied file used where the stored value is still the one applied. */
function restoreRefs(object: object, refs: ObjectRefs | undefined): void {
  for (const r of refs?.values() ?? []) {
    const v = valueAt(object, r.path);
    if (typeof v === 'string' && sha256(v) === r.value_sha256) setAt(object, r.path, r.template);
  }
}

/** The installation as a document: projects by key, channels and journeys by name. */
export async function exportDocument(ctx: ServiceContext, opts: ExportOptions = {}): Promise<ExportResult> {
  const mode = opts.secrets ?? 'refs';
  const state = await ctx.sql.begin(async (tx) => loadState(tx));
  const refsOf = (type: RefObjectType, id: number) => (mode === 'refs' ? state.refs.get(`${type}:${id}`) : undefined);
  const channelName = new Map(state.channels.map((c) => [c.id, c.name]));
  const journeys = uniqueBy(state.journeys, (j) => String(j.project_id));
  const usedNames = new Set<string>();

  // Sorted here, not by the database, whose collation differs between installations.
  const byText = <T>(keyOf: (t: T) => string) => (a: T, b: T) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0);
  const channels = [...state.channels].sort(byText((c) => c.name)).map((c): FileChannel => {
    const out: FileChannel = { name: c.name, type: c.type as FileChannel['type'], settings: { ...c.settings }, language: c.language, timezone: c.timezone, is_enabled: c.is_enabled };
    restoreRefs(out, refsOf('channel', c.id));
    if (mode === 'refs') {
      for (const k of secretsOf(c.type)) {
        const v = out.settings[k];
        if (typeof v !== 'string' || /\$\{env:/.test(v)) continue;
        let name = `PYM_${envName(c.name)}_${envName(k)}`;
        if (usedNames.has(name)) name = `${name}_${c.id}`;
        usedNames.add(name);
        out.settings[k] = `\${env:${name}}`;
      }
    }
    return out;
  });

  const projects = [...state.projects].sort(byText((p) => p.key)).map((p): FileProject => {
    const fields = Object.fromEntries(projectFileKeys.map((k) => [k, p[k]])) as Omit<ProjectInput, 'key'>;
    const monitoring = Object.fromEntries(monitoringKeys.map((k) => [k, p.settings[k]])) as Omit<FileMonitoring, 'channels'>;
    const out: FileProject = {
      key: p.key,
      ...fields,
      custom_headers: { ...p.custom_headers },
      monitoring: { ...monitoring, channels: p.channel_ids.map((id) => channelName.get(id) ?? `#${id}`).sort() },
      maintenance: p.maintenance_mode ? { message: p.maintenance_message, ends_at: p.maintenance_ends_at } : null,
      journeys: [...(journeys.get(String(p.id)) ?? [])].sort(byText((j) => j.name)).map((j) => {
        const journey: FileJourney = { name: j.name, steps: structuredClone(j.steps), settings: { ...j.settings }, is_active: j.is_active };
        restoreRefs(journey, refsOf('journey', j.id));
        return journey;
      }),
    };
    restoreRefs(out, refsOf('project', p.id));
    return out;
  });

  const document: MonitorsDocument = { version: 1, channels, projects };
  return { document, variables: findVariables(document) };
}

/** Every `${env:NAME}` in a document, with the field that holds it. */
export function findVariables(doc: MonitorsDocument): { name: string; field: string }[] {
  const out: { name: string; field: string }[] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (typeof v === 'string') for (const m of v.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)) out.push({ name: m[1]!, field: fieldName(path) });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object' && !(v instanceof Date)) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(doc, []);
  return out;
}

/** Whom the CLI acts as: the user with that email (a manager or admin), or the oldest admin. */
export async function cliActor(ctx: ServiceContext, email?: string): Promise<Actor> {
  if (email) {
    const u = await findUserByEmail(ctx.sql, email);
    if (!u || !u.is_active) throw new DomainError('NOT_FOUND', `no active user ${email}`);
    if (u.role !== 'admin' && u.role !== 'manager') throw new DomainError('FORBIDDEN', `${email} is a ${u.role}; apply needs a manager or an admin`);
    return { id: u.id, email: u.email, name: u.name, role: u.role };
  }
  const admin = await fileRepo.firstAdmin(ctx.sql);
  if (!admin) throw new DomainError('NOT_FOUND', 'no admin account yet: register one first (the first account becomes the admin), or name one with --as');
  return { ...admin, role: 'admin' };
}
