import * as z from 'zod';
import { composeParsed } from '../compose.ts';
import { googleChatMessage } from '../render/google-chat.ts';
import { defineChannel } from './channel.ts';
import { deliverHttp } from './http.ts';
import { httpUrlSchema as webUrl } from '../../../checks/schemas.ts';

// Google Chat incoming webhook (spaces/<space>/messages?key=...&token=...): 200 with the created
// message; errors are JSON {error: {code, message, status}}, 429 RESOURCE_EXHAUSTED when rate limited.

export const googleChatChannel = defineChannel({
  type: 'google_chat',
  settings: z.strictObject({ webhook_url: webUrl }),
  // key and token are in the URL's query.
  secrets: ['webhook_url'],
  targets: (s) => [{ field: 'webhook_url', url: s.webhook_url }],
  async send(d, s, env) {
    const composed = composeParsed(d.notification, { language: d.language, timezone: d.timezone, publicUrl: d.publicUrl });
    return deliverHttp(
      { url: s.webhook_url, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: JSON.stringify(googleChatMessage(composed)) },
      env,
    );
  },
});
