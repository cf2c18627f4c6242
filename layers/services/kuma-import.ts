import { createHash } from 'node:crypto';
import { formatStatusRange, MAX_ACCEPTED_STATUS_CODES, parseStatusEntry, type StatusRange } from '../checks/status-codes.ts';
import { DomainError, type FieldError } from '../errors.ts';
import * as kuma from '../repositories/kuma-db.ts';
import type { KumaHeartbeatRow, KumaMaintenanceRow, KumaRow, SqliteReader } from '../repositories/kuma-db.ts';
import * as projectsRepo from '../repositories/projects.ts';
import { recordedCheckTimes } from '../repositories/results.ts';
import type { Actor, ServiceContext } from './context.ts';
import { applyDocument, type ApplyResult, type MonitorsDocument } from './monitors-file.ts';
import { checkSettings } from './notification-channels.ts';
import { importResults, type ImportRow } from './results-import.ts';
import { setProjectRunning } from './scheduler.ts';

// Moving over from Uptime Kuma (issue 15): its HTTP(S), keyword and JSON-query monitors become
// projects (key `kuma-<installation>-<id>`, see `installationTag`), its notifications of the
// providers we have become channels (named "<name> (Kuma <installation> #<id>)"), both through the
// monitors-file reconcile (one transaction, nothing created twice), then each monitor's heartbeats go
// through the history import (idempotent on checked_at, no notifications). Whatever cannot be
// carried over is reported, never dropped silently.

/** Checks a document built here with the monitors file's schemas (the API's): endpoints provide it. */
export type DocumentValidator = (raw: unknown) => { document: MonitorsDocument } | { errors: FieldError[] };

export interface KumaImportOptions {
  validate: DocumentValidator;
  /** Plan only: nothing is written, heartbeats are counted. */
  dryRun?: boolean;
  /** Import the heartbeats (default true). */
  history?: boolean;
  /** Heartbeats per history import call (one transaction). */
  batchSize?: number;
  /** Projects whose history imports at once (default 4). */
  concurrency?: number;
}

export interface KumaHistory {
  heartbeats: number;
  imported: number;
  skipped: number;
  incidents: number;
  /** Pending beats (Kuma's failed checks within its retries), imported as failed checks. */
  pending: number;
  /** Maintenance beats: imported in maintenance (Kuma checks nothing then; our reports count it as maintenance). */
  maintenance: number;
  first_at: string | null;
  last_at: string | null;
  /**
   * Kuma's own figure for these beats, up and maintenance counting as up: 2.x counts beats (pending
   * ones as down), 1.x weighs each beat by its duration (the seconds since the one before).
   */
  kuma_uptime_percent: number | null;
}

export interface KumaMonitorReport {
  kuma_id: number;
  name: string;
  type: string;
  status: 'imported' | 'skipped';
  key: string | null;
  project_id: number | null;
  /** Why a skipped monitor was not imported. */
  reason: string | null;
  /** What of an imported monitor was not carried over, or changed to fit. */
  warnings: string[];
  history: KumaHistory | null;
}

export interface KumaNotificationReport {
  kuma_id: number;
  name: string;
  provider: string;
  status: 'imported' | 'skipped';
  channels: string[];
  reason: string | null;
  warnings: string[];
}

export interface KumaImportReport {
  kuma_version: '1.x' | '2.x';
  applied: boolean;
  plan: ApplyResult;
  monitors: KumaMonitorReport[];
  notifications: KumaNotificationReport[];
  /** Monitor types and notification providers that could not be mapped, with the Kuma ids. */
  unmapped: {
    monitor_types: { type: string; monitors: number[] }[];
    providers: { provider: string; notifications: number[] }[];
  };
  history: { heartbeats: number; imported: number; skipped: number; incidents: number };
}

export const MAPPED_TYPES = ['http', 'keyword', 'json-query'] as const;
const KUMA_UP = 1;
const KUMA_DOWN = 0;
const KUMA_PENDING = 2;
const KUMA_MAINTENANCE = 3;

// ---- small readers of Kuma's loosely typed columns ----

const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);
const bool = (v: unknown): boolean => v === 1 || v === true || v === '1' || v === 'true';
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const KUMA_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/** The offset of a zone at an instant, in minutes east of UTC. */
function zoneOffsetMinutes(zone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return (Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(at / 1000) * 1000) / 60_000;
}

/**
 * A Kuma date: `YYYY-MM-DD HH:mm:ss[.SSS]` as it stores them, in UTC (heartbeats) or, for
 * maintenance windows, the wall time of the window's zone. A zone written in the text wins.
 */
export function parseKumaTime(text: string, zone: string | null = null): Date | null {
  const m = KUMA_TIME.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, off] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), ms);
  const check = new Date(wall);
  // Date.UTC rolls 2025-13-45 over into a real date: refuse what was not one.
  if (Number.isNaN(wall) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return null;
  if (off) {
    if (off === 'Z') return new Date(wall);
    const sign = off.startsWith('-') ? -1 : 1;
    const digits = off.slice(1).replace(':', '');
    return new Date(wall - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000);
  }
  if (!zone || zone === 'UTC' || zone === 'SAME_AS_SERVER') return new Date(wall);
  try {
    // Two passes settle the offset across a DST change.
    let t = wall - zoneOffsetMinutes(zone, wall) * 60_000;
    t = wall - zoneOffsetMinutes(zone, t) * 60_000;
    return new Date(t);
  } catch {
    return null;
  }
}

// ---- notifications ----

export interface MappedChannel {
  name: string;
  type: string;
  settings: Record<string, unknown>;
  is_enabled: boolean;
}

type ProviderMapping = { channels: Omit<MappedChannel, 'name' | 'is_enabled'>[]; warnings: string[] } | { reason: string };

const present = (c: Record<string, unknown>, k: string) => {
  const v = str(c[k]);
  return v !== null && v.trim() !== '' ? v.trim() : undefined;
};

/** Kuma's provider config (its `notification.config` JSON) to our channel settings, by provider. */
const providerMappings: Record<string, (c: Record<string, unknown>) => ProviderMapping> = {
  slack: (c) => ({
    channels: [{ type: 'slack', settings: { webhook_url: present(c, 'slackwebhookURL') } }],
    warnings: present(c, 'slackchannel') || present(c, 'slackusername') ? ['the channel and user name overrides are not kept: messages go where the webhook points'] : [],
  }),
  discord: (c) => ({
    channels: [{ type: 'discord', settings: { webhook_url: present(c, 'discordWebhookUrl') } }],
    warnings: present(c, 'discordPrefixMessage') || present(c, 'discordUsername') ? ['the prefix message and user name are not kept'] : [],
  }),
  teams: (c) => ({
    channels: [{ type: 'teams', settings: { webhook_url: present(c, 'webhookUrl') } }],
    warnings: ['Teams: Py_Monitor posts an Adaptive Card to a Workflows webhook; an old Office 365 connector URL must be replaced by one'],
  }),
  GoogleChat: (c) => ({ channels: [{ type: 'google_chat', settings: { webhook_url: present(c, 'googleChatWebhookURL') } }], warnings: [] }),
  telegram: (c) => {
    const thread = num(c['telegramMessageThreadID']);
    const settings: Record<string, unknown> = { bot_token: present(c, 'telegramBotToken'), chat_id: present(c, 'telegramChatID') };
    if (thread !== null && thread > 0) settings['message_thread_id'] = thread;
    const server = present(c, 'telegramServerUrl');
    if (server && server.replace(/\/+$/, '') !== 'https://api.telegram.org') settings['api_url'] = server;
    return { channels: [{ type: 'telegram', settings }], warnings: bool(c['telegramUseTemplate']) ? ['the custom message template is not kept'] : [] };
  },
  ntfy: (c) => {
    const method = present(c, 'ntfyAuthenticationMethod');
    if (method === 'usernamePassword') return { reason: 'ntfy with a user name and password: Py_Monitor sends an access token (create one for the topic and add the channel by hand)' };
    const settings: Record<string, unknown> = { topic: present(c, 'ntfytopic') };
    const server = present(c, 'ntfyserverurl');
    if (server) settings['server_url'] = server;
    const token = present(c, 'ntfyaccesstoken');
    if (method === 'accessToken' && token) settings['access_token'] = token;
    return { channels: [{ type: 'ntfy', settings }], warnings: [] };
  },
  PagerDuty: (c) => {
    const settings: Record<string, unknown> = { routing_key: present(c, 'pagerdutyIntegrationKey') };
    const url = present(c, 'pagerdutyIntegrationUrl');
    if (url) settings['events_url'] = url;
    return { channels: [{ type: 'pagerduty', settings }], warnings: [] };
  },
  Opsgenie: (c) => {
    const region = present(c, 'opsgenieRegion')?.toLowerCase();
    return { channels: [{ type: 'opsgenie', settings: { api_key: present(c, 'opsgenieApiKey'), region: region === 'eu' ? 'eu' : 'us' } }], warnings: [] };
  },
  webhook: (c) => ({
    channels: [{ type: 'webhook', settings: { url: present(c, 'webhookURL') } }],
    warnings: [
      "the receiver gets Py_Monitor's signed JSON envelope, not Kuma's body",
      ...(present(c, 'webhookCustomBody') || present(c, 'webhookAdditionalHeaders') ? ['the custom body and additional headers are not kept'] : []),
    ],
  }),
  smtp: (c) => {
    const addresses = [...new Set(['smtpTo', 'smtpCC', 'smtpBCC'].flatMap((k) => (present(c, k) ?? '').split(/[,;]/).map((a) => a.trim()).filter(Boolean)))];
    if (addresses.length === 0) return { reason: 'no recipient address' };
    return {
      channels: addresses.map((address) => ({ type: 'email', settings: { address } })),
      warnings: [
        "sent through this installation's mail settings (SMTP_URL or SES), not Kuma's SMTP server",
        ...(addresses.length > 1 ? [`one email channel per recipient (${addresses.length})`] : []),
        ...(present(c, 'customSubject') || present(c, 'customBody') ? ['the custom subject and body are not kept'] : []),
      ],
    };
  },
};

/**
 * A channel name that stays the same on every import, within 100 characters: `<name> (Kuma <tag> #<id>)`
 * with the installation's tag (its first 6 digits), so two installations' channels of one id stay
 * apart, or `<name> (Kuma #<id>)` as the first imports named them (see `importKuma`).
 */
function channelName(name: string, id: number, part: number | null, tag: string | null): string {
  const kuma = tag ? `Kuma ${tag.slice(0, 6)} #${id}` : `Kuma #${id}`;
  const suffix = part === null ? ` (${kuma})` : ` (${kuma}, ${part})`;
  const base = name.trim().replace(/\s+/g, ' ') || 'notification';
  return `${base.slice(0, 100 - suffix.length).trimEnd()}${suffix}`;
}

function mapNotifications(ctx: ServiceContext, rows: kuma.KumaNotificationRow[], tag: string | null): { channels: MappedChannel[]; reports: KumaNotificationReport[] } {
  const channels: MappedChannel[] = [];
  const reports: KumaNotificationReport[] = [];
  for (const row of rows) {
    const config = parseJson(row.config);
    const c = config && typeof config === 'object' && !Array.isArray(config) ? (config as Record<string, unknown>) : {};
    const provider = str(c['type']) ?? 'unknown';
    const name = row.name ?? str(c['name']) ?? `notification ${row.id}`;
    const report: KumaNotificationReport = { kuma_id: row.id, name, provider, status: 'skipped', channels: [], reason: null, warnings: [] };
    reports.push(report);
    const mapping = Object.hasOwn(providerMappings, provider) ? providerMappings[provider]!(c) : { reason: `provider "${provider}" is not one Py_Monitor has` };
    if ('reason' in mapping) {
      report.reason = mapping.reason;
      continue;
    }
    // The provider's own rules (formats, addresses): a channel that fails them is reported, not imported.
    const mapped: MappedChannel[] = [];
    try {
      mapping.channels.forEach((ch, i) => {
        const settings = Object.fromEntries(Object.entries(ch.settings).filter(([, v]) => v !== undefined));
        checkSettings(ctx, ch.type, settings);
        mapped.push({ name: channelName(name, row.id, mapping.channels.length > 1 ? i + 1 : null, tag), type: ch.type, settings, is_enabled: row.active === null || bool(row.active) });
      });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      report.reason = `its settings do not fit the ${mapping.channels[0]?.type ?? provider} channel: ${err.message}`;
      continue;
    }
    report.status = 'imported';
    report.channels = mapped.map((m) => m.name);
    report.warnings = mapping.warnings;
    channels.push(...mapped);
  }
  return { channels, reports };
}

// ---- monitors ----

/** Kuma's default, the list a monitor has when its column says nothing readable. */
const KUMA_DEFAULT_CODES = ['200-299'];

/**
 * Kuma's accepted status codes (`accepted_statuscodes_json`, e.g. ["200-299","404"]) as the project's
 * `accepted_status_codes`: both are codes and inclusive ranges judged on the final status after
 * redirects. An entry that is not one (Kuma's UI only offers valid ones) is reported and left out.
 */
export function mapAcceptedCodes(json: unknown): { codes: string[]; warnings: string[] } {
  const parsed = parseJson(json);
  if (parsed === undefined || parsed === null) return { codes: KUMA_DEFAULT_CODES, warnings: [] };
  if (!Array.isArray(parsed)) return { codes: KUMA_DEFAULT_CODES, warnings: [`accepted status codes ${JSON.stringify(json)} are not a list: Kuma's default ${KUMA_DEFAULT_CODES.join(', ')} is used`] };
  const codes: string[] = [];
  const warnings: string[] = [];
  for (const entry of parsed) {
    const r: StatusRange | { error: string } = parseStatusEntry(entry);
    if ('error' in r) warnings.push(`accepted status code ${JSON.stringify(entry)} is not kept: ${r.error}`);
    else if (!codes.includes(formatStatusRange(r))) codes.push(formatStatusRange(r));
  }
  if (codes.length > MAX_ACCEPTED_STATUS_CODES) {
    warnings.push(`accepted status codes ${codes.slice(MAX_ACCEPTED_STATUS_CODES).join(', ')} are not kept: at most ${MAX_ACCEPTED_STATUS_CODES} codes and ranges`);
    codes.length = MAX_ACCEPTED_STATUS_CODES;
  }
  if (codes.length === 0) {
    warnings.push(`no accepted status code could be kept: Kuma's default ${KUMA_DEFAULT_CODES.join(', ')} is used`);
    return { codes: KUMA_DEFAULT_CODES, warnings };
  }
  return { codes, warnings };
}

interface MonitorMapping {
  project: Record<string, unknown>;
  warnings: string[];
  /** Kuma's `active`: a paused monitor's project is stopped. */
  active: boolean;
}

function activeMaintenance(m: KumaMaintenanceRow, now: Date, serverZone: string | null): { message: string; ends_at: string | null } | { warning: string } | null {
  if (!bool(m.active)) return null;
  const zone = m.timezone && m.timezone !== 'SAME_AS_SERVER' ? m.timezone : serverZone;
  const message = m.title.slice(0, 1000);
  if (m.strategy === 'manual') return { message, ends_at: null };
  if (m.strategy === 'single') {
    const start = m.start_date ? parseKumaTime(m.start_date, zone) : null;
    const end = m.end_date ? parseKumaTime(m.end_date, zone) : null;
    if (end && end <= now) return null;
    if (start && start <= now) return { message, ends_at: end?.toISOString() ?? null };
    return { warning: `maintenance "${m.title}" scheduled for ${start?.toISOString() ?? '?'} is not carried over: Py_Monitor has no scheduled maintenance; start it then` };
  }
  return { warning: `recurring maintenance "${m.title}" (${m.strategy}) is not carried over: Py_Monitor's maintenance is started and ended, not scheduled` };
}

function mapMonitor(
  m: KumaRow,
  key: string,
  links: { channels: string[]; tags: string[]; tagWarnings: string[]; category: string | null; maintenances: KumaMaintenanceRow[]; serverZone: string | null },
  now: Date,
): MonitorMapping | { reason: string } {
  const id = num(m['id'])!;
  const type = str(m['type']) ?? 'http';
  if (!(MAPPED_TYPES as readonly string[]).includes(type)) return { reason: `monitor type "${type}" is not one Py_Monitor can run as a project` };
  if (bool(m['upside_down'])) return { reason: 'upside-down mode (up when the site fails) has no counterpart; importing it would alert the other way round' };
  const url = str(m['url'])?.trim() ?? '';
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return { reason: `"${url}" is not an http(s) URL` };
  const warnings: string[] = [];

  const interval = num(m['interval']) ?? 60;
  const statusInterval = clamp(Math.round(interval), 60, 3600);
  if (statusInterval !== interval) warnings.push(`interval ${interval} s became ${statusInterval} s (Py_Monitor checks every 60 to 3600 s)`);
  const kumaTimeout = num(m['timeout']);
  const timeoutSeconds = kumaTimeout !== null && kumaTimeout > 0 ? kumaTimeout : interval * 0.8;
  const timeout = clamp(Math.round(timeoutSeconds), 5, 300);
  if (Math.abs(timeout - timeoutSeconds) >= 1) warnings.push(`timeout ${timeoutSeconds} s became ${timeout} s (5 to 300 s)`);
  // Kuma retries in later beats and calls the monitor down after maxretries more failures: our alert threshold.
  const retries = Math.max(0, Math.round(num(m['maxretries']) ?? 0));
  const threshold = clamp(retries + 1, 1, 10);
  if (threshold !== retries + 1) warnings.push(`${retries} retries became an alert threshold of ${threshold} failed checks in a row (at most 10)`);

  const headers: Record<string, string> = {};
  const rawHeaders = str(m['headers']);
  if (rawHeaders && rawHeaders.trim() !== '') {
    const parsed = parseJson(rawHeaders);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [k, v] of Object.entries(parsed)) headers[k] = typeof v === 'string' ? v : JSON.stringify(v);
    } else warnings.push('custom headers are not a JSON object: not kept');
  }
  const authMethod = str(m['auth_method']);
  const basicUser = str(m['basic_auth_user']);
  if (basicUser && (authMethod === null || authMethod === '' || authMethod === 'basic')) {
    headers['Authorization'] = `Basic ${Buffer.from(`${basicUser}:${str(m['basic_auth_pass']) ?? ''}`).toString('base64')}`;
  } else if (authMethod && authMethod !== 'basic' && authMethod !== '') warnings.push(`authentication "${authMethod}" is not kept`);

  // A project's check is a GET without a body, judged by its status, keywords and content: what
  // Kuma asks beyond that has no project setting to go to (the API check tool, which has methods,
  // bodies and JSON assertions, runs on demand, not on a schedule).
  const method = (str(m['method']) ?? 'GET').trim().toUpperCase() || 'GET';
  if (method !== 'GET') warnings.push(`method ${method} is not kept: Py_Monitor checks with GET`);
  if (str(m['body'])?.trim()) {
    const encoding = str(m['http_body_encoding'])?.trim();
    warnings.push(`the request body${encoding ? ` (${encoding})` : ''} is not kept: Py_Monitor's checks send none`);
  }
  if (bool(m['ignore_tls'])) warnings.push('"ignore TLS errors" is not kept: certificate errors fail the check');
  const maxRedirects = num(m['maxredirects']);
  if (maxRedirects === 0) warnings.push('"no redirects" is not kept: redirects are followed (up to 10)');
  else if (maxRedirects !== null && maxRedirects !== 10) warnings.push(`at most ${maxRedirects} redirects is not kept: Py_Monitor follows up to 10`);
  if (num(m['proxy_id']) !== null) warnings.push('the proxy is not kept: Py_Monitor connects to the site directly');
  if (bool(m['cache_bust'])) warnings.push('cache busting (a random query parameter) is not kept');
  const accepted = mapAcceptedCodes(m['accepted_statuscodes_json']);
  warnings.push(...accepted.warnings);

  const keyword = str(m['keyword'])?.trim() ?? '';
  const isKeyword = type === 'keyword' && keyword !== '';
  if (type === 'keyword' && keyword === '') warnings.push('no keyword: imported as a plain HTTP check');
  if (isKeyword) warnings.push("the keyword is looked for in the page's visible text, regardless of case (Kuma: the raw body, case-sensitive)");
  if (type === 'json-query') {
    const op = str(m['json_path_operator']) ?? '==';
    warnings.push(`the JSON query ${str(m['json_path']) ?? ''} ${op} ${JSON.stringify(str(m['expected_value']) ?? '')} is not kept: Py_Monitor's scheduled checks judge the status (and keywords), not JSON values; imported as an HTTP check`);
  }

  let maintenance: { message: string; ends_at: string | null } | null = null;
  for (const mt of links.maintenances) {
    const a = activeMaintenance(mt, now, links.serverZone);
    if (!a) continue;
    if ('warning' in a) warnings.push(a.warning);
    else if (!maintenance || (maintenance.ends_at !== null && (a.ends_at === null || a.ends_at > maintenance.ends_at))) maintenance = a;
  }

  const name = (str(m['name']) ?? '').trim();
  const description = str(m['description'])?.trim() || null;
  if (name.length > 200) warnings.push('the name was cut to 200 characters');
  if (description && description.length > 2000) warnings.push('the description was cut to 2000 characters');
  if (isKeyword && keyword.length > 200) warnings.push('the keyword was cut to 200 characters');
  warnings.push(...links.tagWarnings);
  return {
    active: m['active'] === undefined || m['active'] === null ? true : bool(m['active']),
    warnings,
    project: {
      key,
      title: (name || `Kuma monitor ${id}`).slice(0, 200),
      url,
      description: description ? description.slice(0, 2000) : null,
      status_interval: statusInterval,
      category: links.category,
      tags: links.tags,
      custom_headers: headers,
      keyword_monitoring: isKeyword,
      keywords: isKeyword ? [keyword.slice(0, 200)] : [],
      keyword_alert_on_found: isKeyword && bool(m['invert_keyword']),
      monitoring: { timeout, retry_count: 1, alert_threshold: threshold, accepted_status_codes: accepted.codes, channels: links.channels },
      maintenance,
    },
  };
}

// ---- heartbeats ----

const STATUS_IN_MESSAGE = /^(\d{3})\s+-\s/;
const STATUS_IN_ERROR = /status code (\d{3})\b/i;


/**
 * One heartbeat as a history row: up is available, down and pending are failed checks; a maintenance
 * beat (Kuma checks nothing then) is a row in maintenance, available as Kuma counts it.
 */
export function heartbeatRow(hb: KumaHeartbeatRow): ImportRow | null {
  if (hb.status !== KUMA_UP && hb.status !== KUMA_DOWN && hb.status !== KUMA_PENDING && hb.status !== KUMA_MAINTENANCE) return null;
  const checkedAt = parseKumaTime(hb.time);
  if (!checkedAt) return null;
  if (hb.status === KUMA_MAINTENANCE) return { checked_at: checkedAt, is_available: true, status_code: null, response_time: null, error_message: null, in_maintenance: true };
  const msg = hb.msg ?? '';
  const code = (hb.status === KUMA_UP ? STATUS_IN_MESSAGE : STATUS_IN_ERROR).exec(msg)?.[1];
  const ping = typeof hb.ping === 'number' && Number.isFinite(hb.ping) && hb.ping >= 0 ? hb.ping : null;
  return {
    checked_at: checkedAt,
    is_available: hb.status === KUMA_UP,
    status_code: code ? Number(code) : null,
    response_time: ping,
    error_message: hb.status === KUMA_UP ? null : (msg || (hb.status === KUMA_PENDING ? 'pending (Uptime Kuma)' : 'down (Uptime Kuma)')).slice(0, 2000),
  };
}

async function importHistory(
  ctx: ServiceContext,
  db: SqliteReader,
  monitorId: number,
  projectId: number | null,
  opts: { batchSize: number; version: '1.x' | '2.x' },
): Promise<KumaHistory> {
  const h: KumaHistory = { heartbeats: 0, imported: 0, skipped: 0, incidents: 0, pending: 0, maintenance: 0, first_at: null, last_at: null, kuma_uptime_percent: null };
  let up = 0;
  let upSeconds = 0;
  let seconds = 0;
  let cursor: kuma.HeartbeatCursor | null = null;
  for (;;) {
    const page = kuma.kumaHeartbeatPage(db, monitorId, cursor, opts.batchSize);
    if (page.length === 0) break;
    const last = page[page.length - 1]!;
    cursor = { time: last.time, id: last.id };
    const rows: ImportRow[] = [];
    for (const hb of page) {
      h.heartbeats++;
      const duration = typeof hb.duration === 'number' && hb.duration > 0 ? hb.duration : 0;
      seconds += duration;
      if (hb.status === KUMA_UP || hb.status === KUMA_MAINTENANCE) {
        up++;
        upSeconds += duration;
      }
      if (hb.status === KUMA_PENDING) h.pending++;
      if (hb.status === KUMA_MAINTENANCE) h.maintenance++;
      const row = heartbeatRow(hb);
      if (!row) continue;
      h.first_at ??= row.checked_at.toISOString();
      h.last_at = row.checked_at.toISOString();
      rows.push(row);
    }
    if (projectId !== null && rows.length > 0) {
      const r = await importResults(ctx, projectId, rows);
      h.imported += r.imported;
      h.skipped += r.skipped;
      h.incidents += r.incidents;
    }
    if (page.length < opts.batchSize) break;
  }
  const ratio = opts.version === '1.x' ? (seconds > 0 ? upSeconds / seconds : null) : h.heartbeats > 0 ? up / h.heartbeats : null;
  h.kuma_uptime_percent = ratio === null ? null : Math.round(ratio * 1e6) / 1e4;
  return h;
}

// ---- the import ----

/**
 * What tells one Kuma installation from another, stably: its JWT secret (the `jwtSecret` setting Kuma
 * writes on its first start, random per installation and kept for its life), hashed with this
 * purpose's own prefix and cut to 10 hex digits. The secret itself never leaves this function. Null
 * for a database without one (never started): its projects keep the plain `kuma-<id>` keys.
 */
export function installationTag(db: SqliteReader, tables: Set<string>): string | null {
  const secret = tables.has('setting') ? kuma.kumaSetting(db, 'jwtSecret') : null;
  if (!secret) return null;
  return createHash('sha256').update(`py-monitor kuma installation\n${secret}`).digest('hex').slice(0, 10);
}

/** A monitor's project key: `kuma-<installation>-<id>`, or `kuma-<id>` (the first imports' keys). */
export const monitorKey = (tag: string | null, id: number) => (tag ? `kuma-${tag}-${id}` : `kuma-${id}`);

/**
 * Projects imported before keys named the installation carry `kuma-<id>`. Such a project is this
 * database's monitor, and keeps its key, when its URL is the monitor's and it holds a result at the
 * monitor's first heartbeat (not maintenance; what that import recorded). A monitor with no such beat
 * is told by the URL alone. A `kuma-<id>` project that fails this belongs to another installation
 * and is left alone; the monitor gets its own key.
 */
async function legacyKeys(ctx: ServiceContext, db: SqliteReader, monitors: { id: number; key: string; url: string }[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const legacy = monitors.filter((m) => m.key !== monitorKey(null, m.id));
  if (legacy.length === 0) return out;
  const keys = legacy.flatMap((m) => [m.key, monitorKey(null, m.id)]);
  const found = new Map((await projectsRepo.projectsByKeys(ctx.sql, keys)).map((p) => [p.key, p]));
  for (const m of legacy) {
    const old = found.get(monitorKey(null, m.id));
    if (!old || found.has(m.key) || old.url !== m.url) continue;
    const first = kuma.kumaFirstHeartbeat(db, m.id, [KUMA_UP, KUMA_DOWN, KUMA_PENDING]);
    const at = first ? parseKumaTime(first.time) : null;
    if (at && (await recordedCheckTimes(ctx.sql, old.id, at, at)).size === 0) continue;
    out.set(m.id, old.key);
  }
  return out;
}

function kumaVersion(tables: Set<string>): '1.x' | '2.x' {
  return tables.has('stat_daily') || tables.has('knex_migrations') ? '2.x' : '1.x';
}

/**
 * Imports an Uptime Kuma database: monitors and notifications through the monitors-file reconcile,
 * then the heartbeats. Running it again creates nothing twice: projects are found by key
 * (`kuma-<installation>-<id>`, or the `kuma-<id>` an earlier import gave) and brought in line with
 * Kuma again, channels by name, heartbeats by time.
 */
export async function importKuma(ctx: ServiceContext, actor: Actor, db: SqliteReader, opts: KumaImportOptions): Promise<KumaImportReport> {
  const tables = kuma.tableNames(db);
  if (!tables.has('monitor') || !tables.has('heartbeat')) {
    throw new DomainError('VALIDATION', 'not an Uptime Kuma database: it has no monitor and heartbeat tables', {
      errors: [{ field: 'database', message: 'no monitor and heartbeat tables' }],
    });
  }
  const now = ctx.clock.now();
  const version = kumaVersion(tables);
  const tag = installationTag(db, tables);
  const monitors = kuma.kumaMonitors(db);
  const byId = new Map(monitors.map((m) => [num(m['id'])!, m]));
  // Keys: this installation's, or the one an earlier import gave the monitor's project.
  const keyOf = new Map(monitors.map((m) => [num(m['id'])!, monitorKey(tag, num(m['id'])!)]));
  const kept = await legacyKeys(ctx, db, monitors.map((m) => ({ id: num(m['id'])!, key: keyOf.get(num(m['id'])!)!, url: str(m['url'])?.trim() ?? '' })));
  for (const [id, key] of kept) keyOf.set(id, key);
  // A database imported before under the kuma-<id> keys keeps its channels' names of then too.
  const channelTag = kept.size > 0 ? null : tag;
  const { channels, reports: notificationReports } = tables.has('notification') ? mapNotifications(ctx, kuma.kumaNotifications(db), channelTag) : { channels: [], reports: [] };
  const channelsOf = new Map<number, string[]>();
  const importedNotifications = new Map(notificationReports.filter((n) => n.status === 'imported').map((n) => [n.kuma_id, n.channels]));
  if (tables.has('monitor_notification')) {
    for (const l of kuma.kumaMonitorNotifications(db)) {
      const names = importedNotifications.get(l.notification_id);
      if (names) channelsOf.set(l.monitor_id, [...new Set([...(channelsOf.get(l.monitor_id) ?? []), ...names])]);
    }
  }
  const tagsOf = new Map<number, string[]>();
  const tagWarningsOf = new Map<number, string[]>();
  if (tables.has('monitor_tag') && tables.has('tag')) {
    for (const t of kuma.kumaMonitorTags(db)) {
      const full = (t.value ? `${t.name}:${t.value}` : t.name).trim();
      const tag = full.slice(0, 50);
      const list = tagsOf.get(t.monitor_id) ?? [];
      if (!tag || list.includes(tag)) continue;
      const warn = (w: string) => tagWarningsOf.set(t.monitor_id, [...(tagWarningsOf.get(t.monitor_id) ?? []), w]);
      if (list.length >= 20) {
        warn(`tag "${full}" is not kept: at most 20 tags`);
        continue;
      }
      if (tag !== full) warn(`tag "${full}" was cut to 50 characters`);
      tagsOf.set(t.monitor_id, [...list, tag]);
    }
  }
  const serverZone = tables.has('setting') ? kuma.kumaServerTimezone(db) : null;
  const maintenancesOf = new Map<number, KumaMaintenanceRow[]>();
  if (tables.has('maintenance') && tables.has('monitor_maintenance')) {
    const all = new Map(kuma.kumaMaintenances(db, kuma.columnNames(db, 'maintenance').has('timezone')).map((m) => [m.id, m]));
    for (const l of kuma.kumaMonitorMaintenances(db)) {
      const m = all.get(l.maintenance_id);
      if (m) maintenancesOf.set(l.monitor_id, [...(maintenancesOf.get(l.monitor_id) ?? []), m]);
    }
  }

  const monitorReports: KumaMonitorReport[] = [];
  const mapped = new Map<number, MonitorMapping>();
  for (const m of monitors) {
    const id = num(m['id'])!;
    const parent = num(m['parent']);
    const group = parent !== null ? byId.get(parent) : undefined;
    const category = group ? (str(group['name'])?.trim().slice(0, 100) ?? null) || null : null;
    const links = { channels: channelsOf.get(id) ?? [], tags: tagsOf.get(id) ?? [], tagWarnings: tagWarningsOf.get(id) ?? [], category, maintenances: maintenancesOf.get(id) ?? [], serverZone };
    const result = mapMonitor(m, keyOf.get(id)!, links, now);
    const report: KumaMonitorReport = {
      kuma_id: id,
      name: str(m['name']) ?? '',
      type: str(m['type']) ?? 'http',
      status: 'reason' in result ? 'skipped' : 'imported',
      key: 'reason' in result ? null : keyOf.get(id)!,
      project_id: null,
      reason: 'reason' in result ? result.reason : null,
      warnings: 'reason' in result ? [] : result.warnings,
      history: null,
    };
    monitorReports.push(report);
    if (!('reason' in result)) mapped.set(id, result);
  }

  // Validate and apply; an entry the schemas or the reconcile refuse is reported and left out, and the rest applied.
  const droppedChannels = new Set<string>();
  let plan: ApplyResult | undefined;
  for (let round = 0; round < 5 && !plan; round++) {
    const keptChannels = channels.filter((c) => !droppedChannels.has(c.name));
    const keptMonitors = monitorReports.filter((r) => r.status === 'imported');
    const raw = {
      version: 1,
      channels: keptChannels.map((c) => ({ name: c.name, type: c.type, settings: c.settings, is_enabled: c.is_enabled })),
      projects: keptMonitors.map((r) => {
        const p = mapped.get(r.kuma_id)!.project;
        const monitoring = p['monitoring'] as { channels: string[] };
        return { ...p, monitoring: { ...monitoring, channels: monitoring.channels.filter((n) => !droppedChannels.has(n)) } };
      }),
    };
    const refuse = (errors: FieldError[]) => {
      let dropped = 0;
      for (const e of errors) {
        const [top, index, field, header] = e.field.split('.');
        const i = Number(index);
        const headers = top === 'projects' && field === 'custom_headers' && keptMonitors[i] ? (mapped.get(keptMonitors[i].kuma_id)!.project['custom_headers'] as Record<string, string>) : null;
        if (headers && keptMonitors[i]!.status === 'imported') {
          // A header our rules refuse (its name, a line break in its value, more than 50) is left out, not the monitor.
          const warnings = mapped.get(keptMonitors[i]!.kuma_id)!.warnings;
          const name = header !== undefined ? e.field.split('.').slice(3).join('.') : undefined;
          let left = false;
          if (name !== undefined && Object.hasOwn(headers, name)) {
            delete headers[name];
            warnings.push(`header "${name}" is not kept: ${e.message}`);
            left = true;
          } else if (name === undefined && Object.keys(headers).length > 50) {
            const extra = Object.keys(headers).slice(50);
            for (const k of extra) delete headers[k];
            warnings.push(`headers ${extra.join(', ')} are not kept: ${e.message}`);
            left = true;
          }
          if (left) {
            dropped++;
            continue;
          }
        }
        if (top === 'projects' && keptMonitors[i]) {
          const r = keptMonitors[i];
          if (r.status === 'imported') dropped++;
          Object.assign(r, { status: 'skipped', key: null, reason: `${e.field.split('.').slice(2).join('.') || 'project'}: ${e.message}`, warnings: [] });
        } else if (top === 'channels' && keptChannels[i]) {
          const c = keptChannels[i];
          if (!droppedChannels.has(c.name)) dropped++;
          droppedChannels.add(c.name);
          const n = notificationReports.find((x) => x.channels.includes(c.name));
          if (n) {
            const why = `${e.field.split('.').slice(2).join('.')}: ${e.message}`;
            n.channels = n.channels.filter((name) => name !== c.name);
            // One of several (an email channel per recipient) is a difference; the only one, a skip.
            if (n.channels.length > 0) n.warnings.push(`${c.name} not imported: ${why}`);
            else Object.assign(n, { status: 'skipped', reason: why });
          }
        }
      }
      // An error not tied to one entry cannot be set aside.
      if (dropped === 0) throw new DomainError('VALIDATION', `the import could not be applied: ${errors[0]?.field}: ${errors[0]?.message}`, { errors });
    };
    const checked = opts.validate(raw);
    if ('errors' in checked) {
      refuse(checked.errors);
      continue;
    }
    try {
      plan = await applyDocument(ctx, actor, checked.document, { dryRun: opts.dryRun ?? false });
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'VALIDATION' || err.errors.length === 0) throw err;
      refuse(err.errors);
    }
  }
  if (!plan) throw new DomainError('VALIDATION', 'the import could not be applied: too many entries refused');

  const totals = { heartbeats: 0, imported: 0, skipped: 0, incidents: 0 };
  const wantHistory = opts.history ?? true;
  const imported = monitorReports.filter((r) => r.status === 'imported');
  if (!opts.dryRun) {
    const found = new Map((await projectsRepo.projectsByKeys(ctx.sql, imported.map((r) => r.key!))).map((p) => [p.key, p]));
    for (const r of imported) {
      const p = found.get(r.key!);
      r.project_id = p?.id ?? null;
      // Paused in Kuma, stopped here (and started again when Kuma runs it again).
      const active = mapped.get(r.kuma_id)!.active;
      if (p && p.is_running !== active) await setProjectRunning(ctx, p.id, active);
    }
  }
  if (wantHistory) {
    // Projects import side by side, each page in its own transaction (the pool's connections).
    const queue = [...imported];
    const worker = async () => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        r.history = await importHistory(ctx, db, r.kuma_id, opts.dryRun ? null : r.project_id, { batchSize: opts.batchSize ?? 5000, version });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
    for (const r of imported) {
      totals.heartbeats += r.history!.heartbeats;
      totals.imported += r.history!.imported;
      totals.skipped += r.history!.skipped;
      totals.incidents += r.history!.incidents;
    }
  }

  const group = <T>(items: T[], keyOf: (t: T) => string, idOf: (t: T) => number) => {
    const m = new Map<string, number[]>();
    for (const it of items) m.set(keyOf(it), [...(m.get(keyOf(it)) ?? []), idOf(it)]);
    return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  };
  const unmappedType = (r: KumaMonitorReport) => !(MAPPED_TYPES as readonly string[]).includes(r.type);
  return {
    kuma_version: version,
    applied: !opts.dryRun,
    plan,
    monitors: monitorReports,
    notifications: notificationReports,
    unmapped: {
      monitor_types: group(monitorReports.filter(unmappedType), (r) => r.type, (r) => r.kuma_id).map(([type, monitors]) => ({ type, monitors })),
      providers: group(notificationReports.filter((n) => n.status === 'skipped' && !Object.hasOwn(providerMappings, n.provider)), (n) => n.provider, (n) => n.kuma_id).map(([provider, notifications]) => ({ provider, notifications })),
    },
    history: totals,
  };
}
