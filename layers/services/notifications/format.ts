// Locale helpers shared by every notification channel: dates in the recipient's time zone,
// human durations, numbers, and HTML escaping of user-controlled text.

export type Language = 'ko' | 'en';

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

function dateFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = dateFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    dateFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** `2026-11-24 17:05 (Asia/Seoul)`: the same unambiguous shape in both languages. */
export function formatDateTime(instant: Date, timeZone: string): string {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of dateFormatter(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} (${timeZone})`;
}

const units = {
  ko: { day: ['일', '일'], hour: ['시간', '시간'], minute: ['분', '분'], second: ['초', '초'] },
  en: { day: ['day', 'days'], hour: ['hour', 'hours'], minute: ['minute', 'minutes'], second: ['second', 'seconds'] },
} as const;

/**
 * The two most significant non-zero units, rounded down: "1시간 5분" / "1 hour 5 minutes".
 * Under a minute the seconds are shown, so a short blip never reads as "0분".
 */
export function formatDuration(totalSeconds: number, language: Language): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const u = units[language];
  const piece = (n: number, unit: readonly [string, string]) =>
    language === 'ko' ? `${formatNumber(n, language)}${unit[0]}` : `${formatNumber(n, language)} ${n === 1 ? unit[0] : unit[1]}`;
  if (seconds < 60) return piece(seconds, u.second);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const pieces: string[] = [];
  if (days > 0) pieces.push(piece(days, u.day));
  if (hours > 0) pieces.push(piece(hours, u.hour));
  if (minutes > 0) pieces.push(piece(minutes, u.minute));
  return pieces.slice(0, 2).join(' ');
}

export function formatNumber(value: number, language: Language, maximumFractionDigits = 0): string {
  return new Intl.NumberFormat(language === 'ko' ? 'ko-KR' : 'en-US', { maximumFractionDigits }).format(value);
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c);
}

/** Collapses newlines and control characters, so user text cannot break a subject or a one-line summary. */
export function singleLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}

export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Only http(s) URLs become links; anything else (javascript:, data:) is shown as text. */
export function isLinkable(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
