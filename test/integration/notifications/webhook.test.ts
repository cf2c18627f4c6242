import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  createWebhookEvent,
  sendWebhook,
  verifyWebhookSignature,
  webhookEventSchema,
  type WebhookOptions,
} from '../../../layers/services/notifications/channels/webhook.ts';
import { startWebhookCapture, type WebhookCapture } from '../../support/receivers/webhook-capture.ts';
import { closedTcpPort, startHttpServer, startSilentTcpServer } from '../../support/servers/http-server.ts';
import { testCertificates } from '../../support/servers/certs.ts';
import { startDnsServer, defaultZone, type TestDnsServer } from '../../support/servers/dns-server.ts';

const SECRET = 'whsec_integration';
const project = { id: 42, title: 'Shop <Main>', url: 'https://shop.example.com' };
const outage = createWebhookEvent(
  {
    kind: 'status_error',
    data: {
      project,
      status_code: 503,
      error_message: 'Service Unavailable',
      response_time_ms: 1234,
      consecutive_failures: 3,
      started_at: '2026-11-24T08:05:00Z',
    },
  },
  { id: 'delivery-outage-1', occurredAt: new Date('2026-11-24T08:06:00Z') },
);
const recovery = createWebhookEvent(
  {
    kind: 'recovery',
    data: { project, started_at: '2026-11-24T08:05:00Z', ended_at: '2026-11-24T08:17:00Z', duration_seconds: 720 },
  },
  { id: 'delivery-recovery-1', occurredAt: new Date('2026-11-24T08:17:00Z') },
);

const loopback: WebhookOptions = { allowPrivateTargets: true, secret: SECRET, timeoutMs: 5000, language: 'ko', timezone: 'Asia/Seoul' };

let receiver: WebhookCapture;
beforeAll(async () => {
  receiver = await startWebhookCapture();
});
afterEach(() => {
  receiver.requests.length = 0;
  receiver.setStatus(200);
});
afterAll(async () => {
  await receiver.close();
});

describe('generic webhooks receive a signed JSON event envelope', () => {
  it('posts the envelope with event, delivery and signature headers the receiver can verify', async () => {
    const result = await sendWebhook(receiver.url, outage, loopback);
    expect(result).toMatchObject({ ok: true, status: 200, format: 'generic' });
    const [req] = await receiver.waitFor(1);
    expect(req?.method).toBe('POST');
    expect(req?.headers['content-type']).toMatch(/^application\/json/);
    expect(req?.headers[EVENT_HEADER]).toBe('status_error');
    expect(req?.headers[DELIVERY_HEADER]).toBe('delivery-outage-1');
    expect(verifyWebhookSignature(SECRET, req?.headers[SIGNATURE_HEADER], req?.body ?? '')).toBe(true);
    expect(verifyWebhookSignature('wrong', req?.headers[SIGNATURE_HEADER], req?.body ?? '')).toBe(false);

    const envelope = webhookEventSchema.parse(req?.json());
    expect(envelope).toEqual(outage);
    expect(envelope.data).toMatchObject({ status_code: 503, consecutive_failures: 3, started_at: '2026-11-24T08:05:00.000Z' });
  });

  it('sends the same delivery id on a retry, so receivers can de-duplicate', async () => {
    receiver.setStatus(503);
    const first = await sendWebhook(receiver.url, outage, loopback);
    receiver.setStatus(200);
    const second = await sendWebhook(receiver.url, outage, loopback);
    expect(first.ok).toBe(false);
    expect(second.ok).toBe(true);
    const [a, b] = await receiver.waitFor(2);
    expect(a?.headers[DELIVERY_HEADER]).toBe(b?.headers[DELIVERY_HEADER]);
  });

  it('leaves the signature out when no secret is configured', async () => {
    const result = await sendWebhook(receiver.url, outage, { ...loopback, secret: undefined });
    expect(result.ok).toBe(true);
    const [req] = await receiver.waitFor(1);
    expect(req?.headers[SIGNATURE_HEADER]).toBeUndefined();
  });
});

const slackBody = z.object({
  text: z.string(),
  blocks: z.array(z.object({ type: z.string() }).loose()),
});

const discordBody = z.object({
  content: z.string(),
  allowed_mentions: z.object({ parse: z.array(z.string()) }),
  embeds: z.array(
    z.object({
      title: z.string(),
      description: z.string(),
      color: z.number(),
      fields: z.array(z.object({ name: z.string(), value: z.string(), inline: z.boolean() })),
      timestamp: z.string(),
    }),
  ),
});

describe('Slack webhooks receive a native Slack message', () => {
  it('sends text and blocks in the recipient language, with Slack control characters escaped', async () => {
    const result = await sendWebhook(receiver.url, outage, { ...loopback, format: 'slack' });
    expect(result).toMatchObject({ ok: true, format: 'slack' });
    const [req] = await receiver.waitFor(1);
    const body = slackBody.parse(req?.json());
    expect(body.text).toBe('[장애] Shop &lt;Main&gt; 접속 불가 (HTTP 503) — Service Unavailable');
    expect(body.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: '[장애] Shop <Main> 접속 불가 (HTTP 503)' } });
    // Plain-text blocks show text as is; mrkdwn blocks must escape it.
    const mrkdwn = JSON.stringify(body.blocks.slice(1));
    expect(mrkdwn).toContain('*상태 코드*\\nHTTP 503');
    expect(mrkdwn).toContain('2026-11-24 17:05 (Asia/Seoul)');
    expect(mrkdwn).toContain('Shop &lt;Main&gt;');
    expect(mrkdwn).not.toContain('<Main>');
  });

  it('renders English and the recipient time zone when asked', async () => {
    await sendWebhook(receiver.url, recovery, { ...loopback, format: 'slack', language: 'en', timezone: 'UTC' });
    const [req] = await receiver.waitFor(1);
    const body = slackBody.parse(req?.json());
    expect(body.text).toBe('[Recovered] Shop &lt;Main&gt; is back up (down for 12 minutes)');
    expect(JSON.stringify(body.blocks)).toContain('2026-11-24 08:17 (UTC)');
  });
});

describe('Discord webhooks receive a native Discord embed', () => {
  it('colours an outage red and a recovery green, with fields and a timestamp', async () => {
    await sendWebhook(receiver.url, outage, { ...loopback, format: 'discord' });
    await sendWebhook(receiver.url, recovery, { ...loopback, format: 'discord', language: 'en' });
    const [down, up] = (await receiver.waitFor(2)).map((r) => discordBody.parse(r.json()));
    expect(down?.embeds[0]?.color).toBe(0xd93025);
    expect(up?.embeds[0]?.color).toBe(0x1e8e3e);
    expect(down?.embeds[0]?.title).toBe('[장애] Shop <Main> 접속 불가 (HTTP 503)');
    expect(down?.embeds[0]?.fields).toContainEqual({ name: '연속 실패', value: '3회', inline: true });
    expect(down?.embeds[0]?.timestamp).toBe('2026-11-24T08:06:00.000Z');
    expect(up?.embeds[0]?.title).toBe('[Recovered] Shop <Main> is back up (down for 12 minutes)');
    expect(up?.content).toBe('[Recovered] Shop <Main> is back up (down for 12 minutes)');
  });

  it('never lets a project title ping @everyone', async () => {
    const event = createWebhookEvent({
      kind: 'recovery',
      data: { project: { ...project, title: '@everyone look' }, started_at: '2026-11-24T08:05:00Z', ended_at: '2026-11-24T08:17:00Z', duration_seconds: 720 },
    });
    await sendWebhook(receiver.url, event, { ...loopback, format: 'discord' });
    const [req] = await receiver.waitFor(1);
    expect(discordBody.parse(req?.json()).allowed_mentions.parse).toEqual([]);
  });
});

describe('webhook failures are classified as retryable or permanent', () => {
  it('retries a receiver that answers 500', async () => {
    receiver.setStatus(500, 'internal error');
    const result = await sendWebhook(receiver.url, outage, loopback);
    expect(result).toMatchObject({ ok: false, status: 500, retryable: true });
    expect(result.ok || result.error).toContain('HTTP 500');
  });

  it('retries 408 and 429, which say "later"', async () => {
    receiver.setStatus(429);
    expect(await sendWebhook(receiver.url, outage, loopback)).toMatchObject({ ok: false, status: 429, retryable: true });
    receiver.setStatus(408);
    expect(await sendWebhook(receiver.url, outage, loopback)).toMatchObject({ ok: false, status: 408, retryable: true });
  });

  it('gives up on a 404, with the receiver answer in the error', async () => {
    receiver.setStatus(404, 'no_service');
    const result = await sendWebhook(receiver.url, outage, loopback);
    expect(result).toMatchObject({ ok: false, status: 404, retryable: false });
    expect(result.ok || result.error).toContain('no_service');
  });

  it('does not follow redirects', async () => {
    receiver.setStatus(302);
    expect(await sendWebhook(receiver.url, outage, loopback)).toMatchObject({ ok: false, status: 302, retryable: false });
  });

  it('retries when nothing listens on the port', async () => {
    const port = await closedTcpPort();
    const result = await sendWebhook(`http://127.0.0.1:${port}/hook`, outage, loopback);
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.ok || result.error).toContain('refused');
    expect(result.status).toBeUndefined();
  });

  it('retries a receiver that accepts the connection but never answers', async () => {
    const silent = await startSilentTcpServer();
    try {
      const result = await sendWebhook(`http://127.0.0.1:${silent.port}/hook`, outage, { ...loopback, timeoutMs: 300 });
      expect(result).toMatchObject({ ok: false, retryable: true });
      expect(result.ok || result.error).toMatch(/time/);
    } finally {
      await silent.close();
    }
  });

  it('reports the response time of every attempt', async () => {
    // A receiver that fails 150 ms after the request arrives: the attempt cannot take less (5 ms for
    // timer granularity), nor more than its timeout.
    const slow = await startHttpServer((_req, res) => void setTimeout(() => res.writeHead(500).end(), 150));
    try {
      const result = await sendWebhook(`${slow.url}/hook`, outage, loopback);
      expect(result).toMatchObject({ ok: false, status: 500 });
      expect(result.response_time).toBeGreaterThanOrEqual(145);
      expect(result.response_time).toBeLessThan(loopback.timeoutMs!);
    } finally {
      await slow.close();
    }
  });
});

describe('webhook URLs obey the SSRF policy', () => {
  let dns: TestDnsServer;
  beforeAll(async () => {
    const zone = defaultZone();
    zone.set('hooks.example.test', [{ type: 'A', ttl: 60, address: '127.0.0.1' }]);
    dns = await startDnsServer(zone);
  });
  afterAll(async () => {
    await dns.close();
  });

  it('refuses a loopback address when private targets are not allowed, without connecting', async () => {
    const result = await sendWebhook(receiver.url, outage, { ...loopback, allowPrivateTargets: false });
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.ok || result.error).toContain('not allowed');
    expect(receiver.requests).toHaveLength(0);
  });

  it('checks the address a name resolves to, not only the name', async () => {
    const url = `http://hooks.example.test:${receiver.port}/hook`;
    const refused = await sendWebhook(url, outage, { ...loopback, allowPrivateTargets: false, dnsServers: [dns.server] });
    expect(refused).toMatchObject({ ok: false, retryable: false });
    expect(refused.ok || refused.error).toContain('127.0.0.1');
    expect(receiver.requests).toHaveLength(0);

    // The same name is delivered to when the operator allows private targets (local mode).
    const allowed = await sendWebhook(url, outage, { ...loopback, dnsServers: [dns.server] });
    expect(allowed.ok).toBe(true);
    const [req] = await receiver.waitFor(1);
    expect(req?.headers.host).toBe(`hooks.example.test:${receiver.port}`);
  });

  it('always refuses cloud metadata addresses, even when private targets are allowed', async () => {
    const result = await sendWebhook('http://169.254.169.254/latest/meta-data/', outage, loopback);
    expect(result).toMatchObject({ ok: false, retryable: false });
  });

  it('refuses schemes other than http and https', async () => {
    const result = await sendWebhook('file:///etc/passwd', outage, loopback);
    expect(result).toMatchObject({ ok: false, retryable: false });
  });
});

describe('HTTPS webhooks verify the receiver certificate against the URL host name', () => {
  let dns: TestDnsServer;
  beforeAll(async () => {
    const zone = defaultZone();
    zone.set('secure.example.test', [{ type: 'A', ttl: 60, address: '127.0.0.1' }]);
    dns = await startDnsServer(zone);
  });
  afterAll(async () => {
    await dns.close();
  });

  it('delivers to a receiver whose certificate matches the name, while connecting to the checked address', async () => {
    const certs = await testCertificates();
    const secure = await startWebhookCapture({ tls: certs.valid });
    try {
      const url = `https://secure.example.test:${secure.port}/hook`;
      const result = await sendWebhook(url, outage, { ...loopback, dnsServers: [dns.server], ca: [certs.ca.cert] });
      expect(result).toMatchObject({ ok: true, status: 200 });
      const [req] = await secure.waitFor(1);
      expect(verifyWebhookSignature(SECRET, req?.headers[SIGNATURE_HEADER], req?.body ?? '')).toBe(true);
    } finally {
      await secure.close();
    }
  });

  it('refuses an untrusted or mismatched certificate and retries later', async () => {
    const certs = await testCertificates();
    const untrusted = await startWebhookCapture({ tls: certs.valid });
    const mismatched = await startWebhookCapture({ tls: certs.wrongHost });
    try {
      const noCa = await sendWebhook(`https://secure.example.test:${untrusted.port}/hook`, outage, { ...loopback, dnsServers: [dns.server] });
      expect(noCa).toMatchObject({ ok: false, retryable: true });
      const wrongName = await sendWebhook(`https://secure.example.test:${mismatched.port}/hook`, outage, {
        ...loopback,
        dnsServers: [dns.server],
        ca: [certs.ca.cert],
      });
      expect(wrongName).toMatchObject({ ok: false, retryable: true });
      expect(wrongName.ok || wrongName.error).toMatch(/altnames|certificate/i);
      expect(untrusted.requests).toHaveLength(0);
      expect(mismatched.requests).toHaveLength(0);
    } finally {
      await untrusted.close();
      await mismatched.close();
    }
  });
});
