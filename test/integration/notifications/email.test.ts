import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OutboxLogMailer } from '../../../layers/platform/local/outbox-log-mailer.ts';
import { SmtpMailer } from '../../../layers/platform/local/smtp-mailer.ts';
import { buildEmail, sendEmail } from '../../../layers/services/notifications/channels/email.ts';
import { startSmtpCapture, type SmtpCapture } from '../../support/receivers/smtp-capture.ts';
import { testCertificates } from '../../support/servers/certs.ts';
import { closedTcpPort } from '../../support/servers/http-server.ts';

const FROM = 'Py_Monitor <alerts@py-monitor.test>';
const project = { id: 42, title: '쇼핑몰 <메인>', url: 'https://shop.example.com' };
const outage = {
  project,
  status_code: 503,
  error_message: 'Service Unavailable',
  response_time_ms: 1234,
  consecutive_failures: 3,
  started_at: '2026-11-24T08:05:00Z',
};
const recovery = { project, started_at: '2026-11-24T08:05:00Z', ended_at: '2026-11-24T08:17:00Z', duration_seconds: 720 };

describe('email alerts are rendered for the recipient and delivered over SMTP', () => {
  let smtp: SmtpCapture;
  let mailer: SmtpMailer;
  beforeAll(async () => {
    smtp = await startSmtpCapture({ auth: { user: 'alerts@py-monitor.test', pass: 'p@ss:word' } });
    mailer = new SmtpMailer({ url: smtp.url, from: FROM });
  });
  afterEach(() => {
    smtp.messages.length = 0;
  });
  afterAll(async () => {
    mailer.close();
    await smtp.close();
  });

  it('delivers a Korean outage alert with a UTF-8 subject, text and HTML in Seoul time', async () => {
    const message = buildEmail('status_error', outage, { email: 'ops@example.com', language: 'ko', timezone: 'Asia/Seoul' });
    expect(await sendEmail(mailer, message)).toEqual({ ok: true });

    const [mail] = await smtp.waitFor(1);
    expect(mail?.user).toBe('alerts@py-monitor.test');
    expect(mail?.envelope).toEqual({ from: 'alerts@py-monitor.test', to: ['ops@example.com'] });
    expect(mail?.subject).toBe('[장애] 쇼핑몰 <메인> 접속 불가 (HTTP 503)');
    expect(mail?.from).toBe(FROM);
    expect(mail?.to).toBe('ops@example.com');
    expect(mail?.header('content-type')).toMatch(/^multipart\/alternative/);
    expect(mail?.text).toContain('연속 3회 점검에 실패하여 장애로 판단했습니다.');
    expect(mail?.text).toContain('장애 시작: 2026-11-24 17:05 (Asia/Seoul)');
    expect(mail?.html).toContain('쇼핑몰 &lt;메인&gt;');
    expect(mail?.html).not.toContain('<메인>');
    expect(mail?.leaves.map((p) => p.params.charset?.toLowerCase())).toEqual(['utf-8', 'utf-8']);
  });

  it('delivers an English recovery alert in UTC', async () => {
    const message = buildEmail('recovery', recovery, { email: 'ops@example.com', language: 'en', timezone: 'UTC' });
    expect(await sendEmail(mailer, message)).toEqual({ ok: true });

    const [mail] = await smtp.waitFor(1);
    expect(mail?.subject).toBe('[Recovered] 쇼핑몰 <메인> is back up (down for 12 minutes)');
    expect(mail?.text).toContain('Recovered at: 2026-11-24 08:17 (UTC)');
    expect(mail?.text).toContain('Downtime: 12 minutes');
    expect(mail?.html).toContain('<html lang="en">');
  });

  it('cannot be tricked into adding headers by a title with line breaks', async () => {
    const hostile = { ...outage, project: { ...project, title: 'Shop\r\nBcc: victim@example.com' } };
    await sendEmail(mailer, buildEmail('status_error', hostile, { email: 'ops@example.com', language: 'en', timezone: 'UTC' }));
    const [mail] = await smtp.waitFor(1);
    expect(mail?.header('bcc')).toBeUndefined();
    expect(mail?.envelope.to).toEqual(['ops@example.com']);
    expect(mail?.subject).toBe('[Down] Shop Bcc: victim@example.com is down (HTTP 503)');
  });
});

describe('email delivery failures are classified as retryable or permanent', () => {
  let smtp: SmtpCapture;
  let mailer: SmtpMailer;
  beforeAll(async () => {
    smtp = await startSmtpCapture({
      rejectRecipient: (address) =>
        address.startsWith('unknown@')
          ? { code: 550, message: 'No such user' }
          : address.startsWith('busy@')
            ? { code: 450, message: 'Mailbox busy, try later' }
            : undefined,
    });
    mailer = new SmtpMailer({ url: smtp.url, from: FROM });
  });
  afterAll(async () => {
    mailer.close();
    await smtp.close();
  });

  const message = (to: string) => buildEmail('recovery', recovery, { email: to, language: 'en', timezone: 'UTC' });

  it('gives up on a recipient the server refuses permanently (5xx)', async () => {
    const result = await sendEmail(mailer, message('unknown@example.com'));
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.ok || result.error).toContain('No such user');
  });

  it('retries a temporary refusal (4xx)', async () => {
    expect(await sendEmail(mailer, message('busy@example.com'))).toMatchObject({ ok: false, retryable: true });
  });

  it('retries when the SMTP server is not reachable', async () => {
    const down = new SmtpMailer({ url: `smtp://127.0.0.1:${await closedTcpPort()}`, from: FROM });
    const result = await sendEmail(down, message('ops@example.com'));
    expect(result).toMatchObject({ ok: false, retryable: true });
    down.close();
  });

  it('never sends to an invalid address', async () => {
    const result = await sendEmail(mailer, message('not-an-address'));
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(smtp.messages).toHaveLength(0);
  });
});

describe('the SMTP mailer speaks TLS for smtps:// URLs', () => {
  it('delivers over implicit TLS', async () => {
    const certs = await testCertificates();
    const smtp = await startSmtpCapture({ tls: certs.valid });
    // The test CA is not a system root; nodemailer takes TLS options from the URL's query string.
    const mailer = new SmtpMailer({ url: `${smtp.url}?tls.rejectUnauthorized=false`, from: FROM });
    try {
      expect(smtp.url.startsWith('smtps://')).toBe(true);
      const result = await sendEmail(mailer, buildEmail('recovery', recovery, { email: 'ops@example.com', language: 'ko', timezone: 'Asia/Seoul' }));
      expect(result).toEqual({ ok: true });
      const [mail] = await smtp.waitFor(1);
      expect(mail?.subject).toBe('[복구] 쇼핑몰 <메인> 정상화 (장애 시간 12분)');
    } finally {
      mailer.close();
      await smtp.close();
    }
  });

  it('rejects a URL that is not smtp:// or smtps://', () => {
    expect(() => new SmtpMailer({ url: 'http://mail.example.com', from: FROM })).toThrow(/SMTP_URL/);
  });
});

const logLine = z.object({
  sent_at: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string().optional(),
});

describe('without SMTP, local mode writes each email as one JSON line to the outbox log', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'py-monitor-outbox-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends one parseable line per message, creating the folder', async () => {
    const file = join(dir, 'nested', 'outbox.log');
    const mailer = new OutboxLogMailer(file, FROM, { now: () => new Date('2026-11-24T08:06:00Z') });
    const ko = buildEmail('status_error', outage, { email: 'ops@example.com', language: 'ko', timezone: 'Asia/Seoul' });
    const en = buildEmail('recovery', recovery, { email: 'dev@example.com', language: 'en', timezone: 'UTC' });
    await Promise.all([sendEmail(mailer, ko), sendEmail(mailer, en)]);

    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => logLine.parse(JSON.parse(l)));
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.to).sort()).toEqual(['dev@example.com', 'ops@example.com']);
    const korean = lines.find((l) => l.to === 'ops@example.com');
    expect(korean).toMatchObject({ sent_at: '2026-11-24T08:06:00.000Z', from: FROM, subject: ko.subject, text: ko.text, html: ko.html });
  });
});
