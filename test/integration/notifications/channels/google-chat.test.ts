import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { googleChatChannel } from '../../../../layers/services/notifications/channels/google-chat.ts';
import { channelEnv, delivery, recovery } from '../../../support/deliveries.ts';
import { startProviderDouble, type PlayService, type ProviderDouble } from '../../../support/receivers/index.ts';

// A Google Chat space webhook: POST /v1/spaces/<space>/messages?key=...&token=...; a wrong token is
// 401 UNAUTHENTICATED, a malformed card 400 INVALID_ARGUMENT, too many messages 429 RESOURCE_EXHAUSTED.
const widget = z.union([
  z.object({ textParagraph: z.object({ text: z.string() }) }),
  z.object({ decoratedText: z.object({ topLabel: z.string(), text: z.string().min(1) }).loose() }),
  z.object({ buttonList: z.object({ buttons: z.array(z.object({ text: z.string(), onClick: z.object({ openLink: z.object({ url: z.string() }) }) })) }) }),
]);
const message = z.strictObject({
  text: z.string().max(4096).optional(),
  cardsV2: z.array(z.object({ cardId: z.string().min(1), card: z.object({ header: z.object({ title: z.string().min(1), subtitle: z.string().optional() }), sections: z.array(z.object({ widgets: z.array(widget).min(1) })).max(100) }) })).optional(),
});
const googleError = (code: number, status: string, msg: string) => ({ status: code, body: { error: { code, message: msg, status } } });

const chat: PlayService = (req) => {
  const url = new URL(req.path, 'http://x');
  if (!/^\/v1\/spaces\/\w+\/messages$/.test(url.pathname)) return googleError(404, 'NOT_FOUND', 'Requested entity was not found.');
  if (url.searchParams.get('key') !== 'AIzaKEY' || url.searchParams.get('token') !== 'tok3n') return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
  if (!message.safeParse(req.json()).success) return googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
  return { status: 200, body: { name: 'spaces/AAAA/messages/1', createTime: '2026-11-24T08:17:01Z' } };
};

let service: ProviderDouble;
beforeAll(async () => {
  service = await startProviderDouble(chat);
});
afterAll(async () => {
  await service.close();
});
const url = (token = 'tok3n') => `${service.origin}/v1/spaces/AAAA/messages?key=AIzaKEY&token=${token}`;

describe('the Google Chat channel posts a card to a space webhook', () => {
  it('delivers a recovery card in Korean with the one-line text as fallback', async () => {
    const outcome = await googleChatChannel.send(delivery(recovery, { language: 'ko', timezone: 'Asia/Seoul' }), { webhook_url: url() }, channelEnv());
    expect(outcome).toMatchObject({ ok: true, status: 200 });
    const body = message.parse(service.requests.at(-1)?.json());
    expect(body.cardsV2?.[0]?.card.header.title).toBe('[복구] Shop <Main> 정상화 (장애 시간 12분)');
    expect(JSON.stringify(body.cardsV2)).toContain('Shop &lt;Main&gt;');
    expect(body.text).not.toMatch(/[<>]/);
  });

  it('gives up on bad credentials and retries when the space is rate limited', async () => {
    const refused = await googleChatChannel.send(delivery(recovery), { webhook_url: url('nope') }, channelEnv());
    expect(refused).toMatchObject({ ok: false, retryable: false, status: 401 });
    expect(refused.ok || refused.error).toContain('UNAUTHENTICATED');
    service.play(() => googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'));
    expect(await googleChatChannel.send(delivery(recovery), { webhook_url: url() }, channelEnv())).toMatchObject({ ok: false, retryable: true, status: 429 });
    service.play(chat);
  });
});
