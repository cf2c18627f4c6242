import en from '../frontend/locales/en.json' with { type: 'json' };
import ko from '../frontend/locales/ko.json' with { type: 'json' };
import type { Language } from './model/user.ts';

// Server messages in the reader's language, from the dashboard's own catalogs (frontend/locales/*.json,
// the `api.` keys). The services write their messages in English; the English catalog holds each as a
// template ("too many requests; retry in {seconds} s") and the other language its translation. A message
// no template matches stays in English.

type Catalog = Record<string, string>;
const catalogs: Record<Language, Catalog> = { en: en as Catalog, ko: ko as Catalog };

interface Template {
  key: string;
  regex: RegExp;
  names: string[];
  literal: number;
}

const escape = (s: string) => s.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');

/** The English `api.` templates as patterns, the most literal text first (the most specific wins). */
const templates: Template[] = Object.entries(catalogs.en)
  .filter(([key]) => key.startsWith('api.') && !key.startsWith('api.word.'))
  .map(([key, text]) => {
    const names: string[] = [];
    const source = text
      .split(/(\{\w+\})/)
      .map((part) => {
        const m = /^\{(\w+)\}$/.exec(part);
        if (!m) return escape(part);
        names.push(m[1]!);
        return '(.+?)';
      })
      .join('');
    return { key, regex: new RegExp(`^${source}$`, 's'), names, literal: text.replace(/\{\w+\}/g, '').length };
  })
  .sort((a, b) => b.literal - a.literal);

/** A placeholder's value: the words of the zod messages (string, number, characters...) in the language too. */
function word(value: string, lang: Language): string {
  return catalogs[lang][`api.word.${value}`] ?? value;
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => values[name] ?? m);
}

/**
 * A placeholder's value in `lang`: a word of the zod messages, or a message of its own (the probes nest
 * them: "TLS handshake failed: {reason}", "no resolver answered ({problems})" with "; "-joined parts).
 */
function value(text: string, lang: Language): string {
  const w = word(text, lang);
  if (w !== text) return w;
  return text
    .split('; ')
    .map((part) => translateMessage(part, lang))
    .join('; ');
}

/** The catalog's text for `key` in `lang`, filled from `params` (values translated when they are messages); undefined without the key. */
export function renderMessage(key: string, params: Record<string, unknown>, lang: Language): string | undefined {
  const text = catalogs[lang][key];
  if (text === undefined) return undefined;
  const values = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, lang === 'en' ? String(v) : value(String(v), lang)]));
  return fill(text, values);
}

/**
 * Translations already made, per language: the same few probe errors come back on every list of
 * results, and a message without a template would otherwise be matched against every one again.
 * Bounded: only short messages are kept (a message can carry what a request sent), and the map is
 * emptied when full.
 */
const translated: Record<Language, Map<string, string>> = { en: new Map(), ko: new Map() };
const TRANSLATED_MAX = 5_000;
const TRANSLATED_MAX_LENGTH = 500;

/** One message in `lang`; "field: message" keeps the field and translates the message. */
export function translateMessage(message: string, lang: Language): string {
  if (lang === 'en' || message === '') return message;
  const seen = translated[lang];
  const known = seen.get(message);
  if (known !== undefined) return known;
  const out = matchMessage(message, lang);
  if (message.length <= TRANSLATED_MAX_LENGTH) {
    if (seen.size >= TRANSLATED_MAX) seen.clear();
    seen.set(message, out);
  }
  return out;
}

function matchMessage(message: string, lang: Language): string {
  const target = catalogs[lang];
  for (const t of templates) {
    const m = t.regex.exec(message);
    const text = m ? target[t.key] : undefined;
    if (!m || text === undefined) continue;
    return fill(text, Object.fromEntries(t.names.map((n, i) => [n, value(m[i + 1]!, lang)])));
  }
  // "field: message", or a resolver's "127.0.0.1:53: message"
  const prefixed = /^([\w.[\]:-]+): (.+)$/s.exec(message);
  if (prefixed) {
    const rest = translateMessage(prefixed[2]!, lang);
    if (rest !== prefixed[2]) return `${prefixed[1]}: ${rest}`;
  }
  return message;
}

/** The probed site's own data (response headers, bodies, DNS records, JSON values): kept as it came. */
const SITE_DATA = new Set(['response_headers', 'body', 'response_body', 'records', 'answers', 'value', 'expected', 'actual', 'params']);

/**
 * The messages of an answer in `lang`: the string values under `keys` are translated, and a finding
 * with a `code` and `params` gets its `message` from the catalog (`api.finding.<code>`). The probed
 * site's own data is never touched (SITE_DATA, and an HTTP result's `headers` of strings). Plain
 * objects and arrays of them are walked; anything else (numbers' arrays, dates, replies) is left as it
 * is, and nothing is copied unless it changes.
 */
export function translateAnswer<T>(value: T, lang: Language, keys: ReadonlySet<string>): T {
  if (lang === 'en') return value;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      if (!v.some((x) => typeof x === 'object' && x !== null)) return v;
      let changed = false;
      const out = v.map((x) => {
        const y = walk(x);
        if (y !== x) changed = true;
        return y;
      });
      return changed ? out : v;
    }
    if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return v;
    const o = v as Record<string, unknown>;
    const finding =
      keys.has('message') && typeof o['code'] === 'string' && typeof o['message'] === 'string' && typeof o['params'] === 'object' && o['params'] !== null
        ? renderMessage(`api.finding.${o['code']}`, o['params'] as Record<string, unknown>, lang)
        : undefined;
    let out: Record<string, unknown> | undefined;
    for (const [k, x] of Object.entries(o)) {
      let y: unknown;
      if (k === 'message' && finding !== undefined) y = finding;
      else if (typeof x === 'string') y = keys.has(k) ? translateMessage(x, lang) : x;
      else if (SITE_DATA.has(k) || (k === 'headers' && Object.values(x ?? {}).some((h) => typeof h !== 'object'))) y = x;
      else y = walk(x);
      if (y !== x) (out ??= { ...o })[k] = y;
    }
    return out ?? v;
  };
  return walk(value) as T;
}

const ERROR_MESSAGE = new Set(['error_message']);

/** Every `error_message` of an answer in `lang`: the probes store their errors in English (check results, last results, browser runs). */
export function translateErrorMessages<T>(value: T, lang: Language): T {
  return translateAnswer(value, lang, ERROR_MESSAGE);
}

/** The language of a request that has no signed-in user: the first of `Accept-Language` we have, else English. */
export function languageOfHeader(header: string | undefined): Language {
  if (!header) return 'en';
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((r) => r.q > 0 && Number.isFinite(r.q))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    const primary = r.tag.split('-')[0];
    if (primary === 'ko' || primary === 'en') return primary;
  }
  return 'en';
}
