import { join } from 'node:path';
import type { Config } from '../../config.ts';
import type { Mailer } from '../ports.ts';
import { OutboxLogMailer } from './outbox-log-mailer.ts';
import { SmtpMailer } from './smtp-mailer.ts';

/** SMTP when SMTP_URL is set; otherwise messages are appended to DATA_DIR/outbox.log (JSON lines). */
export function createLocalMailer(config: Config): Mailer {
  if (config.SMTP_URL) return new SmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM });
  return new OutboxLogMailer(join(config.DATA_DIR, 'outbox.log'), config.MAIL_FROM);
}
