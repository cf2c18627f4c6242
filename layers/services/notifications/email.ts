import * as z from 'zod';
import type { MailMessage, Mailer } from '../../platform/ports.ts';
import { renderNotification, type NotificationDataInput, type NotificationKind } from './templates.ts';

// Email channel (spec 7.2): renders a notification in the recipient's language and time zone and
// hands it to the Mailer port (SES on AWS, SMTP or the outbox log locally).

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

export function buildEmail<K extends NotificationKind>(
  kind: K,
  data: NotificationDataInput<K>,
  recipient: EmailRecipient,
): MailMessage {
  const r = emailRecipientSchema.parse(recipient);
  const rendered = renderNotification(kind, data, {
    language: r.language,
    timezone: r.timezone,
    ...(r.publicUrl ? { publicUrl: r.publicUrl } : {}),
  });
  return { to: r.email, subject: rendered.subject, text: rendered.text, html: rendered.html };
}

export type EmailResult = { ok: true } | { ok: false; error: string; retryable: boolean };

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
