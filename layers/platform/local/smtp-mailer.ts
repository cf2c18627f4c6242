import nodemailer, { type Transporter } from 'nodemailer';
import * as z from 'zod';
import type { MailMessage, Mailer } from '../ports.ts';

// Local email: any SMTP server named by SMTP_URL (smtp:// upgrades with STARTTLS when offered,
// smtps:// is TLS from the first byte). nodemailer also reads options from the URL's query string.

const smtpUrlSchema = z
  .string()
  .refine((url) => /^smtps?:\/\/[^/?#]+/i.test(url), 'SMTP_URL must look like smtp://user:pass@host:port or smtps://...');

export interface SmtpMailerOptions {
  url: string;
  /** The From header, e.g. `Py_Monitor <alerts@example.com>` (MAIL_FROM). */
  from: string;
}

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(options: SmtpMailerOptions) {
    const url = smtpUrlSchema.parse(options.url);
    // nodemailer's defaults wait minutes on a dead server; a delivery should fail fast and be retried.
    this.transport = nodemailer.createTransport({ url, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 });
    this.from = options.from;
  }

  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html === undefined ? {} : { html: message.html }),
    });
  }

  /** Closes pooled connections (with `?pool=true`); harmless otherwise. */
  close(): void {
    this.transport.close();
  }
}
