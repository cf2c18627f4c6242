import * as z from 'zod';
import { composeParsed } from '../compose.ts';
import { slackPayload } from '../render/slack.ts';
import { defineChannel } from './channel.ts';
import { deliverHttp } from './http.ts';
import { httpUrlSchema as webUrl } from '../../../checks/schemas.ts';

// Slack incoming webhook with a Block Kit message. Slack answers 200 "ok"; 400 (invalid_payload),
// 403, 404 (no_service) and 410 (channel_is_archived) will not get better; 429 says when to retry.

export const slackChannel = defineChannel({
  type: 'slack',
  settings: z.strictObject({ webhook_url: webUrl }),
  // The URL itself is the credential.
  secrets: ['webhook_url'],
  targets: (s) => [{ field: 'webhook_url', url: s.webhook_url }],
  async send(d, s, env) {
    const composed = composeParsed(d.notification, { language: d.language, timezone: d.timezone, publicUrl: d.publicUrl });
    const body = JSON.stringify(slackPayload(composed));
    return deliverHttp({ url: s.webhook_url, headers: { 'content-type': 'application/json; charset=utf-8' }, body }, env);
  },
});
