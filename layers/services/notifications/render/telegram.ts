import type { ComposedNotification } from '../compose.ts';
import { truncate } from '../format.ts';

// Telegram Bot API messages in parse_mode HTML: only <, > and & must be escaped in text, and a
// message holds at most 4096 characters.

export function telegramEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function telegramHtml(n: ComposedNotification): string {
  const lines = [`<b>${telegramEscape(n.subject)}</b>`, '', telegramEscape(n.summary), ''];
  for (const f of n.fields) {
    const value = f.code ? `<code>${telegramEscape(f.value)}</code>` : telegramEscape(f.value);
    lines.push(`<b>${telegramEscape(f.label)}</b>: ${value}`);
  }
  if (n.link) lines.push('', `<a href="${telegramEscape(n.link.url).replace(/"/g, '&quot;')}">${telegramEscape(n.link.label)}</a>`);
  const text = lines.join('\n');
  // Cut on a line, never inside a tag.
  if (Array.from(text).length <= 4096) return text;
  return truncate(lines.slice(0, 4).join('\n'), 4096);
}
