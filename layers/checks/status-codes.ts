// Accepted status codes, as Uptime Kuma and UptimeRobot write them: a list of single codes ("301")
// and inclusive ranges ("200-299"). A project's `accepted_status_codes` setting is such a list; the
// HTTP probe judges a response's final status (after redirects) by it.

/** What a project accepts when it says nothing else: 2xx and 3xx after following redirects. */
export const DEFAULT_ACCEPTED_STATUS_CODES: readonly string[] = ['200-399'];

/** At most this many entries in one list. */
export const MAX_ACCEPTED_STATUS_CODES = 20;

export interface StatusRange {
  from: number;
  to: number;
}

const ENTRY = /^(\d{3})(?:\s*-\s*(\d{3}))?$/;

/**
 * One entry ("404", "200-299", or a number) as a range, or why it is not one: codes are 100-599,
 * a range runs from its lower code to its higher one.
 */
export function parseStatusEntry(entry: unknown): StatusRange | { error: string } {
  const text = typeof entry === 'number' ? String(entry) : typeof entry === 'string' ? entry.trim() : null;
  const m = text === null ? null : ENTRY.exec(text);
  if (!m) return { error: 'must be a status code like "301" or a range like "200-299"' };
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 100 || to > 599 || from > 599 || to < 100) return { error: 'status codes are 100 to 599' };
  if (from > to) return { error: 'a range must run from the lower code to the higher one' };
  return { from, to };
}

/** The entry as stored and shown: "404" or "200-299". */
export const formatStatusRange = (r: StatusRange) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`);

/** Ranges of a list already checked (by the API's rules); an entry that is not one is left out. */
export function statusRanges(list: readonly (string | number)[]): StatusRange[] {
  return list.map(parseStatusEntry).filter((r): r is StatusRange => !('error' in r));
}

export const inStatusRanges = (status: number, ranges: readonly StatusRange[]) => ranges.some((r) => status >= r.from && status <= r.to);
