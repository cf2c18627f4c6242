import * as z from 'zod';
import type { MailMessage, Mailer } from '../../../platform/ports.ts';
import { composeNotification, composeParsed, shortLine, type ComposedNotification, type RenderOptions, type Tone } from '../compose.ts';
import { escapeHtml, isLinkable } from '../format.ts';
import type { NotificationDataInput, NotificationKind } from '../kinds.ts';
import { defineChannel, type DeliveryOutcome } from './channel.ts';

// Email (spec 7.2): composed in the recipient's language and time zone (compose.ts), rendered here as
// plain text and HTML (all user text escaped), and handed to the Mailer port (platform/aws/ses-mailer.ts
// on AWS, SMTP or the mail log locally).

/** The recipient's settings that shape an email (spec 2.3: language, timezone). */
export const emailRecipientSchema = z.object({
  // Checked by sendEmail, which turns a bad address into a permanent failure instead of an exception.
  email: z.string(),
  language: z.enum(['ko', 'en']).default('ko'),
  timezone: z.string().default('Asia/Seoul'),
  /** The dashboard's public address, for the "view in dashboard" link. */
  publicUrl: z.string().optional(),
});
export type EmailRecipient = z.input<typeof emailRecipientSchema>;

export function buildEmail<K extends NotificationKind>(kind: K, data: NotificationDataInput<K>, recipient: EmailRecipient): MailMessage {
  const r = emailRecipientSchema.parse(recipient);
  const rendered = renderComposed(
    composeNotification(kind, data, { language: r.language, timezone: r.timezone, ...(r.publicUrl ? { publicUrl: r.publicUrl } : {}) }),
  );
  return { to: r.email, subject: rendered.subject, text: rendered.text, html: rendered.html };
}

export type EmailResult = Extract<DeliveryOutcome, { ok: true }> | { ok: false; error: string; retryable: boolean };

/**
 * Sends one message and classifies a failure instead of throwing: an SMTP 5xx reply (unknown mailbox,
 * rejected recipient) or an SES rejection is permanent; connection problems and 4xx replies are retried.
 */
export async function sendEmail(mailer: Mailer, message: MailMessage): Promise<EmailResult> {
  if (!z.email().safeParse(message.to).success) {
    return { ok: false, error: `invalid recipient address: ${message.to}`, retryable: false };
  }
  try {
    await mailer.send(message);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: describeMailError(err), retryable: isRetryableMailError(err) };
  }
}

function field(err: unknown, key: string): unknown {
  return err && typeof err === 'object' && key in err ? (err as Record<string, unknown>)[key] : undefined;
}

const permanentSesErrors = new Set(['MessageRejected', 'MailFromDomainNotVerifiedException', 'ConfigurationSetDoesNotExistException', 'InvalidParameterValue']);

export function isRetryableMailError(err: unknown): boolean {
  const responseCode = field(err, 'responseCode');
  if (typeof responseCode === 'number') return responseCode < 500 || responseCode >= 600;
  const name = field(err, 'name');
  if (typeof name === 'string' && permanentSesErrors.has(name)) return false;
  const code = field(err, 'code');
  // nodemailer: EENVELOPE = every recipient refused, EMESSAGE = the message itself was refused.
  if (code === 'EENVELOPE' || code === 'EMESSAGE') return false;
  return true;
}

function describeMailError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const response = field(err, 'response');
  return typeof response === 'string' && !message.includes(response) ? `${message}: ${response}` : message;
}

export const emailChannel = defineChannel({
  type: 'email',
  settings: z.strictObject({ address: z.string().trim().max(254).pipe(z.email('must be a valid email address')) }),
  secrets: [],
  async send(d, s, env) {
    const rendered = renderComposed(
      composeParsed(d.notification, { language: d.language, timezone: d.timezone, ...(d.publicUrl ? { publicUrl: d.publicUrl } : {}) }),
    );
    return sendEmail(env.mailer, { to: s.address, subject: rendered.subject, text: rendered.text, html: rendered.html });
  },
});

// The email renderer: plain text and HTML.

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
