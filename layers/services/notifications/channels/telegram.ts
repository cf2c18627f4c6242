import * as z from 'zod';
import { composeParsed } from '../compose.ts';
import { telegramHtml } from '../render/telegram.ts';
import { defineChannel } from './channel.ts';
import { deliverHttp, jsonOf, readStatus } from './http.ts';
import { httpUrlSchema as webUrl } from '../../../checks/schemas.ts';

// Telegram Bot API sendMessage. Every answer is JSON {ok, ...}; a failure carries error_code and
// description, and a 429 says how long to wait in parameters.retry_after.

const apiError = z.object({
  ok: z.literal(false),
  error_code: z.number().int(),
  description: z.string().default(''),
  parameters: z.object({ retry_after: z.number().int().nonnegative().optional(), migrate_to_chat_id: z.number().int().optional() }).optional(),
});

export const telegramChannel = defineChannel({
  type: 'telegram',
  settings: z.strictObject({
    bot_token: z.string().trim().regex(/^\d{1,20}:[A-Za-z0-9_-]{30,100}$/, 'must be a bot token as BotFather gives it (123456:ABC...)'),
    chat_id: z.union([
      z.number().int(),
      z.string().trim().regex(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/, 'must be a numeric chat id or @channelusername'),
    ]),
    /** A forum topic of the chat. */
    message_thread_id: z.number().int().positive().optional(),
    /** A self-hosted Bot API server instead of api.telegram.org. */
    api_url: webUrl.default('https://api.telegram.org'),
  }),
  secrets: ['bot_token'],
  targets: (s) => [{ field: 'api_url', url: s.api_url }],
  async send(d, s, env) {
    const composed = composeParsed(d.notification, { language: d.language, timezone: d.timezone, publicUrl: d.publicUrl });
    const body = {
      chat_id: s.chat_id,
      text: telegramHtml(composed),
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(s.message_thread_id ? { message_thread_id: s.message_thread_id } : {}),
    };
    const url = `${s.api_url.replace(/\/+$/, '')}/bot${s.bot_token}/sendMessage`;
    return deliverHttp({ url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, env, (a) => {
      const e = apiError.safeParse(jsonOf(a.body));
      if (!e.success) return undefined;
      const outcome = readStatus(a);
      if (outcome.ok) return outcome;
      const wait = e.data.parameters?.retry_after;
      const migrated = e.data.parameters?.migrate_to_chat_id;
      return {
        ...outcome,
        // The token never appears in what is recorded: the error names Telegram's own words only.
        error: `Telegram answered ${e.data.error_code}: ${e.data.description}${migrated ? ` (the group is now chat ${migrated})` : ''}`,
        ...(wait !== undefined ? { retryAfterSeconds: wait } : {}),
      };
    });
  },
});
