import * as z from 'zod';
import {
  escapeHtml,
  formatDateTime,
  formatDuration,
  formatNumber,
  isLinkable,
  isValidTimeZone,
  singleLine,
  truncate,
  type Language,
} from './format.ts';

// Notification templates (spec 7.1, 7.3): one model per kind, rendered as an email (subject, text, html),
// a one-line summary, and the fields chat webhooks show. All user text is escaped in HTML and
// flattened to one line in subjects.

export const notificationKinds = [
  'status_error',
  'recovery',
  'ssl_error',
  'ssl_expiry',
  'domain_expiry',
  'monitoring_error',
  'content_change',
  'keyword',
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** An instant given as a Date (in process) or an ISO-8601 string with offset (from JSON: outbox, queues). */
const instant = z
  .union([z.date(), z.iso.datetime({ offset: true })])
  .transform((v) => (typeof v === 'string' ? new Date(v) : v));

export const projectRefSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  url: z.string(),
});
export type ProjectRef = z.infer<typeof projectRefSchema>;

const text = z.string().min(1);
const optionalText = text.nullish();
const responseTimeMs = z.number().nonnegative().nullish();
const statusCode = z.number().int().min(100).max(599).nullish();

export const notificationDataSchemas = {
  /** The project failed `consecutive_failures` checks in a row and is now considered down. */
  status_error: z.object({
    project: projectRefSchema,
    status_code: statusCode,
    error_message: optionalText,
    response_time_ms: responseTimeMs,
    consecutive_failures: z.number().int().positive(),
    started_at: instant,
    checked_at: instant.optional(),
  }),
  /** The project answers again after an outage from started_at to ended_at. */
  recovery: z.object({
    project: projectRefSchema,
    started_at: instant,
    ended_at: instant,
    duration_seconds: z.number().nonnegative(),
    status_code: statusCode,
    response_time_ms: responseTimeMs,
  }),
  /** The certificate is invalid, expired, self-signed, or for another name. */
  ssl_error: z.object({
    project: projectRefSchema,
    error_message: text,
    issuer: optionalText,
    expires_at: instant.nullish(),
    checked_at: instant.optional(),
  }),
  /** The certificate expires in `days_remaining` days (the warning of spec 4.3). */
  ssl_expiry: z.object({
    project: projectRefSchema,
    expires_at: instant,
    days_remaining: z.number().int(),
    issuer: optionalText,
  }),
  domain_expiry: z.object({
    project: projectRefSchema,
    domain: text,
    expires_at: instant,
    days_remaining: z.number().int(),
    registrar: optionalText,
  }),
  /** Py_Monitor itself failed (a probe crashed, a sweep errored); project is absent for system-wide errors. */
  monitoring_error: z.object({
    project: projectRefSchema.nullish(),
    component: text,
    error_message: text,
    occurred_at: instant,
  }),
  content_change: z.object({
    project: projectRefSchema,
    old_hash: text,
    new_hash: text,
    selector: optionalText,
    detected_at: instant,
  }),
  /** alert_on_found=true alerts on keywords_found, false on keywords_missing (spec 4.13). */
  keyword: z.object({
    project: projectRefSchema,
    alert_on_found: z.boolean(),
    keywords_found: z.array(z.string()),
    keywords_missing: z.array(z.string()),
    checked_at: instant,
  }),
} satisfies Record<NotificationKind, z.ZodType>;

type Schemas = typeof notificationDataSchemas;
/** What callers pass (dates as Date or ISO strings). */
export type NotificationDataInput<K extends NotificationKind> = z.input<Schemas[K]>;
/** After parsing (dates as Date). */
export type NotificationData<K extends NotificationKind> = z.output<Schemas[K]>;

const variant = <K extends NotificationKind>(kind: K) =>
  z.object({ kind: z.literal(kind), data: notificationDataSchemas[kind] });

/** `{ kind, data }` as stored in the outbox and carried on queues. */
export const notificationSchema = z.discriminatedUnion('kind', [
  variant('status_error'),
  variant('recovery'),
  variant('ssl_error'),
  variant('ssl_expiry'),
  variant('domain_expiry'),
  variant('monitoring_error'),
  variant('content_change'),
  variant('keyword'),
]);
export type Notification = z.output<typeof notificationSchema>;
export type NotificationInput = z.input<typeof notificationSchema>;

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

/** Channel-neutral content of one notification; email, Slack and Discord lay it out differently. */
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
}

export interface RenderedNotification {
  subject: string;
  text: string;
  html: string;
  /** One line (<= 280 characters) for push messages, in-app alert titles and chat fallbacks. */
  short: string;
}

export function composeNotification<K extends NotificationKind>(
  kind: K,
  data: NotificationDataInput<K>,
  options: RenderOptions,
): ComposedNotification {
  const notification = notificationSchema.parse({ kind, data });
  const opts = renderOptionsSchema.parse(options);
  return compose(notification, opts);
}

export function renderNotification<K extends NotificationKind>(
  kind: K,
  data: NotificationDataInput<K>,
  options: RenderOptions,
): RenderedNotification {
  return renderComposed(composeNotification(kind, data, options));
}

export function renderComposed(n: ComposedNotification): RenderedNotification {
  return { subject: n.subject, text: renderText(n), html: renderHtml(n), short: shortLine(n) };
}

type Opts = z.output<typeof renderOptionsSchema>;

interface Ctx {
  lang: Language;
  ko: boolean;
  tz: string;
  date: (d: Date) => string;
  duration: (s: number) => string;
  num: (n: number) => string;
}

function compose(n: Notification, opts: Opts): ComposedNotification {
  const lang = opts.language;
  const c: Ctx = {
    lang,
    ko: lang === 'ko',
    tz: opts.timezone,
    date: (d) => formatDateTime(d, opts.timezone),
    duration: (s) => formatDuration(s, lang),
    num: (v) => formatNumber(v, lang),
  };
  const body = composeBody(n, c);
  const project = n.data.project ?? undefined;
  const link =
    project && opts.publicUrl && isLinkable(opts.publicUrl)
      ? { label: c.ko ? '대시보드에서 보기' : 'View in dashboard', url: projectLink(opts.publicUrl, project.id) }
      : undefined;
  return {
    kind: n.kind,
    ...body,
    subject: truncate(singleLine(body.subject), 200),
    detail: body.detail === undefined ? undefined : singleLine(body.detail),
    link,
    project,
    language: lang,
  };
}

/** Where a project's page lives in the dashboard (spec 14, index.html lists and details projects). */
export function projectLink(publicUrl: string, projectId: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/frontend/html/index.html?project=${projectId}`;
}

type Body = Omit<ComposedNotification, 'kind' | 'link' | 'project' | 'language' | 'detail'> & { detail?: string | undefined };

function composeBody(n: Notification, c: Ctx): Body {
  switch (n.kind) {
    case 'status_error':
      return statusError(n.data, c);
    case 'recovery':
      return recovery(n.data, c);
    case 'ssl_error':
      return sslError(n.data, c);
    case 'ssl_expiry':
      return sslExpiry(n.data, c);
    case 'domain_expiry':
      return domainExpiry(n.data, c);
    case 'monitoring_error':
      return monitoringError(n.data, c);
    case 'content_change':
      return contentChange(n.data, c);
    case 'keyword':
      return keyword(n.data, c);
  }
}

function projectFields(p: ProjectRef, c: Ctx): NotificationField[] {
  return [
    { label: c.ko ? '프로젝트' : 'Project', value: p.title },
    { label: 'URL', value: p.url, href: true },
  ];
}

function present<T>(value: T | null | undefined, field: (v: T) => NotificationField): NotificationField[] {
  return value === null || value === undefined ? [] : [field(value)];
}

function responseTimeField(ms: number | null | undefined, c: Ctx): NotificationField[] {
  return present(ms, (v) => ({ label: c.ko ? '응답 시간' : 'Response time', value: `${formatNumber(v, c.lang)} ms` }));
}

function statusCodeField(code: number | null | undefined, c: Ctx): NotificationField[] {
  return present(code, (v) => ({ label: c.ko ? '상태 코드' : 'Status code', value: `HTTP ${v}` }));
}

function statusError(d: NotificationData<'status_error'>, c: Ctx): Body {
  const code = d.status_code ? ` (HTTP ${d.status_code})` : '';
  const n = d.consecutive_failures;
  return {
    severity: 'critical',
    tone: 'outage',
    subject: c.ko ? `[장애] ${d.project.title} 접속 불가${code}` : `[Down] ${d.project.title} is down${code}`,
    summary: c.ko
      ? n === 1
        ? '최근 점검에 실패하여 장애로 판단했습니다.'
        : `연속 ${c.num(n)}회 점검에 실패하여 장애로 판단했습니다.`
      : n === 1
        ? 'The latest check failed, so the site is considered down.'
        : `${c.num(n)} consecutive checks failed, so the site is considered down.`,
    fields: [
      ...projectFields(d.project, c),
      ...statusCodeField(d.status_code, c),
      ...present(d.error_message, (v) => ({ label: c.ko ? '오류' : 'Error', value: v })),
      ...responseTimeField(d.response_time_ms, c),
      { label: c.ko ? '연속 실패' : 'Consecutive failures', value: c.ko ? `${c.num(n)}회` : c.num(n) },
      { label: c.ko ? '장애 시작' : 'Down since', value: c.date(d.started_at) },
      ...present(d.checked_at, (v) => ({ label: c.ko ? '확인 시각' : 'Checked at', value: c.date(v) })),
    ],
    detail: d.error_message ?? undefined,
  };
}

function recovery(d: NotificationData<'recovery'>, c: Ctx): Body {
  const downtime = c.duration(d.duration_seconds);
  return {
    severity: 'info',
    tone: 'recovery',
    subject: c.ko
      ? `[복구] ${d.project.title} 정상화 (장애 시간 ${downtime})`
      : `[Recovered] ${d.project.title} is back up (down for ${downtime})`,
    summary: c.ko
      ? `사이트가 다시 정상적으로 응답합니다. 장애는 ${downtime} 동안 이어졌습니다.`
      : `The site is responding normally again after ${downtime} of downtime.`,
    fields: [
      ...projectFields(d.project, c),
      { label: c.ko ? '장애 시작' : 'Down since', value: c.date(d.started_at) },
      { label: c.ko ? '복구 시각' : 'Recovered at', value: c.date(d.ended_at) },
      { label: c.ko ? '장애 시간' : 'Downtime', value: downtime },
      ...statusCodeField(d.status_code, c),
      ...responseTimeField(d.response_time_ms, c),
    ],
  };
}

function sslError(d: NotificationData<'ssl_error'>, c: Ctx): Body {
  return {
    severity: 'critical',
    tone: 'outage',
    subject: c.ko ? `[SSL 오류] ${d.project.title} 인증서 문제 발견` : `[SSL error] ${d.project.title}: certificate problem`,
    summary: c.ko
      ? 'SSL 인증서를 검증하지 못했습니다. 방문자의 브라우저에 보안 경고가 표시될 수 있습니다.'
      : 'The SSL certificate could not be validated. Visitors may see a security warning in their browser.',
    fields: [
      ...projectFields(d.project, c),
      { label: c.ko ? '오류' : 'Error', value: d.error_message },
      ...present(d.issuer, (v) => ({ label: c.ko ? '발급자' : 'Issuer', value: v })),
      ...present(d.expires_at, (v) => ({ label: c.ko ? '만료 일시' : 'Expires at', value: c.date(v) })),
      ...present(d.checked_at, (v) => ({ label: c.ko ? '확인 시각' : 'Checked at', value: c.date(v) })),
    ],
    detail: d.error_message,
  };
}

/** "7일 후 만료" / "expires in 7 days", "오늘 만료", "만료됨 (3일 경과)". */
function expiryPhrase(days: number, c: Ctx): { headline: string; left: string } {
  const dayWord = (n: number) => (c.ko ? `${c.num(n)}일` : `${c.num(n)} ${n === 1 ? 'day' : 'days'}`);
  if (days > 0) return c.ko ? { headline: `${dayWord(days)} 후 만료`, left: dayWord(days) } : { headline: `expires in ${dayWord(days)}`, left: dayWord(days) };
  if (days === 0) return c.ko ? { headline: '오늘 만료', left: '오늘 만료' } : { headline: 'expires today', left: 'expires today' };
  const ago = -days;
  return c.ko
    ? { headline: '만료됨', left: `만료됨 (${dayWord(ago)} 경과)` }
    : { headline: 'expired', left: `expired ${dayWord(ago)} ago` };
}

function sslExpiry(d: NotificationData<'ssl_expiry'>, c: Ctx): Body {
  const phrase = expiryPhrase(d.days_remaining, c);
  const expired = d.days_remaining < 0;
  const when = c.date(d.expires_at);
  return {
    severity: d.days_remaining <= 7 ? 'critical' : 'warning',
    tone: expired ? 'outage' : 'warning',
    subject: c.ko
      ? `[${expired ? 'SSL 만료' : 'SSL 만료 예정'}] ${d.project.title} 인증서 ${phrase.headline}`
      : `[${expired ? 'SSL expired' : 'SSL expiring'}] ${d.project.title}: certificate ${phrase.headline}`,
    summary: expired
      ? c.ko
        ? `SSL 인증서가 ${when}에 만료되었습니다. 바로 갱신해 주세요.`
        : `The SSL certificate expired on ${when}. Renew it now.`
      : c.ko
        ? `SSL 인증서가 ${when}에 만료됩니다. 만료되기 전에 갱신해 주세요.`
        : `The SSL certificate expires on ${when}. Renew it before then.`,
    fields: [
      ...projectFields(d.project, c),
      { label: c.ko ? '만료 일시' : 'Expires at', value: when },
      { label: c.ko ? '남은 기간' : 'Time left', value: phrase.left },
      ...present(d.issuer, (v) => ({ label: c.ko ? '발급자' : 'Issuer', value: v })),
    ],
    detail: when,
  };
}

function domainExpiry(d: NotificationData<'domain_expiry'>, c: Ctx): Body {
  const phrase = expiryPhrase(d.days_remaining, c);
  const expired = d.days_remaining < 0;
  const when = c.date(d.expires_at);
  return {
    severity: d.days_remaining <= 7 ? 'critical' : 'warning',
    tone: expired ? 'outage' : 'warning',
    subject: c.ko
      ? `[${expired ? '도메인 만료' : '도메인 만료 예정'}] ${d.domain} ${phrase.headline}`
      : `[${expired ? 'Domain expired' : 'Domain expiring'}] ${d.domain} ${phrase.headline}`,
    summary: expired
      ? c.ko
        ? `도메인 등록이 ${when}에 만료되었습니다. 도메인을 잃기 전에 바로 갱신해 주세요.`
        : `The domain registration expired on ${when}. Renew it now before the domain is lost.`
      : c.ko
        ? `도메인 등록이 ${when}에 만료됩니다. 등록기관에서 갱신해 주세요.`
        : `The domain registration expires on ${when}. Renew it with your registrar.`,
    fields: [
      ...projectFields(d.project, c),
      { label: c.ko ? '도메인' : 'Domain', value: d.domain },
      { label: c.ko ? '만료 일시' : 'Expires at', value: when },
      { label: c.ko ? '남은 기간' : 'Time left', value: phrase.left },
      ...present(d.registrar, (v) => ({ label: c.ko ? '등록기관' : 'Registrar', value: v })),
    ],
    detail: when,
  };
}

function monitoringError(d: NotificationData<'monitoring_error'>, c: Ctx): Body {
  const p = d.project;
  return {
    severity: 'warning',
    tone: 'warning',
    subject: p
      ? c.ko
        ? `[모니터링 오류] ${p.title} 점검 실행 실패`
        : `[Monitoring error] ${p.title}: check could not run`
      : c.ko
        ? `[모니터링 오류] ${d.component} 오류 발생`
        : `[Monitoring error] ${d.component} failed`,
    summary: c.ko
      ? '모니터링 시스템에 오류가 생겨 점검을 마치지 못했습니다. 사이트 자체의 장애가 아닐 수 있습니다.'
      : 'Py_Monitor hit an internal error and could not complete the check. The site itself may be fine.',
    fields: [
      ...(p ? projectFields(p, c) : []),
      { label: c.ko ? '구성 요소' : 'Component', value: d.component },
      { label: c.ko ? '오류' : 'Error', value: d.error_message },
      { label: c.ko ? '발생 시각' : 'Occurred at', value: c.date(d.occurred_at) },
    ],
    detail: d.error_message,
  };
}

function contentChange(d: NotificationData<'content_change'>, c: Ctx): Body {
  return {
    severity: 'info',
    tone: 'info',
    subject: c.ko ? `[콘텐츠 변경] ${d.project.title} 페이지 내용 변경 감지` : `[Content changed] ${d.project.title}`,
    summary: c.ko ? '감시 중인 페이지의 내용이 바뀌었습니다.' : 'The content of the monitored page has changed.',
    fields: [
      ...projectFields(d.project, c),
      { label: c.ko ? '감시 영역' : 'Watched area', value: d.selector ?? (c.ko ? '페이지 전체' : 'Whole page'), code: !!d.selector },
      { label: c.ko ? '이전 해시' : 'Previous hash', value: d.old_hash, code: true },
      { label: c.ko ? '새 해시' : 'New hash', value: d.new_hash, code: true },
      { label: c.ko ? '감지 시각' : 'Detected at', value: c.date(d.detected_at) },
    ],
  };
}

function keywordList(words: string[], c: Ctx, max = 3): string {
  const shown = words.slice(0, max).map((w) => `"${w}"`).join(', ');
  const rest = words.length - max;
  if (rest <= 0) return shown;
  return c.ko ? `${shown} 외 ${c.num(rest)}개` : `${shown} and ${c.num(rest)} more`;
}

function keyword(d: NotificationData<'keyword'>, c: Ctx): Body {
  const found = d.alert_on_found;
  const words = found ? d.keywords_found : d.keywords_missing;
  const list = keywordList(words, c);
  const none = c.ko ? '없음' : 'None';
  return {
    severity: 'warning',
    tone: 'warning',
    subject: found
      ? c.ko
        ? `[키워드 감지] ${d.project.title}에서 키워드 발견: ${list}`
        : `[Keyword found] ${d.project.title}: ${list}`
      : c.ko
        ? `[키워드 미발견] ${d.project.title}에서 키워드를 찾을 수 없음: ${list}`
        : `[Keyword missing] ${d.project.title}: ${list}`,
    summary: found
      ? c.ko
        ? '알림을 설정한 키워드가 페이지에 나타났습니다.'
        : 'Keywords you are watching for appeared on the page.'
      : c.ko
        ? '페이지에 있어야 할 키워드를 찾지 못했습니다.'
        : 'Keywords that should be on the page are missing.',
    fields: [
      ...projectFields(d.project, c),
      { label: c.ko ? '발견된 키워드' : 'Found', value: d.keywords_found.length ? d.keywords_found.join(', ') : none },
      { label: c.ko ? '찾지 못한 키워드' : 'Missing', value: d.keywords_missing.length ? d.keywords_missing.join(', ') : none },
      { label: c.ko ? '확인 시각' : 'Checked at', value: c.date(d.checked_at) },
    ],
  };
}

function footer(lang: Language): string {
  return lang === 'ko'
    ? '이 메일은 Py_Monitor가 자동으로 보냈습니다. 알림 설정은 프로필 페이지에서 바꿀 수 있습니다.'
    : 'Sent automatically by Py_Monitor. You can change notification settings on your profile page.';
}

function renderText(n: ComposedNotification): string {
  const lines = [n.subject, '', n.summary, ''];
  for (const f of n.fields) lines.push(`${f.label}: ${f.value.includes('\n') ? `\n  ${f.value.split('\n').join('\n  ')}` : f.value}`);
  if (n.link) lines.push('', `${n.link.label}: ${n.link.url}`);
  lines.push('', '--', footer(n.language));
  return lines.join('\n') + '\n';
}

const toneColors: Record<Tone, string> = { outage: '#d93025', recovery: '#1e8e3e', warning: '#e37400', info: '#1a73e8' };
export const toneColorValues: Record<Tone, number> = { outage: 0xd93025, recovery: 0x1e8e3e, warning: 0xf9ab00, info: 0x1a73e8 };

function renderHtml(n: ComposedNotification): string {
  const color = toneColors[n.tone];
  const rows = n.fields
    .map((f) => {
      const value = escapeHtml(f.value).replace(/\r?\n/g, '<br>');
      const cell =
        f.href && isLinkable(f.value)
          ? `<a href="${escapeHtml(f.value)}" style="color:#1a73e8">${value}</a>`
          : f.code
            ? `<code style="font-family:Menlo,Consolas,monospace;font-size:13px;word-break:break-all">${value}</code>`
            : value;
      return (
        `<tr><th align="left" valign="top" style="padding:6px 12px 6px 0;color:#5f6368;font-weight:normal;white-space:nowrap">${escapeHtml(f.label)}</th>` +
        `<td style="padding:6px 0;color:#202124">${cell}</td></tr>`
      );
    })
    .join('\n');
  const link = n.link
    ? `<p style="margin:20px 0 0"><a href="${escapeHtml(n.link.url)}" style="display:inline-block;padding:10px 16px;background:${color};color:#ffffff;text-decoration:none;border-radius:4px">${escapeHtml(n.link.label)}</a></p>`
    : '';
  return `<!doctype html>
<html lang="${n.language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(n.subject)}</title></head>
<body style="margin:0;padding:24px;background:#f1f3f4;font-family:-apple-system,'Segoe UI','Apple SD Gothic Neo','Malgun Gothic',sans-serif;font-size:14px;line-height:1.5">
<div style="max-width:600px;margin:0 auto;background:#ffffff;border-top:4px solid ${color};padding:24px">
<h1 style="margin:0 0 12px;font-size:18px;color:${color}">${escapeHtml(n.subject)}</h1>
<p style="margin:0 0 16px;color:#202124">${escapeHtml(n.summary)}</p>
<table role="presentation" cellspacing="0" cellpadding="0" style="border-collapse:collapse">
${rows}
</table>
${link}
<p style="margin:24px 0 0;color:#80868b;font-size:12px">${escapeHtml(footer(n.language))}</p>
</div>
</body>
</html>
`;
}

function shortLine(n: ComposedNotification): string {
  return truncate(n.detail ? `${n.subject} — ${n.detail}` : n.subject, 280);
}
