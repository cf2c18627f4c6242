import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResultsHandler } from '../../../layers/handlers/pipeline.ts';
import { sweepOutbox } from '../../../layers/services/recorder.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { startWebhookCapture, type WebhookCapture } from '../../support/receivers/index.ts';
import { startFlakyTarget, type FlakyTarget } from '../../support/target.ts';

// Issue 16, point 13: the notifier sends a webhook, then the process dies before the delivery's
// outcome is recorded. After a restart the lease runs out and the sweeper hands the delivery to the
// notifier again: it must recognise it as sent (same delivery id) and not send it a second time.

let dataDir: string;
let hook: WebhookCapture;
let target: FlakyTarget;
let app: TestApp | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pym-crash-'));
  hook = await startWebhookCapture();
  target = await startFlakyTarget();
  target.setUp(false);
});
afterAll(async () => {
  await app?.close();
  await hook?.close();
  await target?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const lambdaContext = { functionName: 'results', awsRequestId: 'test' } as Context;

describe('a crash between sending a webhook and recording it', () => {
  it('does not send the webhook again after a restart on the same data', async () => {
    const first = await startTestApp({}, { dataDir });
    app = first;
    const owner = await first.user('user', 'Owner');
    const manager = await first.user('manager');
    const created = await first.request('POST', '/api/v1/projects', { token: owner.token, body: { title: 'Crashy', url: target.url } });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as number;
    const put = await first.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, {
      token: owner.token,
      body: { alert_threshold: 1, retry_count: 1, webhook_url: hook.url },
    });
    expect(put.status, put.text).toBe(200);

    // The process "dies" after the notifier's send: delivery outcomes never reach the results consumer.
    const results = createResultsHandler(async () => first.system.ctx);
    first.system.ctx.queue.consume(
      'results',
      (event: SQSEvent) => results({ Records: event.Records.filter((r) => JSON.parse(r.body).type !== 'delivery') }, lambdaContext),
      1,
      10,
    );
    const check = await first.request('POST', `/api/v1/projects/${id}/check`, { token: manager.token });
    expect(check.status, check.text).toBe(200);
    const sent = await hook.waitFor(1);
    await first.system.ctx.queue.drain();
    const deliveryId = sent[0]!.headers['x-pymonitor-delivery'];
    expect(deliveryId).toBeTruthy();
    await first.close();
    app = undefined;

    const second = await startTestApp({}, { dataDir });
    app = second;
    const [row] = await second.system.ctx.sql<{ status: string }[]>`SELECT status FROM outbox WHERE channel = 'webhook'`;
    expect(row?.status).toBe('sending');
    // The lease (5 minutes) runs out: the sweeper hands the delivery to the notifier again.
    const later = Date.now() + 10 * 60_000;
    second.system.ctx.clock = { now: () => new Date(later) };
    expect(await sweepOutbox(second.system.ctx)).toBeGreaterThan(0);
    await second.system.ctx.queue.drain();
    const [after] = await second.system.ctx.sql<{ status: string }[]>`SELECT status FROM outbox WHERE channel = 'webhook'`;
    expect(after?.status).toBe('sent');
    expect(hook.requests.map((r) => r.headers['x-pymonitor-delivery'])).toEqual([deliveryId]);
  }, 90_000);
});
