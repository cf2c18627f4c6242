import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { teamsChannel } from '../../../../layers/services/notifications/channels/teams.ts';
import { channelEnv, delivery, outage } from '../../../support/deliveries.ts';
import { startProviderDouble, type PlayService, type ProviderDouble } from '../../../support/receivers/index.ts';

// A Teams Workflows trigger: POST to .../workflows/<id>/triggers/manual/paths/invoke?...&sig=<sig>;
// a bad signature is 401, a body that is not a message with an Adaptive Card attachment 400; 202 accepted.
const SIG = 'k3yS1gnature_abc';
const element = z.discriminatedUnion('type', [
  z.object({ type: z.literal('TextBlock'), text: z.string().min(1), wrap: z.boolean().optional() }).loose(),
  z.object({ type: z.literal('FactSet'), facts: z.array(z.object({ title: z.string(), value: z.string() })) }).loose(),
]);
const card = z.object({
  type: z.literal('message'),
  attachments: z
    .array(
      z.object({
        contentType: z.literal('application/vnd.microsoft.card.adaptive'),
        content: z.object({
          $schema: z.string(),
          type: z.literal('AdaptiveCard'),
          version: z.string().regex(/^1\.[0-6]$/),
          body: z.array(element).min(1),
          actions: z.array(z.object({ type: z.literal('Action.OpenUrl'), title: z.string(), url: z.string() })).optional(),
        }),
      }),
    )
    .length(1),
});

const teams: PlayService = (req) => {
  const url = new URL(req.path, 'http://x');
  if (!/^\/workflows\/\w+\/triggers\/manual\/paths\/invoke$/.test(url.pathname)) return { status: 404, body: { error: { code: 'WorkflowNotFound' } } };
  if (url.searchParams.get('sig') !== SIG) return { status: 401, body: { error: { code: 'DirectApiAuthorizationRequired', message: 'The request must be authenticated' } } };
  if (!card.safeParse(req.json()).success) return { status: 400, body: { error: { code: 'InvalidRequestContent', message: 'The input body for trigger is not valid' } } };
  return { status: 202 };
};

let service: ProviderDouble;
beforeAll(async () => {
  service = await startProviderDouble(teams);
});
afterAll(async () => {
  await service.close();
});
const url = (sig = SIG) => `${service.origin}/workflows/a1b2c3/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`;

describe('the Teams channel posts an Adaptive Card to a Workflows webhook', () => {
  it('delivers the alert as a card with a heading, the summary and a fact per field', async () => {
    expect(await teamsChannel.send(delivery(outage, { publicUrl: 'https://monitor.example.com' }), { webhook_url: url() }, channelEnv())).toMatchObject({ ok: true, status: 202 });
    const body = card.parse(service.requests.at(-1)?.json());
    const content = body.attachments[0]!.content;
    expect(content.body[0]).toMatchObject({ type: 'TextBlock', color: 'Attention', text: '\\[Down\\] Shop <Main\\> is down \\(HTTP 503\\)' });
    expect(JSON.stringify(content.body[2])).toContain('"title":"Consecutive failures","value":"3"');
    expect(content.actions?.[0]?.url).toBe('https://monitor.example.com/frontend/html/index.html?project=42');
  });

  it('gives up on a bad signature and retries a throttled flow', async () => {
    const refused = await teamsChannel.send(delivery(outage), { webhook_url: url('wrong') }, channelEnv());
    expect(refused).toMatchObject({ ok: false, retryable: false, status: 401 });
    service.play(() => ({ status: 429, headers: { 'retry-after': '20' }, body: { error: { code: 'WorkflowTriggerIsThrottled' } } }));
    expect(await teamsChannel.send(delivery(outage), { webhook_url: url() }, channelEnv())).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 20 });
    service.play(teams);
  });
});
