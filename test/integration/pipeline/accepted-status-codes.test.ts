import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueMessage, QueueName } from '../../../layers/platform/ports.ts';
import { checkQueueMessageSchema } from '../../../layers/services/messages.ts';
import { tick } from '../../../layers/services/scheduler.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { startHttpServer, type TestHttpServer } from '../../support/servers/http-server.ts';
import { expectInvalid } from '../api/helpers.ts';

// Issue 15: a project's accepted status codes (Uptime Kuma's and UptimeRobot's setting), from the API
// through the check message the scheduler and check-now build to the probe's verdict.

let app: TestApp;
let token: string;
let target: TestHttpServer;

beforeAll(async () => {
  // Answers /status/N with N (no Location on a 3xx: the status is final).
  target = await startHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const m = /^\/status\/(\d{3})$/.exec(req.url ?? '');
    res.writeHead(m ? Number(m[1]) : 200, { 'content-type': 'text/plain' }).end('x');
  });
  app = await startTestApp();
  // Check now is a manager's.
  token = (await app.user('manager')).token;
  // The check's reason is asserted in English (a Korean reader gets it in Korean: test/integration/api/messages.test.ts).
  expect((await app.request('PUT', '/api/v1/users/me/settings', { token, body: { language: 'en' } })).status).toBe(200);
});
afterAll(async () => {
  await app?.close();
  await target?.close();
});

async function project(path: string, settings?: Record<string, unknown>): Promise<number> {
  const r = await app.request('POST', '/api/v1/projects', { token, body: { title: `codes ${path}`, url: `${target.url}${path}`, status_interval: 300 } });
  expect(r.status, r.text).toBe(201);
  if (settings) {
    const s = await app.request('PUT', `/api/v1/projects/${r.body.id}/monitoring-settings`, { token, body: settings });
    expect(s.status, s.text).toBe(200);
  }
  return r.body.id as number;
}

const put = (id: number, body: unknown) => app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token, body });

describe('accepted_status_codes', () => {
  it('is a monitoring setting: 200-399 by default, codes and ranges, a bad entry a 400 naming the field', async () => {
    const id = await project('/status/200');
    const s = await app.request('GET', `/api/v1/projects/${id}/monitoring-settings`, { token });
    expect(s.body.accepted_status_codes).toEqual(['200-399']);

    const ok = await put(id, { accepted_status_codes: ['200-299', ' 404 ', 301, '500 - 503', '404'] });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.accepted_status_codes).toEqual(['200-299', '404', '301', '500-503']);
    // The same comma-separated in one string, as a form field gives it.
    expect((await put(id, { accepted_status_codes: '200-299, 302' })).body.accepted_status_codes).toEqual(['200-299', '302']);
    // Left out, the setting is reset to its default, like every other monitoring setting.
    expect((await put(id, { timeout: 10 })).body.accepted_status_codes).toEqual(['200-399']);

    expectInvalid(await put(id, { accepted_status_codes: ['200-299', '2xx'] }), 'accepted_status_codes.1');
    expectInvalid(await put(id, { accepted_status_codes: ['299-200'] }), 'accepted_status_codes.0');
    expectInvalid(await put(id, { accepted_status_codes: ['99'] }), 'accepted_status_codes.0');
    expectInvalid(await put(id, { accepted_status_codes: ['200-600'] }), 'accepted_status_codes.0');
    expectInvalid(await put(id, { accepted_status_codes: [] }), 'accepted_status_codes');
    expectInvalid(await put(id, { accepted_status_codes: 'abc' }), 'accepted_status_codes');
    expectInvalid(await put(id, { accepted_status_codes: Array.from({ length: 21 }, (_, i) => String(200 + i)) }), 'accepted_status_codes');
    expectInvalid(await put(id, { accepted_status_codes: [true] }), 'accepted_status_codes');
    const bad = await put(id, { accepted_status_codes: ['200-299', '2xx'] });
    expect(bad.body.errors[0].message).toMatch(/"2xx"/);
    expect((await app.request('GET', `/api/v1/projects/${id}/monitoring-settings`, { token })).body.accepted_status_codes).toEqual(['200-399']);

    const doc = await app.request('GET', '/api/v1/openapi.json');
    expect(JSON.stringify(doc.body)).toContain('"accepted_status_codes":');
  });

  it("check now: a 404 is up for a project that accepts it, down with the reason for one that does not", async () => {
    // One retry: a refused status is retried like any failure.
    const accepts = await project('/status/404', { accepted_status_codes: ['200-299', '404'], retry_count: 1 });
    const refuses = await project('/status/404', { retry_count: 1 });
    const created = await project('/status/201', { accepted_status_codes: ['200-299', '404'], retry_count: 1 });
    const found = await project('/status/302', { accepted_status_codes: ['200-299'], retry_count: 1 });
    const check = async (id: number) => {
      const r = await app.request('POST', `/api/v1/projects/${id}/check`, { token });
      expect(r.status, r.text).toBe(200);
      return r.body;
    };
    expect(await check(accepts)).toMatchObject({ is_available: true, status_code: 404, error_message: null });
    expect(await check(refuses)).toMatchObject({ is_available: false, status_code: 404, error_kind: 'http_status', error_message: 'unexpected status 404 (expected 200-399)' });
    expect(await check(created)).toMatchObject({ is_available: true, status_code: 201 });
    expect(await check(found)).toMatchObject({ is_available: false, status_code: 302, error_message: 'unexpected status 302 (expected 200-299)' });
  });

  it('the scheduler puts the setting in the check message; a message from before the setting accepts 200-399', async () => {
    await app.system.ctx.sql`UPDATE monitor_state SET is_running = false`;
    const id = await project('/status/404', { accepted_status_codes: ['404', '500-503'] });
    const t0 = new Date(Date.UTC(2031, 0, 1));
    await app.system.ctx.sql`UPDATE monitor_state SET next_due_at = ${t0}, is_running = true WHERE project_id = ${id}`;
    const sent: { queue: QueueName; message: QueueMessage }[] = [];
    const queue = { send: async (q: QueueName, messages: QueueMessage[]) => void sent.push(...messages.map((message) => ({ queue: q, message }))) };
    await tick({ ...app.system.ctx, queue, clock: { now: () => t0 } }, { lookaheadSeconds: 60 });
    const batch = checkQueueMessageSchema.parse(sent.find((s) => s.queue === 'checks')!.message.body);
    if (batch.type !== 'check_batch') throw new Error('expected a batch');
    const check = batch.checks.find((c) => c.project_id === id)!;
    expect(check.target.accepted_status_codes).toEqual(['404', '500-503']);

    const { accepted_status_codes: _, ...older } = check.target;
    const old = checkQueueMessageSchema.parse({ type: 'check_batch', checks: [{ ...check, due_at: check.due_at.toISOString(), target: older }] });
    if (old.type !== 'check_batch') throw new Error('expected a batch');
    expect(old.checks[0]!.target.accepted_status_codes).toEqual(['200-399']);
  });
});
