import { formatNumber, type Language } from '../format.ts';

// The shape every language's message catalog fills in. A message is a template with `{name}`
// placeholders, or variants chosen by a count: an exact `=N` first, then the language's plural
// category (Intl.PluralRules), then `other`.

export type Message = string | { readonly other: string; readonly [selector: string]: string };

export const fieldLabels = [
  'project',
  'url',
  'status_code',
  'error',
  'response_time',
  'consecutive_failures',
  'down_since',
  'checked_at',
  'recovered_at',
  'downtime',
  'issuer',
  'expires_at',
  'time_left',
  'domain',
  'registrar',
  'component',
  'occurred_at',
  'watched_area',
  'previous_hash',
  'new_hash',
  'detected_at',
  'keywords_found',
  'keywords_missing',
  'channel',
  'requested_by',
  'requested_at',
  'anomaly_type',
  'measured',
  'expected',
] as const;
export type FieldLabel = (typeof fieldLabels)[number];

export interface Catalog {
  labels: Record<FieldLabel, string>;
  common: {
    view_in_dashboard: string;
    whole_page: string;
    none: string;
    /** The last line of an email. */
    email_footer: string;
    /** A count of checks, e.g. consecutive failures: `{n}`. */
    times: Message;
    /** A number of days: `{n}`. */
    days: Message;
    /** The first few items of a list and how many more: `{list}`, `{n}`. */
    more_items: string;
  };
  /** Expiry wording for certificates and domains: `{days}` is a `days` message. */
  expiry: {
    headline_future: string;
    headline_today: string;
    headline_expired: string;
    left_future: string;
    left_today: string;
    left_expired: string;
  };
  status_error: { subject: string; summary: Message };
  recovery: { subject: string; summary: string };
  ssl_error: { subject: string; summary: string };
  ssl_expiry: { subject_expiring: string; subject_expired: string; summary_expiring: string; summary_expired: string };
  domain_expiry: { subject_expiring: string; subject_expired: string; summary_expiring: string; summary_expired: string };
  monitoring_error: { subject_project: string; subject_system: string; summary: string };
  content_change: { subject: string; summary: string };
  keyword: { subject_found: string; subject_missing: string; summary_found: string; summary_missing: string };
  test: { subject: string; summary: string };
  anomaly: { subject: string; summary: string; types: Record<'response_time_spike' | 'availability_drop' | 'error_rate_increase' | 'pattern_change', string> };
}

const pluralRules = new Map<Language, Intl.PluralRules>();

function pluralOf(language: Language, n: number): string {
  let rules = pluralRules.get(language);
  if (!rules) {
    rules = new Intl.PluralRules(language === 'ko' ? 'ko-KR' : 'en-US');
    pluralRules.set(language, rules);
  }
  return rules.select(n);
}

export type Params = Record<string, string | number>;

/**
 * Fills a message: numbers are formatted for the language; `count` (or the `n` parameter) picks the
 * variant of a message that has several.
 */
export function fill(language: Language, message: Message, params: Params = {}, count?: number): string {
  let template: string;
  if (typeof message === 'string') {
    template = message;
  } else {
    const n = count ?? (typeof params['n'] === 'number' ? params['n'] : undefined);
    template = (n === undefined ? undefined : (message[`=${n}`] ?? message[pluralOf(language, n)])) ?? message.other;
  }
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value, language) : value;
  });
}
