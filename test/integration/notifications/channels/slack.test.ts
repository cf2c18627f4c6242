import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { slackChannel } from '../../../../layers/services/notifications/channels/slack.ts';
import { channelEnv, delivery, outage, recovery } from '../../../support/deliveries.ts';
import { startProviderDouble, type PlayService, type ProviderDouble } from '../../../support/receivers/index.ts';

// Slack incoming webhooks: POST JSON to /services/T.../B.../<secret>; 200 "ok"; errors as plain
// text codes (invalid_payload 400, no_service 404, channel_is_archived 410); 429 with Retry-After.
const textObject = z.object({ type: z.enum(['plain_text', 'mrkdwn']), text: z.string().min(1) }).loose();
const slackMessage = z.strictObject({
  text: z.string().min(1),
  blocks: z
    .array(
      z.union([
        z.object({ type: z.literal('header'), text: textObject.refine((t) => t.type === 'plain_text' && t.text.length <= 150) }).loose(),
        z.object({ type: z.literal('section'), text: textObject.optional(), fields: z.array(textObject.refine((t) => t.text.length <= 2000)).max(10).optional() }).loose(),
        z.object({ type: z.literal('context'), elements: z.array(textObject).min(1).max(10) }).loose(),
      ]),
    )
    .max(50),
});

const slack: PlayService = (req) => {
  if (req.method !== 'POST' || !/^\/services\/T\w+\/B\w+\/\w+$/.test(req.path)) return { status: 404, body: 'no_service' };
  if (!req.headers['content-type']?.startsWith('application/json')) return { status: 400, body: 'invalid_payload' };
  return slackMessage.safeParse(req.json()).success ? { status: 200, body: 'ok' } : { status: 400, body: 'invalid_blocks' };
};

let service: ProviderDouble;
beforeAll(async () => {
  service = await startProviderDouble(slack);
});
afterAll(async () => {
  await service.close();
});
const settings = () => ({ webhook_url: `${service.origin}/services/T0001/B0002/abcdefXYZ` });

describe('the Slack channel posts Block Kit messages to an incoming webhook', () => {
  it('delivers an outage as a header, summary and field sections Slack accepts', async () => {
    expect(await slackChannel.send(delivery(outage), settings(), channelEnv())).toMatchObject({ ok: true, status: 200 });
    const body = slackMessage.parse(service.requests.at(-1)?.json());
    expect(body.blocks[0]).toMatchObject({ type: 'header', text: { text: '[Down] Shop <Main> is down (HTTP 503)' } });
    expect(body.text).toBe('[Down] Shop &lt;Main&gt; is down (HTTP 503) — Service Unavailable');
  });

  it('writes in the reader language', async () => {
    await slackChannel.send(delivery(recovery, { language: 'ko', timezone: 'Asia/Seoul' }), settings(), channelEnv());
    expect(JSON.stringify(service.requests.at(-1)?.json())).toContain('[복구] Shop <Main> 정상화 (장애 시간 12분)');
  });

  it('retries after the time a 429 names, and gives up on a removed webhook', async () => {
    service.play(() => ({ status: 429, headers: { 'retry-after': '30' }, body: 'rate_limited' }));
    expect(await slackChannel.send(delivery(outage), settings(), channelEnv())).toMatchObject({ ok: false, retryable: true, status: 429, retryAfterSeconds: 30 });
    service.play(() => ({ status: 404, body: 'no_service' }));
    const gone = await slackChannel.send(delivery(outage), settings(), channelEnv());
    expect(gone).toMatchObject({ ok: false, retryable: false, status: 404 });
    expect(gone.ok || gone.error).toContain('no_service');
    service.play(slack);
  });

  it('keeps the webhook URL secret', () => {
    expect(slackChannel.secrets).toEqual(['webhook_url']);
    expect(slackChannel.settings.safeParse({ webhook_url: 'ftp://x' }).success).toBe(false);
  });
});
