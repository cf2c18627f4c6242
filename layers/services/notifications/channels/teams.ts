import * as z from 'zod';
import { composeParsed } from '../compose.ts';
import { teamsCard } from '../render/teams.ts';
import { defineChannel } from './channel.ts';
import { deliverHttp } from './http.ts';
import { httpUrlSchema as webUrl } from '../../../checks/schemas.ts';

// Microsoft Teams through a Workflows webhook: the flow answers 202 once it accepted the card; 400
// for a body its trigger schema refuses, 401/403 for a bad signature, 404 for a deleted flow, 429.

export const teamsChannel = defineChannel({
  type: 'teams',
  settings: z.strictObject({ webhook_url: webUrl }),
  // The workflow URL carries its signature (sig=...).
  secrets: ['webhook_url'],
  targets: (s) => [{ field: 'webhook_url', url: s.webhook_url }],
  async send(d, s, env) {
    const composed = composeParsed(d.notification, { language: d.language, timezone: d.timezone, publicUrl: d.publicUrl });
    return deliverHttp({ url: s.webhook_url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(teamsCard(composed)) }, env);
  },
});
