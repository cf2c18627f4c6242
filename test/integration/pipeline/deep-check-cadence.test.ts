import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueMessage, QueueName } from '../../../layers/platform/ports.ts';
import { tick } from '../../../layers/services/scheduler.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { expectInvalid } from '../api/helpers.ts';

// Issue 13.4: each project chooses how often its deep browser check runs. A day of scheduler ticks on
// a simulated clock, with the real database claiming the checks, and the browser queue recorded.

let app: TestApp;
let token: string;
beforeAll(async () => {
  app = await startTestApp();
  token = (await app.user('user')).token;
});
afterAll(async () => app?.close());

async function project(cadence?: string): Promise<number> {
  const r = await app.request('POST', '/api/v1/projects', { token, body: { title: `cadence ${cadence ?? 'default'}`, url: 'http://127.0.0.1:9/', status_interval: 300 } });
  expect(r.status, r.text).toBe(201);
  if (cadence) {
    const s = await app.request('PUT', `/api/v1/projects/${r.body.id}/monitoring-settings`, { token, body: { deep_check_cadence: cadence } });
    expect(s.status, s.text).toBe(200);
    expect(s.body.deep_check_cadence).toBe(cadence);
  }
  return r.body.id;
}

describe('deep_check_cadence', () => {
  it('is a monitoring setting: every_6th by default, one of four values', async () => {
    const id = await project();
    const s = await app.request('GET', `/api/v1/projects/${id}/monitoring-settings`, { token });
    expect(s.body.deep_check_cadence).toBe('every_6th');
    expectInvalid(await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token, body: { deep_check_cadence: 'weekly' } }), 'deep_check_cadence');
    const doc = await app.request('GET', '/api/v1/openapi.json');
    expect(JSON.stringify(doc.body)).toContain('"deep_check_cadence":{"type":"string","enum":["every_6th","hourly","daily","off"]');
  });

  it('a day of 5-minute checks brings 48, 24, 1 and 0 deep checks; journeys stay every 6th cycle', async () => {
    await app.system.ctx.sql`UPDATE monitor_state SET is_running = false`;
    const ids = { every_6th: await project('every_6th'), hourly: await project('hourly'), daily: await project('daily'), off: await project('off') };
    const journey = await app.request('POST', `/api/v1/projects/${ids.off}/synthetic-tests`, {
      token,
      body: { name: 'Open', steps: [{ action: 'navigate', value: 'http://127.0.0.1:9/' }], settings: {}, is_active: true },
    });
    expect(journey.status, journey.text).toBe(201);
    const t0 = new Date(Date.UTC(2030, 5, 1));
    await app.system.ctx.sql`UPDATE monitor_state SET next_due_at = ${new Date(t0.getTime() + 1000)}, is_running = true WHERE project_id IN ${app.system.ctx.sql(Object.values(ids))}`;

    type Body = { kind?: string; project_id?: number; type?: string; checks?: Body[] };
    const sent: { queue: QueueName; body: Body }[] = [];
    // Checks travel in batch messages: count each check of a batch on its own.
    const unbatch = (b: Body): Body[] => (b.type === 'check_batch' ? (b.checks ?? []) : [b]);
    const queue = { send: async (q: QueueName, messages: QueueMessage[]) => void sent.push(...messages.flatMap((m) => unbatch(m.body as Body).map((body) => ({ queue: q, body })))) };
    let now = t0;
    const ctx = { ...app.system.ctx, queue, clock: { now: () => now } };
    // 288 ticks of five minutes, each claiming five minutes ahead: one day, cycles 1 to 288.
    for (let i = 0; i < 288; i++) {
      now = new Date(t0.getTime() + i * 300_000);
      await tick(ctx, { lookaheadSeconds: 300 });
    }
    const count = (kind: string, id: number) => sent.filter((m) => m.queue === 'browser' && m.body.kind === kind && m.body.project_id === id).length;
    expect(sent.filter((m) => m.queue === 'checks' && m.body.project_id === ids.daily)).toHaveLength(288);
    expect(count('deep_check', ids.every_6th)).toBe(48);
    expect(count('deep_check', ids.hourly)).toBe(24);
    expect(count('deep_check', ids.daily)).toBe(1);
    expect(count('deep_check', ids.off)).toBe(0);
    expect(count('journey', ids.off)).toBe(48);
  }, 120_000);
});
