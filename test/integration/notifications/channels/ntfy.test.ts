import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ntfyChannel } from '../../../../layers/services/notifications/channels/ntfy.ts';
import { channelEnv, delivery, outage, recovery } from '../../../support/deliveries.ts';
import { startProviderDouble, type PlayService, type ProviderDouble } from '../../../support/receivers/index.ts';

// An ntfy server: JSON publishing goes to the root URL with the topic in the body; a protected
// topic needs "Authorization: Bearer tk_..."; errors are {code, http, error}; 429 when limited.
const publish = z.strictObject({
  topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/),
  title: z.string().optional(),
  message: z.string().max(4096),
  priority: z.number().int().min(1).max(5).optional(),
  tags: z.array(z.string()).optional(),
  click: z.string().optional(),
});
const ntfyError = (http: number, code: number, error: string) => ({ status: http, body: { code, http, error, link: 'https://ntfy.sh/docs/publish/' } });

const ntfy: PlayService = (req) => {
  if (req.method !== 'POST' || req.path !== '/') return ntfyError(404, 40401, 'page not found');
  const m = publish.safeParse(req.json());
  if (!m.success) return ntfyError(400, 40024, 'invalid request: unexpected JSON');
  if (m.data.topic === 'ops-private' && req.headers['authorization'] !== 'Bearer tk_0123456789abcdef') return ntfyError(403, 40301, 'forbidden');
  return { status: 200, body: { id: 'sPs71M8A2T', time: 1795000000, event: 'message', topic: m.data.topic, message: m.data.message } };
};

let service: ProviderDouble;
beforeAll(async () => {
  service = await startProviderDouble(ntfy);
});
afterAll(async () => {
  await service.close();
});

describe('the ntfy channel publishes to a topic', () => {
  it('publishes an outage at top priority and a recovery at the default one', async () => {
    const s = ntfyChannel.settings.parse({ server_url: service.origin, topic: 'ops-alerts' });
    expect(await ntfyChannel.send(delivery(outage), s, channelEnv())).toMatchObject({ ok: true, status: 200 });
    expect(await ntfyChannel.send(delivery(recovery), s, channelEnv())).toMatchObject({ ok: true });
    const [down, up] = service.requests.slice(-2).map((r) => publish.parse(r.json()));
    expect(down).toMatchObject({ topic: 'ops-alerts', title: '[Down] Shop <Main> is down (HTTP 503)', priority: 5, tags: ['rotating_light'] });
    expect(down?.message).toContain('Consecutive failures: 3');
    expect(up).toMatchObject({ priority: 3, tags: ['white_check_mark'] });
  });

  it('authenticates to a protected topic with its access token, and gives up without one', async () => {
    const open = ntfyChannel.settings.parse({ server_url: service.origin, topic: 'ops-private' });
    expect(await ntfyChannel.send(delivery(outage), open, channelEnv())).toMatchObject({ ok: false, retryable: false, status: 403 });
    const withToken = { ...open, access_token: 'tk_0123456789abcdef' };
    expect(await ntfyChannel.send(delivery(outage), withToken, channelEnv())).toMatchObject({ ok: true });
  });

  it('retries when the server rate-limits', async () => {
    service.play(() => ntfyError(429, 42901, 'limit reached: too many requests'));
    const s = ntfyChannel.settings.parse({ server_url: service.origin, topic: 'ops-alerts' });
    expect(await ntfyChannel.send(delivery(outage), s, channelEnv())).toMatchObject({ ok: false, retryable: true, status: 429 });
    service.play(ntfy);
  });
});
