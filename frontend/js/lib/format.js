// @ts-check
// Numbers, sizes, dates and times in the user's language and time-zone setting (spec 2.3).
import { lang } from './i18n.js';
import { cachedSettings } from './storage.js';

/** @typedef {{ timeZone?: string, locale?: string }} FormatOptions */

/** @param {string | undefined} tz */
export function isTimeZone(tz) {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The user's time-zone setting, or undefined (the browser's own zone) when unset or unknown. */
export function userTimeZone() {
  const tz = cachedSettings().timezone;
  return isTimeZone(tz) ? tz : undefined;
}

export function localeTag() {
  return lang() === 'en' ? 'en-US' : 'ko-KR';
}

/** @param {string | number | Date | null | undefined} value */
function toDate(value) {
  if (value === null || value === undefined || value === '') return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * Date and time, e.g. "2026. 10. 16. 오후 3:04:05" or "Oct 16, 2026, 3:04:05 PM".
 * @param {string | number | Date | null | undefined} value
 * @param {FormatOptions} [opts]
 */
export function formatDateTime(value, opts = {}) {
  const d = toDate(value);
  if (!d) return '—';
  const timeZone = opts.timeZone ?? userTimeZone();
  return new Intl.DateTimeFormat(opts.locale ?? localeTag(), { dateStyle: 'medium', timeStyle: 'medium', ...(timeZone ? { timeZone } : {}) }).format(d);
}

/**
 * "3 minutes ago", "3분 전".
 * @param {string | number | Date | null | undefined} value
 * @param {number} [now]
 * @param {string} [locale]
 */
export function formatRelative(value, now = Date.now(), locale = localeTag()) {
  const d = toDate(value);
  if (!d) return '—';
  const diff = (d.getTime() - now) / 1000;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(diff);
  if (abs < 60) return rtf.format(Math.round(diff), 'second');
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour');
  return rtf.format(Math.round(diff / 86400), 'day');
}

/** @param {number | null | undefined} ms */
export function formatMs(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return ms < 10 && ms !== 0 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** @param {number | null | undefined} bytes */
export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * A percentage with at most `digits` decimals and no trailing zeros: 95.83%, 99.9%, 100%.
 * Rounds down, so 99.999 never shows as 100% while anything was down.
 * @param {number | null | undefined} value
 * @param {number} [digits]
 */
export function formatPercent(value, digits = 2) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const f = 10 ** digits;
  const v = value >= 100 ? 100 : Math.floor(value * f + 1e-9) / f;
  return `${Number(v.toFixed(digits))}%`;
}

/**
 * The wall-clock parts of an instant in a time zone.
 * @param {Date} d @param {string | undefined} timeZone
 */
function wallParts(d, timeZone) {
  const parts = new Intl.DateTimeFormat('en-US', {
    ...(timeZone ? { timeZone } : {}),
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(d);
  /** @param {Intl.DateTimeFormatPartTypes} type */
  const get = (type) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** Milliseconds the zone is ahead of UTC at an instant. @param {number} ms @param {string | undefined} timeZone */
function zoneOffset(ms, timeZone) {
  const p = wallParts(new Date(ms), timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

const two = (/** @type {number} */ n) => String(n).padStart(2, '0');

/**
 * The calendar day of an instant in a time zone, "YYYY-MM-DD".
 * @param {string | number | Date} value @param {string | undefined} [timeZone]
 */
export function dayKey(value, timeZone = userTimeZone()) {
  const d = toDate(value);
  if (!d) return '';
  const p = wallParts(d, timeZone);
  return `${p.year}-${two(p.month)}-${two(p.day)}`;
}

/**
 * An instant as the value of <input type="datetime-local"> in a time zone ("YYYY-MM-DDTHH:mm").
 * @param {string | null | undefined} iso @param {string | undefined} [timeZone]
 */
export function toWallTime(iso, timeZone = userTimeZone()) {
  const d = toDate(iso);
  if (!d) return '';
  const p = wallParts(d, timeZone);
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
}

/**
 * The instant (ISO 8601, UTC) at which the clocks of a time zone show `wall` ("YYYY-MM-DDTHH:mm").
 * A wall time skipped by a DST change maps to the instant an hour later, as clocks do.
 * @param {string} wall @param {string | undefined} [timeZone]
 * @returns {string | null}
 */
export function fromWallTime(wall, timeZone = userTimeZone()) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall);
  if (!m) return null;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  // The zone's offsets a day either side cover any change on this date; keep those that give `wall`.
  const before = zoneOffset(asUtc - 86_400_000, timeZone);
  const after = zoneOffset(asUtc + 86_400_000, timeZone);
  const fits = [asUtc - before, asUtc - after].filter((at) => zoneOffset(at, timeZone) === asUtc - at).sort((a, b) => a - b);
  const at = fits[0] ?? asUtc - before;
  return new Date(at).toISOString();
}
