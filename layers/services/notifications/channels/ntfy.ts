import * as z from 'zod';
import type { Tone } from '../compose.ts';
import { composeParsed } from '../compose.ts';
import { truncate } from '../format.ts';
import { plainBody } from '../render/plain.ts';
import { defineChannel } from './channel.ts';
import { deliverHttp } from './http.ts';
import { httpUrlSchema as webUrl } from '../../../checks/schemas.ts';

// ntfy (ntfy.sh or a self-hosted server): a JSON publish to the server's root URL. Errors are JSON
// {code, http, error}; 429 when the visitor's limits are reached; 401/403 for a protected topic.

const priorities: Record<Tone, number> = { outage: 5, warning: 4, recovery: 3, info: 3 };
const tags: Record<Tone, string> = { outage: 'rotating_light', warning: 'warning', recovery: 'white_check_mark', info: 'information_source' };

export const ntfyChannel = defineChannel({
  type: 'ntfy',
  settings: z.strictObject({
    server_url: webUrl.default('https://ntfy.sh'),
    topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/, 'must be 1-64 letters, digits, - or _'),
    /** An access token (tk_...) for a protected topic. */
    access_token: z.string().trim().min(1).max(200).optional(),
  }),
  secrets: ['access_token'],
  targets: (s) => [{ field: 'server_url', url: s.server_url }],
  async send(d, s, env) {
    const n = composeParsed(d.notification, { language: d.language, timezone: d.timezone, publicUrl: d.publicUrl });
    const body = {
      topic: s.topic,
      title: truncate(n.subject, 250),
      message: truncate(plainBody(n), 4000),
      priority: priorities[n.tone],
      tags: [tags[n.tone]],
      ...(n.link ? { click: n.link.url } : {}),
    };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (s.access_token) headers['authorization'] = `Bearer ${s.access_token}`;
    return deliverHttp({ url: `${s.server_url.replace(/\/+$/, '')}/`, headers, body: JSON.stringify(body) }, env);
  },
});
