import * as z from 'zod';
import { extractText } from './content-change.ts';
import { checkText } from './texts.ts';

/** `keywords` as stored: a JSON array of strings (spec 4.13), or already an array. */
export const keywordsSchema = z
  .union([
    z.array(z.string()),
    z.string().transform((s, ctx) => {
      try {
        const parsed: unknown = JSON.parse(s);
        const arr = z.array(z.string()).safeParse(parsed);
        if (arr.success) return arr.data;
      } catch {
        // fall through to the issue below
      }
      ctx.addIssue({ code: 'custom', message: checkText('keywords_format') });
      return z.NEVER;
    }),
  ])
  .transform((list) => [...new Set(list.map((k) => k.replace(/\s+/g, ' ').trim()).filter((k) => k !== ''))])
  .pipe(z.array(z.string().max(200)).max(100, 'at most 100 keywords'));

export interface KeywordResult {
  keywords: string[];
  found: string[];
  missing: string[];
  alert_on_found: boolean;
  /** alert_on_found: any keyword found; otherwise: any keyword missing. */
  should_alert: boolean;
  message: string | null;
}

/**
 * Keyword monitoring (spec 4.13): case-insensitive search of the page's visible text (scripts and
 * styles excluded, whitespace collapsed so a keyword split across lines still matches).
 */
export function checkKeywords(html: string, rawKeywords: readonly string[] | string, alertOnFound: boolean): KeywordResult {
  const parsed = keywordsSchema.safeParse(rawKeywords);
  if (!parsed.success) {
    // Stored settings should have been validated; a bad value must not raise false alerts.
    const message = checkText('keywords_invalid', { error: parsed.error.issues[0]?.message ?? checkText('keywords_not_array') });
    return { keywords: [], found: [], missing: [], alert_on_found: alertOnFound, should_alert: false, message };
  }
  const keywords = parsed.data;
  const text = extractText(html).toLowerCase();
  const found: string[] = [];
  const missing: string[] = [];
  for (const k of keywords) (text.includes(k.toLowerCase()) ? found : missing).push(k);
  const should = alertOnFound ? found.length > 0 : missing.length > 0;
  return {
    keywords: [...keywords],
    found,
    missing,
    alert_on_found: alertOnFound,
    should_alert: keywords.length > 0 && should,
    message: !should || keywords.length === 0 ? null : alertOnFound ? checkText('keywords_found', { keywords: found.join(', ') }) : checkText('keywords_missing', { keywords: missing.join(', ') }),
  };
}
