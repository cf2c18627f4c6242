import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import type { ResultMessageInput } from '../../../layers/services/messages.ts';

// Issue 16, point 12: while the database is down, check results wait in the results queue and come
// back after the scheduler's catch-up check. The outage still counts from its first failed check.

let app: TestApp;
let owner: { id: number; token: string };

beforeAll(async () => {
  app = await startTestApp();
  owner = await app.user('user', 'Owner');
});
afterAll(async () => app?.close());

const MIN = 60_000;

async function deliverResult(projectId: number, at: Date, up: boolean): Promise<void> {
  const message: ResultMessageInput = {
    type: 'http_result',
    project_id: projectId,
    due_at: at.toISOString(),
    started_at: at.toISOString(),
    cycle: null,
    result: {
      is_available: up,
      status_code: up ? 200 : 503,
      response_time: 12,
      error_kind: up ? null : 'http_status',
      error_message: up ? null : 'HTTP 503',
      checked_at: at.toISOString(),
      details: {},
    },
  };
  await app.system.ctx.queue.send('results', [{ body: message }]);
  await app.system.ctx.queue.drain();
}

describe('results that arrive late, after a database outage', () => {
  it('counts the outage in the alerts from the first failed check, not from the catch-up check', async () => {
    const created = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title: 'Late', url: 'https://example.com' } });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as number;
    const settings = await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token, body: { alert_threshold: 2 } });
    expect(settings.status, settings.text).toBe(200);

    const t0 = new Date(Date.now() - 10 * MIN);
    const at = (minutes: number) => new Date(t0.getTime() + minutes * MIN);
    await deliverResult(id, at(0), true);
    // The database was down from minute 1 to 5: the catch-up check gets through first ...
    await deliverResult(id, at(5), false);
    // ... then the checks of minutes 1 and 2, retried from the queue.
    await deliverResult(id, at(1), false);
    await deliverResult(id, at(2), false);
    await deliverResult(id, at(6), false);
    const status = await app.request('GET', `/api/v1/projects/${id}/status`, { token: owner.token });
    expect(status.body.is_down).toBe(true);
    expect(new Date(status.body.down_since).toISOString()).toBe(at(1).toISOString());
    await deliverResult(id, at(8), true);

    const list = await app.request('GET', `/api/v1/projects/${id}/alerts`, { token: owner.token });
    expect(list.status, list.text).toBe(200);
    const byType = Object.fromEntries(list.body.items.map((a: { type: string; data: Record<string, unknown> }) => [a.type, a.data]));
    expect(new Date(String(byType['status_error']?.['started_at'])).toISOString()).toBe(at(1).toISOString());
    expect(new Date(String(byType['recovery']?.['started_at'])).toISOString()).toBe(at(1).toISOString());
    expect(byType['recovery']?.['duration_seconds']).toBe(7 * 60);
  });
});
