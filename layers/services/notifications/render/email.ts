import { composeNotification, type ComposedNotification, type RenderOptions, type Tone } from '../compose.ts';
import { escapeHtml, isLinkable, truncate } from '../format.ts';
import type { NotificationDataInput, NotificationKind } from '../kinds.ts';

// The email renderer (plain text and HTML) and the one-line summary used by in-app alerts, push
// messages and chat fallbacks. All user text is escaped in HTML.

export interface RenderedNotification {
  subject: string;
  text: string;
  html: string;
  /** One line (<= 280 characters) for push messages, in-app alert titles and chat fallbacks. */
  short: string;
}

export function renderNotification<K extends NotificationKind>(
  kind: K,
  data: NotificationDataInput<K>,
  options: RenderOptions,
): RenderedNotification {
  return renderComposed(composeNotification(kind, data, options));
}

export function renderComposed(n: ComposedNotification): RenderedNotification {
  return { subject: n.subject, text: renderText(n), html: renderHtml(n), short: shortLine(n) };
}

export function shortLine(n: ComposedNotification): string {
  return truncate(n.detail ? `${n.subject} — ${n.detail}` : n.subject, 280);
}

/** The body of an in-app alert, under its title (the subject): the summary and the key fact, not the title again. */
export function inAppMessage(n: ComposedNotification): string {
  return truncate(n.detail ? `${n.summary}\n${n.detail}` : n.summary, 1000);
}

export function renderText(n: ComposedNotification): string {
  const lines = [n.subject, '', n.summary, ''];
  for (const f of n.fields) lines.push(`${f.label}: ${f.value.includes('\n') ? `\n  ${f.value.split('\n').join('\n  ')}` : f.value}`);
  if (n.link) lines.push('', `${n.link.label}: ${n.link.url}`);
  lines.push('', '--', n.footer);
  return lines.join('\n') + '\n';
}

const toneColors: Record<Tone, string> = { outage: '#d93025', recovery: '#1e8e3e', warning: '#e37400', info: '#1a73e8' };

export function renderHtml(n: ComposedNotification): string {
  const color = toneColors[n.tone];
  const rows = n.fields
    .map((f) => {
      const value = escapeHtml(f.value).replace(/\r?\n/g, '<br>');
      const cell =
        f.href && isLinkable(f.value)
          ? `<a href="${escapeHtml(f.value)}" style="color:#1a73e8">${value}</a>`
          : f.code
            ? `<code style="font-family:Menlo,Consolas,monospace;font-size:13px;word-break:break-all">${value}</code>`
            : value;
      return (
        `<tr><th align="left" valign="top" style="padding:6px 12px 6px 0;color:#5f6368;font-weight:normal;white-space:nowrap">${escapeHtml(f.label)}</th>` +
        `<td style="padding:6px 0;color:#202124">${cell}</td></tr>`
      );
    })
    .join('\n');
  const link = n.link
    ? `<p style="margin:20px 0 0"><a href="${escapeHtml(n.link.url)}" style="display:inline-block;padding:10px 16px;background:${color};color:#ffffff;text-decoration:none;border-radius:4px">${escapeHtml(n.link.label)}</a></p>`
    : '';
  return `<!doctype html>
<html lang="${n.language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(n.subject)}</title></head>
<body style="margin:0;padding:24px;background:#f1f3f4;font-family:-apple-system,'Segoe UI','Apple SD Gothic Neo','Malgun Gothic',sans-serif;font-size:14px;line-height:1.5">
<div style="max-width:600px;margin:0 auto;background:#ffffff;border-top:4px solid ${color};padding:24px">
<h1 style="margin:0 0 12px;font-size:18px;color:${color}">${escapeHtml(n.subject)}</h1>
<p style="margin:0 0 16px;color:#202124">${escapeHtml(n.summary)}</p>
<table role="presentation" cellspacing="0" cellpadding="0" style="border-collapse:collapse">
${rows}
</table>
${link}
<p style="margin:24px 0 0;color:#80868b;font-size:12px">${escapeHtml(n.footer)}</p>
</div>
</body>
</html>
`;
}
