import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { telegramChannel } from '../../../../layers/services/notifications/channels/telegram.ts';
import { channelEnv, delivery, outage } from '../../../support/deliveries.ts';
import { startProviderDouble, type PlayService, type ProviderDouble } from '../../../support/receivers/index.ts';

// The Bot API: POST /bot<token>/sendMessage with JSON; every answer is {ok, ...}. HTML text may hold
// only Telegram's tags, with <, > and & escaped elsewhere; 4096 characters at most.
const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const send = z.strictObject({
  chat_id: z.union([z.number(), z.string()]),
  text: z.string().min(1).max(4096),
  parse_mode: z.literal('HTML'),
  link_preview_options: z.object({ is_disabled: z.boolean() }).optional(),
  message_thread_id: z.number().optional(),
});
const allowedTags = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'tg-spoiler', 'blockquote']);
const fail = (code: number, description: string, parameters?: object) => ({ status: code, body: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) } });

const telegram: PlayService = (req) => {
  const m = /^\/bot([^/]+)\/sendMessage$/.exec(req.path);
  if (!m) return fail(404, 'Not Found');
  if (m[1] !== TOKEN) return fail(401, 'Unauthorized');
  const body = send.safeParse(req.json());
  if (!body.success) return fail(400, 'Bad Request: message text is empty');
  for (const tag of body.data.text.matchAll(/<\/?([a-z-]+)[^>]*>/g)) {
    if (!allowedTags.has(tag[1]!)) return fail(400, `Bad Request: can't parse entities: Unsupported start tag "${tag[1]}"`);
  }
  if (/&(?!(lt|gt|amp|quot);)/.test(body.data.text)) return fail(400, "Bad Request: can't parse entities: Unsupported entity");
  if (body.data.chat_id !== -1001234567890) return fail(400, 'Bad Request: chat not found');
  return { status: 200, body: { ok: true, result: { message_id: 7, chat: { id: body.data.chat_id, type: 'supergroup' }, date: 1795000000, text: 'x' } } };
};

let service: ProviderDouble;
beforeAll(async () => {
  service = await startProviderDouble(telegram);
});
afterAll(async () => {
  await service.close();
});
const settings = (over: Record<string, unknown> = {}) => telegramChannel.settings.parse({ bot_token: TOKEN, chat_id: -1001234567890, api_url: service.origin, ...over });

describe('the Telegram channel sends a message through the Bot API', () => {
  it('sends HTML Telegram can parse, with user text escaped, in the reader language', async () => {
    const outcome = await telegramChannel.send(delivery(outage, { language: 'ko', timezone: 'Asia/Seoul' }), settings(), channelEnv());
    expect(outcome).toMatchObject({ ok: true, status: 200 });
    const body = send.parse(service.requests.at(-1)?.json());
    expect(body.text.split('\n')[0]).toBe('<b>[장애] Shop &lt;Main&gt; 접속 불가 (HTTP 503)</b>');
    expect(body.text).toContain('<b>연속 실패</b>: 3회');
  });

  it('waits as long as a 429 says and never records the bot token', async () => {
    service.play(() => fail(429, 'Too Many Requests: retry after 7', { retry_after: 7 }));
    const limited = await telegramChannel.send(delivery(outage), settings(), channelEnv());
    expect(limited).toMatchObject({ ok: false, retryable: true, status: 429, retryAfterSeconds: 7 });
    expect(limited.ok || limited.error).not.toContain(TOKEN);
    service.play(telegram);
  });

  it('gives up on an unknown chat or a revoked token', async () => {
    const unknown = await telegramChannel.send(delivery(outage), settings({ chat_id: '@nochannel' }), channelEnv());
    expect(unknown).toMatchObject({ ok: false, retryable: false, status: 400, error: 'Telegram answered 400: Bad Request: chat not found' });
    const revoked = await telegramChannel.send(delivery(outage), settings({ bot_token: '123456789:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw' }), channelEnv());
    expect(revoked).toMatchObject({ ok: false, retryable: false, status: 401 });
  });

  it('refuses settings that cannot be a bot token or a chat', () => {
    expect(telegramChannel.settings.safeParse({ bot_token: 'nope', chat_id: 1 }).success).toBe(false);
    expect(telegramChannel.settings.safeParse({ bot_token: TOKEN, chat_id: 'general' }).success).toBe(false);
  });
});
