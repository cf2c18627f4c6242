// Dates as WHOIS servers and RDAP services write them. Every format is parsed explicitly: nothing is
// handed to Date.parse or `new Date(text)`, whose reading of `03/08/2014` or a zone-less time depends
// on the engine and the host's TZ. Day-first against month-first is decided by the registry's
// convention (see `dateConventionFor`), and a date that stays ambiguous gives no date and a reason.

/** Order of day and month in all-numeric dates such as `03/08/2014`. */
export type DayOrder = 'dmy' | 'mdy';

export interface DateConvention {
  /** Unknown when absent: an all-numeric date whose day and month could swap is then refused. */
  order?: DayOrder;
}

export type ParsedDate = { ok: true; date: Date; hasTime: boolean } | { ok: false; reason: string };

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const WEEKDAY = '(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?';

/** Zone abbreviations registries print, in minutes east of UTC. Ambiguous ones (CST, IST, BST) are left out. */
const ZONE_ABBREVIATIONS: Record<string, number> = {
  z: 0, utc: 0, gmt: 0, ut: 0, wet: 0,
  west: 60, cet: 60, wat: 60, met: 60,
  cest: 120, eet: 120, cat: 120, sast: 120, mest: 120,
  eest: 180, eat: 180, msk: 180, trt: 180, ast: 180,
  irst: 210, gst: 240, pkt: 300, ict: 420, wib: 420,
  hkt: 480, sgt: 480, awst: 480, pht: 480, myt: 480,
  jst: 540, kst: 540, aest: 600, aedt: 660, nzst: 720, nzdt: 780,
  art: -180, brt: -180, brst: -120, clst: -180, clt: -240,
  edt: -240, est: -300, cdt: -300, mdt: -360, mst: -420, pdt: -420, pst: -480,
};

// The TLDs whose registries write month first, as the US does; every other country-code registry writes
// day first. Generic TLDs have no convention: ICANN's registries write ISO 8601, registrars vary.
const MONTH_FIRST_TLDS = new Set(['us', 'fm', 'pw', 'as', 'gu', 'vi', 'pr', 'mp', 'um']);

/**
 * The day/month order a printed format hint states (`dd/mm/yyyy`, `(MM-DD-YYYY)`, `DD.MM.YY`), or
 * undefined when the text is no such hint or puts the year first.
 */
export function orderFromHint(hint: string): DayOrder | undefined {
  const m = /^\(?\s*(d{1,2}|m{1,2})[-./ ](d{1,2}|m{1,2})[-./ ](y{2,4})\b[^)]*\)?$/i.exec(hint.trim());
  const first = m?.[1]?.[0]?.toLowerCase();
  if (!m || first === m[2]?.[0]?.toLowerCase()) return undefined;
  return first === 'd' ? 'dmy' : 'mdy';
}

/** The day/month order a registry uses, from the domain's TLD (`example.co.uk` -> day first). */
export function dateConventionFor(domain: string): DateConvention {
  const tld = domain.toLowerCase().replace(/\.$/, '').split('.').pop() ?? '';
  if (MONTH_FIRST_TLDS.has(tld)) return { order: 'mdy' };
  if (/^[a-z]{2}$/.test(tld)) return { order: 'dmy' };
  return {};
}

interface Zone {
  /** Minutes east of UTC; null when the text carries no zone. */
  offset: number | null;
  rest: string;
}

const fail = (reason: string): ParsedDate => ({ ok: false, reason });

/** Splits a trailing zone (`Z`, `+03`, `+0300`, `+03:00`, `UTC`, `(UTC+8)`, `GMT+3`, `EAT`) off the text. */
function takeZone(text: string): Zone | { error: string } {
  let s = text.trim();
  // `(UTC+8)`, `(GMT)`, `(JST)`
  const paren = /\s*\(\s*([a-z]{1,5})?\s*(?:([+-])\s*(\d{1,2})(?::?(\d{2}))?)?\s*\)$/i.exec(s);
  if (paren && (paren[1] || paren[2])) {
    const z = zoneOffset(paren[1], paren[2], paren[3], paren[4]);
    if (z === undefined) return { error: `unknown time zone ${paren[0].trim()}` };
    return { offset: z, rest: s.slice(0, paren.index).trim() };
  }
  // `UTC+8`, `GMT+03:00`, `UTC`, `EAT`, `Z`: a whole word at the end, after a space, digit or dot.
  const named = /(?<=^|[\s\d.])([a-z]{1,5})(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$/i.exec(s);
  if (named?.[1] && /\d/.test(s.slice(0, named.index)) && !MONTHS[named[1].toLowerCase()] && !/^(am|pm|t|th|st|nd|rd)$/i.test(named[1])) {
    const z = zoneOffset(named[1], named[2], named[3], named[4]);
    if (z === undefined) return { error: `unknown time zone ${named[0].trim()}` };
    return { offset: z, rest: s.slice(0, named.index).trim() };
  }
  // A numeric offset only counts after a time (`10:32:43+03`), never after a bare date (`2014-08-22`).
  const numeric = /(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\s*([+-])(\d{2})(?::?(\d{2}))?$/.exec(s);
  if (numeric) {
    const z = zoneOffset(undefined, numeric[2], numeric[3], numeric[4]);
    if (z === undefined) return { error: 'bad UTC offset' };
    s = s.slice(0, numeric.index + (numeric[1] ?? '').length);
    return { offset: z, rest: s.trim() };
  }
  return { offset: null, rest: s };
}

function zoneOffset(name: string | undefined, sign: string | undefined, hours: string | undefined, minutes: string | undefined): number | undefined {
  let base = 0;
  if (name) {
    const known = ZONE_ABBREVIATIONS[name.toLowerCase()];
    if (known === undefined) return undefined;
    base = known;
  }
  if (!sign) return base;
  // A named zone with an offset (`UTC+8`, `GMT-03:00`) is an offset from UTC/GMT only.
  if (name && base !== 0) return undefined;
  const h = Number(hours);
  const m = Number(minutes ?? '0');
  if (h > 14 || m > 59) return undefined;
  return (sign === '-' ? -1 : 1) * (h * 60 + m);
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  millis?: number;
}

const TIME = '(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?\\s*(am|pm)?';

function withTime(f: Omit<Fields, 'hour' | 'minute' | 'second' | 'millis'>, m: RegExpExecArray, at: number): Fields | string {
  if (m[at] === undefined) return f;
  let hour = Number(m[at]);
  const ampm = m[at + 4]?.toLowerCase();
  if (ampm) {
    if (hour < 1 || hour > 12) return 'hour out of range for am/pm';
    hour = (hour % 12) + (ampm === 'pm' ? 12 : 0);
  }
  const fraction = m[at + 3];
  return {
    ...f,
    hour,
    minute: Number(m[at + 1]),
    second: Number(m[at + 2] ?? '0'),
    millis: fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0,
  };
}

const year4 = (y: string) => Number(y);
/** Two-digit years are this century: registries only print them for recent and coming dates. */
const year2 = (y: string) => 2000 + Number(y);
const monthOf = (name: string) => MONTHS[name.toLowerCase()] ?? MONTHS[name.toLowerCase().slice(0, 3)] ?? 0;

type Matcher = (s: string, convention: DateConvention) => Fields | string | undefined;

// Each matcher reads the whole text (zone already removed) or returns undefined; a string is a reason.
const MATCHERS: Matcher[] = [
  // ISO 8601 and its relatives: 2014-08-22, 2014-08-22T10:32:43, 2020-06-14-T10:32:43, 2014.08.22 13:00,
  // 2014/08/22, 2014. 08. 22.
  (s) => {
    const m = new RegExp(`^(\\d{4})([-./])\\s*(\\d{1,2})\\2\\s*(\\d{1,2})\\.?(?:(?:-?T|\\s+|T)${TIME})?$`, 'i').exec(s);
    return m ? withTime({ year: year4(m[1]!), month: Number(m[3]), day: Number(m[4]) }, m, 5) : undefined;
  },
  // 20140822, 20140822103243, 20140822 10:32:43
  (s) => {
    const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$/.exec(s);
    if (m) {
      const f: Fields = { year: year4(m[1]!), month: Number(m[2]), day: Number(m[3]) };
      return m[4] ? { ...f, hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), millis: 0 } : f;
    }
    const t = new RegExp(`^(\\d{4})(\\d{2})(\\d{2})\\s+${TIME}$`, 'i').exec(s);
    return t ? withTime({ year: year4(t[1]!), month: Number(t[2]), day: Number(t[3]) }, t, 4) : undefined;
  },
  // 2014-Aug-22, 2014-August-22 10:00:00
  (s) => {
    const m = new RegExp(`^(\\d{4})[-./\\s]${MONTH}[a-z]*[-./\\s](\\d{1,2})\\.?(?:(?:T|\\s+)${TIME})?$`, 'i').exec(s);
    return m ? withTime({ year: year4(m[1]!), month: monthOf(m[2]!), day: Number(m[3]) }, m, 4) : undefined;
  },
  // 22-Aug-2014, 22 Aug 2014, 22.Aug.2014, 28th April 2014, 26-Mar-2014 06:48:27, 22-aug-14
  (s) => {
    const m = new RegExp(`^(?:${WEEKDAY}\\s*)?(\\d{1,2})(?:st|nd|rd|th)?[-./\\s]+(?:of\\s+)?${MONTH}[a-z]*\\.?,?[-./\\s]+(\\d{4}|\\d{2})\\.?(?:(?:T|\\s+|,\\s*)${TIME})?$`, 'i').exec(s);
    if (!m) return undefined;
    const y = m[3]!;
    return withTime({ year: y.length === 4 ? year4(y) : year2(y), month: monthOf(m[2]!), day: Number(m[1]) }, m, 4);
  },
  // August 22 2014, Aug 22, 2014, Aug 22nd 2014 10:00
  (s) => {
    const m = new RegExp(`^(?:${WEEKDAY}\\s*)?${MONTH}[a-z]*\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})(?:(?:T|\\s+|,\\s*)${TIME})?$`, 'i').exec(s);
    return m ? withTime({ year: year4(m[3]!), month: monthOf(m[1]!), day: Number(m[2]) }, m, 4) : undefined;
  },
  // ctime without the zone: Mon Apr 25 23:59:59 2016 (the zone, if any, was lifted out by the caller)
  (s) => {
    const m = new RegExp(`^${WEEKDAY}\\s+${MONTH}[a-z]*\\s+(\\d{1,2})\\s+${TIME}\\s+(\\d{4})$`, 'i').exec(s);
    return m ? withTime({ year: year4(m[8]!), month: monthOf(m[1]!), day: Number(m[2]) }, m, 3) : undefined;
  },
  // All-numeric with the year last: 4.7.2014, 03/08/2014, 11-07-2020, 03/08/14, with an optional time.
  (s, convention) => {
    const m = new RegExp(`^(\\d{1,2})([-./])(\\d{1,2})\\2(\\d{4}|\\d{2})\\.?(?:(?:T|\\s+|,\\s*)${TIME})?$`, 'i').exec(s);
    if (!m) return undefined;
    const a = Number(m[1]);
    const b = Number(m[3]);
    const y = m[4]!;
    const year = y.length === 4 ? year4(y) : year2(y);
    // With a two-digit year and no convention, `27/08/03` may as well be year first (2027-08-03).
    if (y.length === 2 && !convention.order && m[2] !== '.') {
      return `ambiguous date "${s}": a two-digit year and no known day/month order (the first number may be the year)`;
    }
    let order: DayOrder | undefined;
    if (a > 12 && b <= 12) order = 'dmy';
    else if (b > 12 && a <= 12) order = 'mdy';
    else if (a > 12 && b > 12) return `neither ${a} nor ${b} is a month`;
    else if (a === b) order = 'dmy';
    // Dotted numeric dates are day first wherever they are written.
    else order = convention.order ?? (m[2] === '.' ? 'dmy' : undefined);
    if (!order) {
      return `ambiguous date "${s}": day-first and month-first readings differ and the registry's convention is unknown`;
    }
    const [day, month] = order === 'dmy' ? [a, b] : [b, a];
    return withTime({ year, month, day }, m, 5);
  },
];

/** Lifts the zone out of a ctime string (`Mon Apr 25 23:59:59 GMT 2016`), where it sits before the year. */
function ctimeZone(s: string): { text: string; zone: string } | undefined {
  const m = new RegExp(`^(${WEEKDAY}\\s+${MONTH}[a-z]*\\s+\\d{1,2}\\s+\\d{1,2}:\\d{2}(?::\\d{2})?)\\s+([a-z]{1,5}(?:[+-]\\d{1,2}(?::?\\d{2})?)?)\\s+(\\d{4})$`, 'i').exec(s);
  return m ? { text: `${m[1]} ${m[4]}`, zone: m[3]! } : undefined;
}

/**
 * Parses a registry date. Zone-less times are UTC, never the host's zone; a date without a time is that
 * calendar day at 00:00 UTC. Returns a reason instead of a date when the text is ambiguous or unknown.
 */
export function parseRegistryDate(raw: string, convention: DateConvention = {}): ParsedDate {
  let s = raw
    .replace(/[\u00a0\u3000]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(?:on|at|before|until)\s+/i, '');
  // A format hint after the date, `2026-08-22 (YYYY-MM-DD)`, is not a zone; one that states the order of
  // day and month (`22/08/2026 (DD/MM/YYYY)`) decides it, over the registry's convention.
  const hint = /\s*\((?=[^)]*[ymd])[ymdhs\-/.: ]+\)$/i.exec(s);
  if (hint) {
    const order = orderFromHint(hint[0]);
    if (order) convention = { ...convention, order };
    s = s.slice(0, hint.index);
  }
  s = s.replace(/[.,;]$/, '').trim();
  if (s === '') return fail('empty date');
  if (s.length > 80) return fail('not a date (too long)');
  let zoneText: string | undefined;
  const ctime = ctimeZone(s);
  if (ctime) {
    s = ctime.text;
    zoneText = ctime.zone;
  }
  let offset: number | null = null;
  if (zoneText) {
    const z = takeZone(`00:00 ${zoneText}`);
    if ('error' in z) return fail(z.error);
    offset = z.offset;
  } else {
    const z = takeZone(s);
    if ('error' in z) return fail(z.error);
    offset = z.offset;
    s = z.rest.replace(/[.,]$/, '').trim();
  }
  for (const match of MATCHERS) {
    const f = match(s, convention);
    if (f === undefined) continue;
    if (typeof f === 'string') return fail(f);
    return build(f, offset, raw);
  }
  return fail(`unrecognised date format: ${JSON.stringify(raw.trim().slice(0, 40))}`);
}

function build(f: Fields, offset: number | null, raw: string): ParsedDate {
  const { year, month, day } = f;
  if (year < 1985 || year > 2200) return fail(`year ${year} out of range in ${JSON.stringify(raw.trim())}`);
  if (month < 1 || month > 12) return fail(`month ${month} out of range in ${JSON.stringify(raw.trim())}`);
  const hasTime = f.hour !== undefined;
  const hour = f.hour ?? 0;
  const minute = f.minute ?? 0;
  const second = f.second ?? 0;
  if (hour > 24 || minute > 59 || second > 60 || (hour === 24 && (minute > 0 || second > 0))) {
    return fail(`time out of range in ${JSON.stringify(raw.trim())}`);
  }
  const dayStart = Date.UTC(year, month - 1, day);
  const check = new Date(dayStart);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return fail(`no such day: ${JSON.stringify(raw.trim())}`);
  }
  if (!hasTime) return { ok: true, date: check, hasTime: false };
  const ms = dayStart + ((hour * 60 + minute) * 60 + Math.min(second, 59)) * 1000 + (f.millis ?? 0) - (offset ?? 0) * 60_000;
  return { ok: true, date: new Date(ms), hasTime: true };
}
