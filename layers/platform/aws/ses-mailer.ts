import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import type { Config } from '../../config.ts';
import type { MailMessage, Mailer } from '../ports.ts';
import { clientOptions } from './client-options.ts';

/** The Mailer port on SES. `from` must be (or belong to a domain) verified in SES. */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESClient,
    private readonly from: string,
  ) {}

  async send(message: MailMessage): Promise<void> {
    await this.client.send(
      new SendEmailCommand({
        Source: this.from,
        Destination: { ToAddresses: [message.to] },
        Message: {
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: message.text, Charset: 'UTF-8' },
            ...(message.html !== undefined ? { Html: { Data: message.html, Charset: 'UTF-8' } } : {}),
          },
        },
      }),
    );
  }
}

/** Present with SES_FROM. */
export function createSesMailer(config: Config): SesMailer | undefined {
  return config.SES_FROM ? new SesMailer(new SESClient(clientOptions(config)), config.SES_FROM) : undefined;
}
