import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { discordChannel } from '../../../../layers/services/notifications/channels/discord.ts';
import { channelEnv, delivery, outage, recovery } from '../../../support/deliveries.ts';
import { startProviderDouble, type PlayService, type ProviderDouble } from '../../../support/receivers/index.ts';

// Discord webhooks: POST JSON to /api/webhooks/{id}/{token}; 204 without ?wait; embed limits
// (title 256, description 4096, 25 fields of 256/1024, 6000 in all); 429 with a JSON retry_after.
const embed = z.object({
  title: z.string().max(256),
  description: z.string().max(4096),
  color: z.number().int().min(0).max(0xffffff),
  fields: z.array(z.object({ name: z.string().min(1).max(256), value: z.string().min(1).max(1024), inline: z.boolean() })).max(25),
  timestamp: z.iso.datetime({ offset: true }),
  footer: z.object({ text: z.string().max(2048) }),
  url: z.string().optional(),
});
const message = z.strictObject({
  content: z.string().max(2000),
  allowed_mentions: z.object({ parse: z.array(z.enum(['roles', 'users', 'everyone'])) }),
  embeds: z.array(embed).max(10),
});

const discord: PlayService = (req) => {
  if (req.method !== 'POST' || !/^\/api\/webhooks\/\d+\/[\w-]+$/.test(req.path)) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
  const m = message.safeParse(req.json());
  if (!m.success) return { status: 400, body: { message: 'Invalid Form Body', code: 50035 } };
  const total = m.data.embeds.reduce((n, e) => n + e.title.length + e.description.length + e.fields.reduce((f, x) => f + x.name.length + x.value.length, 0), 0);
  return total > 6000 ? { status: 400, body: { message: 'Embed size exceeds maximum size of 6000', code: 50035 } } : { status: 204 };
};

let service: ProviderDouble;
beforeAll(async () => {
  service = await startProviderDouble(discord);
});
afterAll(async () => {
  await service.close();
});
const settings = () => ({ webhook_url: `${service.origin}/api/webhooks/123456789/tok-en_1` });

describe('the Discord channel posts an embed to a Discord webhook', () => {
  it('delivers an outage in red and a recovery in green, mentioning nobody', async () => {
    expect(await discordChannel.send(delivery(outage), settings(), channelEnv())).toMatchObject({ ok: true, status: 204 });
    expect(await discordChannel.send(delivery(recovery), settings(), channelEnv())).toMatchObject({ ok: true });
    const [down, up] = service.requests.slice(-2).map((r) => message.parse(r.json()));
    expect(down?.embeds[0]?.color).toBe(0xd93025);
    expect(up?.embeds[0]?.color).toBe(0x1e8e3e);
    expect(down?.allowed_mentions.parse).toEqual([]);
    expect(down?.embeds[0]?.timestamp).toBe('2026-11-24T08:06:00.000Z');
  });

  it('waits as long as the rate limit body says, and gives up on a deleted webhook', async () => {
    service.play(() => ({ status: 429, body: { message: 'You are being rate limited.', retry_after: 2.5, global: false } }));
    expect(await discordChannel.send(delivery(outage), settings(), channelEnv())).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 3 });
    service.play(() => ({ status: 404, body: { message: 'Unknown Webhook', code: 10015 } }));
    expect(await discordChannel.send(delivery(outage), settings(), channelEnv())).toMatchObject({ ok: false, retryable: false, status: 404 });
    service.play(discord);
  });
});
