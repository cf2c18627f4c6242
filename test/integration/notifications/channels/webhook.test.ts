import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_HEADER, SIGNATURE_HEADER, verifyWebhookSignature, webhookChannel, webhookEventSchema } from '../../../../layers/services/notifications/channels/webhook.ts';
import { channelEnv, delivery, outage } from '../../../support/deliveries.ts';
import { startDnsServer, defaultZone, type TestDnsServer } from '../../../support/servers/dns-server.ts';
import { startWebhookCapture, type WebhookCapture } from '../../../support/receivers/index.ts';

describe('the webhook channel posts the signed envelope', () => {
  let receiver: WebhookCapture;
  let dns: TestDnsServer;
  beforeAll(async () => {
    receiver = await startWebhookCapture();
    const zone = defaultZone();
    zone.set('hooks.internal.test', [{ type: 'A', ttl: 60, address: '127.0.0.1' }]);
    dns = await startDnsServer(zone);
  });
  afterAll(async () => {
    await receiver.close();
    await dns.close();
  });

  it('uses the outbox delivery id and signs with the channel secret', async () => {
    const outcome = await webhookChannel.send(delivery(outage), { url: receiver.url, secret: 'whsec_channel' }, channelEnv());
    expect(outcome).toEqual({ ok: true, status: 200 });
    const [req] = await receiver.waitFor(1);
    expect(req?.headers[DELIVERY_HEADER]).toBe('outbox-7');
    expect(verifyWebhookSignature('whsec_channel', req?.headers[SIGNATURE_HEADER], req?.body ?? '')).toBe(true);
    expect(webhookEventSchema.parse(req?.json())).toMatchObject({ id: 'outbox-7', type: 'status_error', occurred_at: '2026-11-24T08:06:00.000Z' });
  });

  it('resolves the receiver name with the configured DNS servers', async () => {
    const url = `http://hooks.internal.test:${receiver.port}/hook`;
    // Only the configured server knows the name (the system resolver is never asked: no DNS leaves loopback).
    expect(await webhookChannel.send(delivery(outage), { url }, channelEnv({ dnsServers: [dns.server] }))).toMatchObject({ ok: true });
    expect(receiver.requests.at(-1)?.headers.host).toBe(`hooks.internal.test:${receiver.port}`);
  });
});
