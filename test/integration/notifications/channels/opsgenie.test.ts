import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opsgenieChannel } from '../../../../layers/services/notifications/channels/opsgenie.ts';
import { channelEnv, delivery, outage, recovery } from '../../../support/deliveries.ts';
import { opsgenieService, startProviderDouble, type OpsgenieState, type ProviderDouble } from '../../../support/receivers/index.ts';

const KEY = '0f6a3c2e-8d4b-4a51-9b7e-3c2d1e0f9a8b';
let og: OpsgenieState;
let service: ProviderDouble;
beforeAll(async () => {
  og = opsgenieService(KEY);
  service = await startProviderDouble((req) => og.play(req));
});
afterAll(async () => {
  await service.close();
});
const settings = () => opsgenieChannel.settings.parse({ api_key: KEY, api_url: service.origin });

describe('the Opsgenie channel creates an alert and closes it by alias', () => {
  it('creates a P1 alert for an outage and closes the same alias on recovery', async () => {
    expect(await opsgenieChannel.send(delivery(outage), settings(), channelEnv())).toMatchObject({ ok: true, status: 202 });
    const alert = og.open.get('py-monitor/project-42/incident-5');
    expect(alert).toMatchObject({ message: '[Down] Shop <Main> is down (HTTP 503)', priority: 'P1', entity: 'Shop <Main>', source: 'Py_Monitor', tags: ['py-monitor', 'status_error'] });
    expect(await opsgenieChannel.send(delivery(recovery), settings(), channelEnv())).toMatchObject({ ok: true });
    expect(og.closed).toEqual(['py-monitor/project-42/incident-5']);
    expect(og.open.size).toBe(0);
  });

  it('gives up on a key Opsgenie does not know and retries a rate limit', async () => {
    const other = { ...settings(), api_key: '11111111-2222-4333-8444-555555555555' };
    expect(await opsgenieChannel.send(delivery(outage), other, channelEnv())).toMatchObject({ ok: false, retryable: false, status: 401 });
    service.play(() => ({ status: 429, headers: { 'retry-after': '60' }, body: { message: 'Too many requests' } }));
    expect(await opsgenieChannel.send(delivery(outage), settings(), channelEnv())).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 60 });
    service.play((req) => og.play(req));
  });

  it('talks to the EU region when asked, and only with an API key shaped as one', () => {
    expect(opsgenieChannel.settings.parse({ api_key: KEY, region: 'eu' }).region).toBe('eu');
    expect(opsgenieChannel.settings.safeParse({ api_key: 'not-a-key' }).success).toBe(false);
  });
});
