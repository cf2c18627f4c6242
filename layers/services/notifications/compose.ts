import * as z from 'zod';
import { translateMessage } from '../../i18n.ts';
import { catalogs, fill, type Catalog, type FieldLabel, type Message, type Params } from './catalog/index.ts';
import { formatDateTime, formatDuration, isLinkable, isValidTimeZone, singleLine, truncate, type Language } from './format.ts';
import {
  notificationSchema,
  type Notification,
  type NotificationData,
  type NotificationDataInput,
  type NotificationKind,
  type ProjectRef,
} from './kinds.ts';

// Composition: a notification and the recipient's language and time zone give the channel-neutral
// content (subject, summary, fields, link) every renderer lays out. The words come from the catalogs.

export const renderOptionsSchema = z.object({
  language: z.enum(['ko', 'en']).default('ko'),
  // A stored zone this runtime does not know must not block delivery; UTC is still unambiguous.
  timezone: z
    .string()
    .default('Asia/Seoul')
    .transform((tz) => (isValidTimeZone(tz) ? tz : 'UTC')),
  publicUrl: z.string().optional(),
});
export type RenderOptions = z.input<typeof renderOptionsSchema>;

export type Severity = 'info' | 'warning' | 'critical';
/** Drives colours: red outage, green recovery, amber warning, blue information. */
export type Tone = 'outage' | 'recovery' | 'warning' | 'info';

export interface NotificationField {
  label: string;
  value: string;
  /** Hashes and similar machine text, shown in monospace. */
  code?: boolean;
  /** The value is a URL to show as a link (only when it is http or https). */
  href?: boolean;
}

/** Channel-neutral content of one notification; every channel lays it out its own way. */
export interface ComposedNotification {
  kind: NotificationKind;
  severity: Severity;
  tone: Tone;
  subject: string;
  summary: string;
  fields: NotificationField[];
  link: { label: string; url: string } | undefined;
  /** The key fact (error message, expiry date) appended to the one-line summary. */
  detail: string | undefined;
  project: ProjectRef | undefined;
  language: Language;
  /** The email footer in the recipient's language. */
  footer: string;
}

export function composeNotification<K extends NotificationKind>(
  kind: K,
  data: NotificationDataInput<K>,
  options: RenderOptions,
): ComposedNotification {
  return composeParsed(notificationSchema.parse({ kind, data }), options);
}

/** One line (<= 280 characters) for push messages, in-app alert titles and chat fallbacks. */
export function shortLine(n: ComposedNotification): string {
  return truncate(n.detail ? `${n.subject} — ${n.detail}` : n.subject, 280);
}

/** The body of an in-app alert, under its title (the subject): the summary and the key fact, not the title again. */
export function inAppMessage(n: ComposedNotification): string {
  return truncate(n.detail ? `${n.summary}\n${n.detail}` : n.summary, 1000);
}

/** Composes an already parsed notification. */
export function composeParsed(n: Notification, options: RenderOptions): ComposedNotification {
  const opts = renderOptionsSchema.parse(options);
  const w = words(opts.language, opts.timezone);
  const body = composeBody(n, w);
  const project = n.data.project ?? undefined;
  const link =
    project && opts.publicUrl && isLinkable(opts.publicUrl)
      ? { label: w.m.common.view_in_dashboard, url: projectLink(opts.publicUrl, project.id) }
      : undefined;
  return {
    kind: n.kind,
    ...body,
    subject: truncate(singleLine(body.subject), 200),
    detail: body.detail === undefined ? undefined : singleLine(body.detail),
    link,
    project,
    language: opts.language,
    footer: w.m.common.email_footer,
  };
}

/** Where a project's page lives in the dashboard (spec 14, index.html lists and details projects). */
export function projectLink(publicUrl: string, projectId: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/frontend/html/index.html?project=${projectId}`;
}

type Body = Pick<ComposedNotification, 'severity' | 'tone' | 'subject' | 'summary' | 'fields'> & { detail?: string | undefined };

/** The recipient's words: the catalog, and formatting in their language and time zone. */
interface Words {
  m: Catalog;
  t: (message: Message, params?: Params, count?: number) => string;
  date: (d: Date) => string;
  duration: (s: number) => string;
  field: (label: FieldLabel, value: string, extra?: Pick<NotificationField, 'code' | 'href'>) => NotificationField;
  /** A probe's message (stored in English) in the recipient's language, where the catalogs know it. */
  text: (message: string) => string;
}

function words(language: Language, timezone: string): Words {
  const m = catalogs[language];
  return {
    m,
    t: (message, params, count) => fill(language, message, params, count),
    date: (d) => formatDateTime(d, timezone),
    duration: (s) => formatDuration(s, language),
    field: (label, value, extra) => ({ label: m.labels[label], value, ...extra }),
    text: (message) => translateMessage(message, language),
  };
}

function composeBody(n: Notification, w: Words): Body {
  switch (n.kind) {
    case 'status_error':
      return statusError(n.data, w);
    case 'recovery':
      return recovery(n.data, w);
    case 'ssl_error':
      return sslError(n.data, w);
    case 'ssl_expiry':
      return expiry(n.data, w, w.m.ssl_expiry, { title: n.data.project.title }, [], optionalField('issuer', n.data.issuer, w));
    case 'domain_expiry':
      return expiry(n.data, w, w.m.domain_expiry, { domain: n.data.domain }, [w.field('domain', n.data.domain)], optionalField('registrar', n.data.registrar, w));
    case 'monitoring_error':
      return monitoringError(n.data, w);
    case 'content_change':
      return contentChange(n.data, w);
    case 'keyword':
      return keyword(n.data, w);
    case 'anomaly':
      return anomaly(n.data, w);
    case 'test':
      return channelTest(n.data, w);
  }
}

function projectFields(p: ProjectRef, w: Words): NotificationField[] {
  return [w.field('project', p.title), w.field('url', p.url, { href: true })];
}

function optionalField(label: FieldLabel, value: string | null | undefined, w: Words): NotificationField[] {
  return value === null || value === undefined ? [] : [w.field(label, value)];
}

function responseTimeField(ms: number | null | undefined, w: Words): NotificationField[] {
  return ms === null || ms === undefined ? [] : [w.field('response_time', `${w.t('{n}', { n: ms })} ms`)];
}

function statusCodeField(code: number | null | undefined, w: Words): NotificationField[] {
  return code === null || code === undefined ? [] : [w.field('status_code', `HTTP ${code}`)];
}

function statusError(d: NotificationData<'status_error'>, w: Words): Body {
  const n = d.consecutive_failures;
  return {
    severity: 'critical',
    tone: 'outage',
    subject: w.t(w.m.status_error.subject, { title: d.project.title, code: d.status_code ? ` (HTTP ${d.status_code})` : '' }),
    summary: w.t(w.m.status_error.summary, { n }),
    fields: [
      ...projectFields(d.project, w),
      ...statusCodeField(d.status_code, w),
      ...optionalField('error', d.error_message && w.text(d.error_message), w),
      ...responseTimeField(d.response_time_ms, w),
      w.field('consecutive_failures', w.t(w.m.common.times, { n })),
      w.field('down_since', w.date(d.started_at)),
      ...(d.checked_at ? [w.field('checked_at', w.date(d.checked_at))] : []),
    ],
    detail: d.error_message ? w.text(d.error_message) : undefined,
  };
}

function recovery(d: NotificationData<'recovery'>, w: Words): Body {
  const downtime = w.duration(d.duration_seconds);
  return {
    severity: 'info',
    tone: 'recovery',
    subject: w.t(w.m.recovery.subject, { title: d.project.title, downtime }),
    summary: w.t(w.m.recovery.summary, { downtime }),
    fields: [
      ...projectFields(d.project, w),
      w.field('down_since', w.date(d.started_at)),
      w.field('recovered_at', w.date(d.ended_at)),
      w.field('downtime', downtime),
      ...statusCodeField(d.status_code, w),
      ...responseTimeField(d.response_time_ms, w),
    ],
  };
}

function sslError(d: NotificationData<'ssl_error'>, w: Words): Body {
  return {
    severity: 'critical',
    tone: 'outage',
    subject: w.t(w.m.ssl_error.subject, { title: d.project.title }),
    summary: w.m.ssl_error.summary,
    fields: [
      ...projectFields(d.project, w),
      w.field('error', w.text(d.error_message)),
      ...optionalField('issuer', d.issuer, w),
      ...(d.expires_at ? [w.field('expires_at', w.date(d.expires_at))] : []),
      ...(d.checked_at ? [w.field('checked_at', w.date(d.checked_at))] : []),
    ],
    detail: w.text(d.error_message),
  };
}

type ExpiryMessages = Catalog['ssl_expiry'];

/** A certificate or a domain that expires in `days_remaining` days (0 today, negative once past). */
function expiry(
  d: { project: ProjectRef; expires_at: Date; days_remaining: number },
  w: Words,
  m: ExpiryMessages,
  subjectParams: Params,
  before: NotificationField[],
  after: NotificationField[],
): Body {
  const days = d.days_remaining;
  const expired = days < 0;
  const span = w.t(w.m.common.days, { n: Math.abs(days) });
  const e = w.m.expiry;
  const [headline, left] =
    days > 0 ? [e.headline_future, e.left_future] : days === 0 ? [e.headline_today, e.left_today] : [e.headline_expired, e.left_expired];
  const when = w.date(d.expires_at);
  return {
    severity: days <= 7 ? 'critical' : 'warning',
    tone: expired ? 'outage' : 'warning',
    subject: w.t(expired ? m.subject_expired : m.subject_expiring, { ...subjectParams, headline: w.t(headline, { days: span }) }),
    summary: w.t(expired ? m.summary_expired : m.summary_expiring, { when }),
    fields: [
      ...projectFields(d.project, w),
      ...before,
      w.field('expires_at', when),
      w.field('time_left', w.t(left, { days: span })),
      ...after,
    ],
    detail: when,
  };
}

function monitoringError(d: NotificationData<'monitoring_error'>, w: Words): Body {
  const p = d.project;
  return {
    severity: 'warning',
    tone: 'warning',
    subject: p
      ? w.t(w.m.monitoring_error.subject_project, { title: p.title })
      : w.t(w.m.monitoring_error.subject_system, { component: d.component }),
    summary: w.m.monitoring_error.summary,
    fields: [
      ...(p ? projectFields(p, w) : []),
      w.field('component', d.component),
      w.field('error', w.text(d.error_message)),
      w.field('occurred_at', w.date(d.occurred_at)),
    ],
    detail: w.text(d.error_message),
  };
}

function contentChange(d: NotificationData<'content_change'>, w: Words): Body {
  return {
    severity: 'info',
    tone: 'info',
    subject: w.t(w.m.content_change.subject, { title: d.project.title }),
    summary: w.m.content_change.summary,
    fields: [
      ...projectFields(d.project, w),
      w.field('watched_area', d.selector ?? w.m.common.whole_page, { code: !!d.selector }),
      w.field('previous_hash', d.old_hash, { code: true }),
      w.field('new_hash', d.new_hash, { code: true }),
      w.field('detected_at', w.date(d.detected_at)),
    ],
  };
}

function keywordList(words: string[], w: Words, max = 3): string {
  const shown = words.slice(0, max).map((k) => `"${k}"`).join(', ');
  const rest = words.length - max;
  return rest <= 0 ? shown : w.t(w.m.common.more_items, { list: shown, n: rest });
}

function keyword(d: NotificationData<'keyword'>, w: Words): Body {
  const found = d.alert_on_found;
  const list = keywordList(found ? d.keywords_found : d.keywords_missing, w);
  const none = w.m.common.none;
  const k = w.m.keyword;
  return {
    severity: 'warning',
    tone: 'warning',
    subject: w.t(found ? k.subject_found : k.subject_missing, { title: d.project.title, list }),
    summary: found ? k.summary_found : k.summary_missing,
    fields: [
      ...projectFields(d.project, w),
      w.field('keywords_found', d.keywords_found.length ? d.keywords_found.join(', ') : none),
      w.field('keywords_missing', d.keywords_missing.length ? d.keywords_missing.join(', ') : none),
      w.field('checked_at', w.date(d.checked_at)),
    ],
  };
}

function anomaly(d: NotificationData<'anomaly'>, w: Words): Body {
  const unit = d.anomaly_type === 'response_time_spike' || d.anomaly_type === 'pattern_change' ? ' ms' : '%';
  return {
    severity: d.severity,
    tone: d.severity === 'critical' ? 'outage' : d.severity === 'warning' ? 'warning' : 'info',
    subject: w.t(w.m.anomaly.subject, { title: d.project.title, type: w.m.anomaly.types[d.anomaly_type] }),
    summary: w.m.anomaly.summary,
    fields: [
      ...projectFields(d.project, w),
      w.field('anomaly_type', w.m.anomaly.types[d.anomaly_type]),
      w.field('measured', `${d.value}${unit}`),
      w.field('expected', `${d.baseline}${unit}`),
      w.field('detected_at', w.date(d.detected_at)),
    ],
    detail: d.message,
  };
}

function channelTest(d: NotificationData<'test'>, w: Words): Body {
  return {
    severity: 'info',
    tone: 'info',
    subject: w.t(w.m.test.subject, { name: d.channel_name }),
    summary: w.m.test.summary,
    fields: [
      w.field('channel', d.channel_name),
      ...optionalField('requested_by', d.requested_by, w),
      w.field('requested_at', w.date(d.requested_at)),
    ],
  };
}
