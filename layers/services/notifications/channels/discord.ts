import * as z from 'zod';
import { composeParsed } from '../compose.ts';
import { discordPayload } from '../render/discord.ts';
import { defineChannel } from './channel.ts';
import { deliverHttp, jsonOf, readStatus } from './http.ts';
import { httpUrlSchema as webUrl } from '../../../checks/schemas.ts';

// Discord webhook with an embed. Discord answers 204; a 429 carries `retry_after` (seconds, possibly
// fractional) in its JSON body as well as the Retry-After header.

const rateLimitBody = z.object({ retry_after: z.number().nonnegative() });

export const discordChannel = defineChannel({
  type: 'discord',
  settings: z.strictObject({ webhook_url: webUrl }),
  secrets: ['webhook_url'],
  targets: (s) => [{ field: 'webhook_url', url: s.webhook_url }],
  async send(d, s, env) {
    const composed = composeParsed(d.notification, { language: d.language, timezone: d.timezone, publicUrl: d.publicUrl });
    const body = JSON.stringify(discordPayload(composed, d.occurredAt.toISOString()));
    return deliverHttp({ url: s.webhook_url, headers: { 'content-type': 'application/json' }, body }, env, (a) => {
      if (a.status !== 429) return undefined;
      const limit = rateLimitBody.safeParse(jsonOf(a.body));
      const outcome = readStatus(a);
      return limit.success && !outcome.ok ? { ...outcome, retryAfterSeconds: Math.ceil(limit.data.retry_after) } : outcome;
    });
  },
});
