import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpMailer } from '../../../../layers/platform/local/smtp-mailer.ts';
import { emailChannel } from '../../../../layers/services/notifications/channels/email.ts';
import { channelEnv, delivery, outage } from '../../../support/deliveries.ts';
import { startSmtpCapture, type SmtpCapture } from '../../../support/receivers/index.ts';

describe('the email channel mails the alert in the reader language', () => {
  let smtp: SmtpCapture;
  let mailer: SmtpMailer;
  beforeAll(async () => {
    smtp = await startSmtpCapture({ rejectRecipient: (a) => (a.startsWith('gone@') ? { code: 550, message: 'no such user' } : undefined) });
    mailer = new SmtpMailer({ url: smtp.url, from: 'Py_Monitor <alerts@py-monitor.test>' });
  });
  afterAll(async () => {
    mailer.close();
    await smtp.close();
  });

  it('sends the rendered subject, text and HTML to the address in its settings', async () => {
    const outcome = await emailChannel.send(delivery(outage, { language: 'ko', timezone: 'Asia/Seoul' }), { address: 'ops@example.com' }, channelEnv({ mailer }));
    expect(outcome).toEqual({ ok: true });
    const [mail] = await smtp.waitFor(1);
    expect(mail?.envelope.to).toEqual(['ops@example.com']);
    expect(mail?.subject).toBe('[장애] Shop <Main> 접속 불가 (HTTP 503)');
    expect(mail?.text).toContain('장애 시작: 2026-11-24 17:05 (Asia/Seoul)');
  });

  it('records a refused mailbox as a permanent failure', async () => {
    const outcome = await emailChannel.send(delivery(outage), { address: 'gone@example.com' }, channelEnv({ mailer }));
    expect(outcome).toMatchObject({ ok: false, retryable: false });
  });

  it('accepts only a valid address in its settings', () => {
    expect(emailChannel.settings.safeParse({ address: 'not-an-address' }).success).toBe(false);
    expect(emailChannel.settings.safeParse({ address: 'ops@example.com', extra: 1 }).success).toBe(false);
  });
});
