import * as z from 'zod';
import type { MailMessage, Mailer } from '../../../platform/ports.ts';
import { composeNotification, composeParsed } from '../compose.ts';
import type { NotificationDataInput, NotificationKind } from '../kinds.ts';
import { renderComposed } from '../render/email.ts';
import { defineChannel, type DeliveryOutcome } from './channel.ts';

// Email (spec 7.2): rendered in the recipient's language and time zone and handed to the Mailer
// port (SES on AWS, SMTP or the outbox log locally).

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
