import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagerdutyChannel } from '../../../../layers/services/notifications/channels/pagerduty.ts';
import { channelEnv, delivery, outage, recovery } from '../../../support/deliveries.ts';
import { pagerDutyService, startProviderDouble, type PagerDutyState, type ProviderDouble } from '../../../support/receivers/index.ts';

const KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
let pd: PagerDutyState;
let service: ProviderDouble;
beforeAll(async () => {
  pd = pagerDutyService(KEY);
  service = await startProviderDouble((req) => pd.play(req));
});
afterAll(async () => {
  await service.close();
});
const settings = () => pagerdutyChannel.settings.parse({ routing_key: KEY, events_url: `${service.origin}/v2/enqueue` });

describe('the PagerDuty channel triggers on an outage and resolves on its recovery', () => {
  it('opens one alert keyed by the incident and resolves the same key', async () => {
    expect(await pagerdutyChannel.send(delivery(outage), settings(), channelEnv())).toMatchObject({ ok: true, status: 202 });
    const alert = pd.open.get('py-monitor/project-42/incident-5');
    expect(alert?.payload).toMatchObject({ summary: '[Down] Shop <Main> is down (HTTP 503)', severity: 'critical', source: 'shop.example.com', component: 'Shop <Main>', class: 'status_error' });
    expect(alert?.payload.custom_details).toMatchObject({ 'Consecutive failures': '3' });

    expect(await pagerdutyChannel.send(delivery(recovery), settings(), channelEnv())).toMatchObject({ ok: true, status: 202 });
    expect(pd.open.size).toBe(0);
    expect(pd.resolved).toEqual(['py-monitor/project-42/incident-5']);
  });

  it('records an invalid event as a permanent failure and retries a rate limit', async () => {
    const wrongKey = await pagerdutyChannel.send(delivery(outage), { ...settings(), routing_key: 'X'.repeat(32) }, channelEnv());
    expect(wrongKey).toMatchObject({ ok: false, retryable: false, status: 400 });
    expect(wrongKey.ok || wrongKey.error).toContain('Invalid routing key');
    service.play(() => ({ status: 429, body: '' }));
    expect(await pagerdutyChannel.send(delivery(outage), settings(), channelEnv())).toMatchObject({ ok: false, retryable: true, status: 429 });
    service.play((req) => pd.play(req));
  });

  it('resolves its own test alert at once', async () => {
    const test = delivery({ kind: 'test', data: { channel_name: 'On call', requested_at: '2026-11-24T08:00:00Z' } }, { alertKey: 'py-monitor/channel-3/test-1' });
    expect(await pagerdutyChannel.send(test, settings(), channelEnv())).toMatchObject({ ok: true });
    expect(pd.open.has('py-monitor/channel-3/test-1')).toBe(false);
    expect(pd.resolved).toContain('py-monitor/channel-3/test-1');
  });
});
