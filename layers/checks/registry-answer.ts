import * as z from 'zod';
import { dateConventionFor, orderFromHint, parseRegistryDate, type DateConvention, type DayOrder, type ParsedDate } from './registry-date.ts';

// What a registry's answer says about a domain: expiry, registration date and registrar, read from a
// WHOIS text (RFC 3912, every registry its own layout) or an RDAP document (RFC 9083).

export interface RegistryFacts {
  expires: Date | null;
  /** Why no expiry date was taken although the answer seemed to have one (ambiguous, unreadable). */
  expiryProblem: string | null;
  registered: Date | null;
  registrar: string | null;
}

export interface WhoisFacts extends RegistryFacts {
  /** The registry's or IANA's pointer to the next WHOIS server, as written. */
  referral: string | null;
  /** The answer says the name is not registered. */
  notFound: boolean;
  /** An IANA-style answer about the TLD (`refer:`), whose dates are the TLD's, not the domain's. */
  referralOnly: boolean;
}

/** Keys in order of authority: the registry's own date before a registrar's, specific before loose. */
const EXPIRY_KEYS = [
  'registry expiry date',
  'registry expiration date',
  'expiry date',
  'expiration date',
  'expire date',
  'expiration time',
  'expires on',
  'expires at',
  'expires',
  'expire',
  'expire-date',
  'expiry',
  'exp date',
  'expiration',
  'record expires on',
  'record will expire on',
  'domain expires',
  'domain expiration date',
  'domain currently expires',
  'domain_datebilleduntil',
  'paid-till',
  'valid until',
  'valid-date',
  'validity',
  'renewal date',
  'renewal',
  'date_renewal',
  'fecha de vencimiento',
  'fecha de expiración',
  'fecha de expiracion',
  'data de expiração',
  'data de expiracao',
  'data de validade',
  'scadenza',
  "date d'expiration",
  '有効期限',
  '사용 종료일',
  '만료일',
  '到期时间',
  '过期时间',
  'registrar registration expiration date',
];
const CREATED_KEYS = [
  'creation date',
  'created',
  'created on',
  'registered on',
  'registration time',
  'registration date',
  'registered',
  'record created on',
  'domain registration date',
  'domain_dateregistered',
  'date_created',
  'fecha de registro',
  'fecha de creación',
  'fecha de creacion',
  'data de registo',
  'data de criação',
  '登録年月日',
  '등록일',
  '注册时间',
];
const REGISTRAR_KEYS = ['registrar', 'registrar name', 'sponsoring registrar', 'registrar organization', 'registrar organization name', 'authorized agency', '등록대행자', '注册商'];
const REFERRAL_KEYS = ['registrar whois server', 'refer', 'whois', 'whois server'];
const STATUS_KEYS = new Set(['status', 'state', 'domain status', 'registration status', '状態']);
// A WHOIS key may be written without its colon (`Valid-date 2026-08-22`, `Record expires on 2026-...`).
const KEYS_WITHOUT_COLON = [...EXPIRY_KEYS, ...CREATED_KEYS]
  .filter((k) => !/[^\x20-\x7e]/.test(k))
  .sort((a, b) => b.length - a.length)
  .map((k) => k.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&'));
const BARE_KEY = new RegExp(`^\\s*(${KEYS_WITHOUT_COLON.join('|')})\\s+(\\d.*)$`, 'i');

export interface WhoisEntry {
  key: string;
  value: string;
  /** The day/month order the key states (`Expiration Date (dd/mm/yyyy):`), if it states one. */
  order?: DayOrder;
}

const normaliseKey = (k: string) =>
  k
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s.]+$/, '')
    .trim();

/**
 * The `key: value` entries of a WHOIS answer in order, keys lower-cased: `key: value`, dotted leaders
 * (`expires.....: x`), bracketed keys (`[有効期限] x`, `a. [Expires on] x`), known keys without a colon,
 * and a value written on the line after its key (`Renewal date:` then the date).
 */
export function whoisEntries(text: string): WhoisEntry[] {
  const lines = text.split(/\r?\n/);
  const entries: WhoisEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s*[%#>]/.test(line) || line.trim() === '') continue;
    let key: string | undefined;
    let value: string | undefined;
    const bracket = /^\s*(?:[a-z]\.\s*)?\[([^\]]{1,60})\]\s*(.*)$/i.exec(line);
    const bare = BARE_KEY.exec(line);
    const colon = /^\s*([^:]{1,80}?)\s*(?:\.{2,}\s*)?:\s*(.*?)\s*$/.exec(line);
    if (bracket) [key, value] = [bracket[1], bracket[2]];
    else if (/^\s*registrar\s*$/i.test(line)) [key, value] = ['registrar', ''];
    else if (bare && (!colon || /\d/.test(colon[1] ?? ''))) [key, value] = [bare[1], bare[2]];
    else if (colon) [key, value] = [colon[1], colon[2]];
    if (key === undefined) continue;
    value = (value ?? '').trim();
    if (value === '') {
      // The value may sit on the next non-empty line, indented under its key. A line at the same depth
      // that is itself `key: value` (or `key:`) is the next field, not this one's value: an empty
      // `Registrar WHOIS Server:` before `Registrar URL: https://...` has no value.
      const next = lines.slice(i + 1).find((l) => l.trim() !== '');
      const depth = (l: string) => /^\s*/.exec(l)?.[0].replace(/\t/g, '        ').length ?? 0;
      const isField = (l: string) => /^\s*[^:\s][^:]{0,79}:(\s|$)/.test(l);
      // `Registrar:` then `name: X` at the same depth is a block with its name (.ee), read by registrarName.
      const blockName = (l: string) => /^\s*(name|organi[sz]ation)\s*:\s*\S/i.test(l);
      if (next && !/^\s*[%#>[]/.test(next) && (depth(next) > depth(line) || !isField(next) || blockName(next))) value = next.trim();
    }
    if (value === '') continue;
    // A format hint in the key (`Expiration Date (dd/mm/yyyy):`) is not part of it, and states the order.
    const hint = /\s*(\([dmy]{1,4}[-./ ][dmy]{1,4}[-./ ][dmy]{1,4}[^)]*\))\s*$/i.exec(key);
    const order = hint ? orderFromHint(hint[1] ?? '') : undefined;
    if (hint) key = key.slice(0, hint.index);
    entries.push(order ? { key: normaliseKey(key), value, order } : { key: normaliseKey(key), value });
  }
  return entries;
}

/** `key: value` fields of a WHOIS answer, keys lower-cased, first occurrence kept. */
export function whoisFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const { key, value } of whoisEntries(text)) if (!fields.has(key)) fields.set(key, value);
  return fields;
}

const NOT_FOUND = /no match|not found|no data found|no entries found|status:\s*free|status:\s*available|available for registration|no object found|object does not exist/i;

function firstDate(entries: WhoisEntry[], keys: string[], convention: DateConvention): { date: Date | null; problem: string | null } {
  let problem: string | null = null;
  for (const key of keys) {
    for (const e of entries) {
      if (e.key !== key) continue;
      const parsed = parseRegistryDate(e.value, e.order ? { ...convention, order: e.order } : convention);
      if (parsed.ok) return { date: parsed.date, problem: null };
      problem ??= `${key}: ${parsed.reason}`;
    }
  }
  return { date: null, problem };
}

/** A registrar value, or its `Name:` when the registrar is a block (`Registrar:` then `Name: X`). */
function registrarName(value: string): string | undefined {
  if (/^https?:/i.test(value)) return undefined;
  const kv = /^([\w .-]{1,40}?)\s*(?:\.{2,}\s*)?:\s*(.*)$/.exec(value);
  if (!kv) return value;
  // A value that is itself `key: value` belongs to a block: only its name counts.
  return /^(name|organi[sz]ation|registrar)$/i.test(kv[1]?.trim() ?? '') && kv[2] ? kv[2].trim() : undefined;
}

/**
 * Reads one WHOIS answer for `domain`. The registry's answer reads all-numeric dates by the TLD's
 * convention; a registrar's (`from: 'registrar'`, any country's layout) is held to no convention.
 */
export function readWhoisAnswer(text: string, domain: string, from: 'registry' | 'registrar' = 'registry'): WhoisFacts {
  const entries = whoisEntries(text);
  const refer = entries.find((e) => e.key === 'refer')?.value;
  if (refer) {
    return { expires: null, expiryProblem: null, registered: null, registrar: null, referral: refer, notFound: false, referralOnly: true };
  }
  const convention = from === 'registry' ? dateConventionFor(domain) : {};
  let { date: expires, problem } = firstDate(entries, EXPIRY_KEYS, convention);
  if (!expires) {
    // Some registries put it in the status line: `Status: OK-UNTIL 20260822`, `[状態] Connected (2026/08/31)`.
    for (const e of entries) {
      if (!STATUS_KEYS.has(e.key)) continue;
      const m = /\bok-until\s+(\S+(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)/i.exec(e.value) ?? /\bconnected\s*\((\d{4}\/\d{1,2}\/\d{1,2})\)/i.exec(e.value);
      if (!m) continue;
      const parsed = parseRegistryDate(m[1] ?? '', convention);
      if (parsed.ok) {
        expires = parsed.date;
        problem = null;
        break;
      }
      problem ??= `status ${JSON.stringify(e.value.slice(0, 40))}: ${parsed.reason}`;
    }
  }
  const registered = firstDate(entries, CREATED_KEYS, convention).date;
  const registrar = entries.filter((e) => REGISTRAR_KEYS.includes(e.key)).map((e) => registrarName(e.value)).find((v) => v !== undefined) ?? null;
  const referral = entries.find((e) => REFERRAL_KEYS.includes(e.key))?.value ?? null;
  return {
    expires,
    expiryProblem: expires ? null : problem,
    registered,
    registrar,
    referral,
    notFound: NOT_FOUND.test(text) && entries.length < 3,
    referralOnly: false,
  };
}

// ---------------------------------------------------------------------------------------------
// RDAP

const eventSchema = z.object({ eventAction: z.string(), eventDate: z.string() });
const entitySchema = z.object({
  roles: z.array(z.string()).optional(),
  vcardArray: z.unknown().optional(),
  entities: z.unknown().optional(),
  handle: z.string().optional(),
});
type Entity = z.infer<typeof entitySchema>;
const vcardSchema = z.tuple([z.literal('vcard'), z.array(z.array(z.unknown()))]);
const documentSchema = z.object({ events: z.array(z.unknown()).optional(), entities: z.unknown().optional() });

/** Entities as RFC 9083 writes them (an array), or as an object seen in the wild (one entity, or a map of them). */
function entityList(raw: unknown): Entity[] {
  if (raw === undefined || raw === null) return [];
  const items = Array.isArray(raw) ? raw : typeof raw === 'object' && ('roles' in raw || 'vcardArray' in raw || 'handle' in raw) ? [raw] : typeof raw === 'object' ? Object.values(raw) : [];
  return items.flatMap((item) => {
    const parsed = entitySchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

const textOf = (v: unknown): string | undefined => {
  if (typeof v === 'string') return v.trim() || undefined;
  if (Array.isArray(v)) return v.map(textOf).filter((s) => s !== undefined).join(', ') || undefined;
  return undefined;
};

/** The vCard's `fn`, else its `org` (RFC 6350), else nothing. */
export function vcardName(v: unknown): string | undefined {
  const card = vcardSchema.safeParse(v);
  if (!card.success) return undefined;
  const prop = (name: string) => card.data[1].find((p) => p[0] === name && textOf(p[3]) !== undefined)?.[3];
  return textOf(prop('fn')) ?? textOf(prop('org'));
}

function findRegistrar(entities: Entity[], depth = 0): Entity | undefined {
  for (const e of entities) if (e.roles?.some((r) => r.toLowerCase() === 'registrar')) return e;
  if (depth >= 2) return undefined;
  for (const e of entities) {
    const inner = findRegistrar(entityList(e.entities), depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

export type RdapFacts = ({ ok: true } & RegistryFacts) | { ok: false; reason: string };

/** Reads an RDAP domain document; unknown or malformed members are skipped, not fatal. */
export function readRdapAnswer(doc: unknown, domain: string): RdapFacts {
  const parsed = documentSchema.safeParse(doc);
  if (!parsed.success) return { ok: false, reason: 'the answer is not an RDAP object' };
  const events = (parsed.data.events ?? []).flatMap((e) => {
    const r = eventSchema.safeParse(e);
    return r.success ? [r.data] : [];
  });
  const convention = dateConventionFor(domain);
  const dateOf = (actions: string[]): { date: Date | null; problem: string | null } => {
    let problem: string | null = null;
    for (const action of actions) {
      for (const e of events) {
        if (e.eventAction.trim().toLowerCase() !== action) continue;
        const d: ParsedDate = parseRegistryDate(e.eventDate, convention);
        if (d.ok) return { date: d.date, problem: null };
        problem ??= `${action} event: ${d.reason}`;
      }
    }
    return { date: null, problem };
  };
  const expiry = dateOf(['expiration', 'registrar expiration']);
  const registrarEntity = findRegistrar(entityList(parsed.data.entities));
  return {
    ok: true,
    expires: expiry.date,
    expiryProblem: expiry.date ? null : expiry.problem,
    registered: dateOf(['registration']).date,
    registrar: registrarEntity ? (vcardName(registrarEntity.vcardArray) ?? registrarEntity.handle ?? null) : null,
  };
}
