import { describe, expect, it } from 'vitest';
import { LocalPush, MemoryConnectionStore } from '../../../../layers/platform/local/memory-connections.ts';
import { websocketChannel } from '../../../../layers/services/notifications/channels/websocket.ts';
import { channelEnv, delivery, outage } from '../../../support/deliveries.ts';

function socket() {
  const sent: unknown[] = [];
  return { readyState: 1, sent, send: (data: string) => sent.push(JSON.parse(data)), close: () => undefined };
}

describe('the WebSocket channel pushes alerts to open dashboards', () => {
  it("reaches the project's subscribers and the owner's connections once each, and forgets closed ones", async () => {
    const push = new LocalPush();
    const connections = new MemoryConnectionStore();
    const owner = socket();
    const subscriber = socket();
    const closed = { ...socket(), readyState: 3 };
    push.sockets.set('a', owner).set('b', subscriber).set('c', closed);
    await connections.add({ connectionId: 'a', userId: 1, connectedAt: '' });
    await connections.add({ connectionId: 'b', userId: 2, connectedAt: '' });
    await connections.add({ connectionId: 'c', userId: 3, connectedAt: '' });
    for (const id of ['a', 'b', 'c']) await connections.subscribe(id, 42);

    const outcome = await websocketChannel.send(delivery(outage), { project_id: 42, user_id: 1 }, channelEnv({ push, connections }));
    expect(outcome).toEqual({ ok: true });
    expect(owner.sent).toEqual([
      { type: 'alert', alert_id: 11, alert_type: 'status_error', severity: 'critical', project_id: 42, title: '[Down] Shop <Main> is down (HTTP 503)', message: '3 consecutive checks failed, so the site is considered down.' },
    ]);
    expect(subscriber.sent).toHaveLength(1);
    expect(await connections.get('c')).toBeUndefined();
  });

  it('is delivered when nobody is connected: the alert waits in the in-app list', async () => {
    expect(await websocketChannel.send(delivery(outage), { project_id: 42, user_id: 1 }, channelEnv())).toEqual({ ok: true });
  });
});
