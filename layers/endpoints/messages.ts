import en from '../../frontend/locales/en.json' with { type: 'json' };
import ko from '../../frontend/locales/ko.json' with { type: 'json' };
import type { Language } from '../model/user.ts';

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

/** One message in `lang`; "field: message" keeps the field and translates the message. */
export function translateMessage(message: string, lang: Language): string {
  if (lang === 'en' || message === '') return message;
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
