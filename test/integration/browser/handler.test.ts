import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserPool } from '../../../layers/checks/browser/browser-pool.ts';
import { browserOutputMessageSchema, type BrowserJobInput } from '../../../layers/services/browser-messages.ts';
import type { Blobs, Queue, QueueMessage, QueueName } from '../../../layers/platform/ports.ts';
import { createBrowserHandler } from '../../../layers/handlers/browser.ts';
import { resultMessageSchema } from '../../../layers/services/messages.ts';
import { startPageServer, type PageServer } from '../../support/pages/page-server.ts';
import { createTestPool } from './browser-fixture.ts';

let pool: BrowserPool;
let pages: PageServer;

beforeAll(async () => {
  pages = await startPageServer();
  pool = createTestPool();
  await pool.warm();
});

afterAll(async () => {
  await pool?.close();
  await pages?.close();
});

class RecordingQueue implements Queue {
  readonly sent: Array<{ queue: QueueName; message: QueueMessage }> = [];
  failOnce = false;
  async send(queue: QueueName, messages: QueueMessage[]): Promise<void> {
    if (this.failOnce) {
      this.failOnce = false;
      throw new Error('results queue unavailable');
    }
    for (const message of messages) this.sent.push({ queue, message });
  }
}

class MemoryBlobs implements Blobs {
  readonly items = new Map<string, { data: Uint8Array; contentType: string }>();
  async put(key: string, data: Uint8Array, contentType: string): Promise<void> {
    this.items.set(key, { data, contentType });
  }
  async get(key: string) {
    return this.items.get(key);
  }
}

function sqsEvent(bodies: Array<BrowserJobInput | string>): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:browser',
      awsRegion: 'us-east-1',
    })),
  };
}

describe('browser function (SQS handler)', () => {
  it('runs deep checks, screenshots and journeys and reports only bad records as failures', async () => {
    const queue = new RecordingQueue();
    const blobs = new MemoryBlobs();
    const handler = createBrowserHandler({ pool, sink: queue, blobs, allowPrivateTargets: true });
    const response = await handler(
      sqsEvent([
        { kind: 'deep_check', project_id: 7, url: pages.url('/errors'), screenshot: true },
        { kind: 'screenshot', project_id: 7, url: pages.url('/plain'), width: 800, height: 600 },
        {
          kind: 'journey',
          project_id: 7,
          journey_id: 3,
          url: pages.url('/form'),
          scenario: { steps: [{ action: 'screenshot' }, { action: 'assert_text', selector: 'h1', value: 'Sign in' }], settings: { timeout: 5_000 } },
        },
        JSON.stringify({ kind: 'journey', project_id: 7, scenario: { steps: [{ action: 'click' }] } }),
        'not json',
      ]),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm3' }, { itemIdentifier: 'm4' }]);
    expect(queue.sent).toHaveLength(3);
    expect(queue.sent.every((s) => s.queue === 'results')).toBe(true);
    const messages = queue.sent.map((s) => browserOutputMessageSchema.parse(s.message.body));

    const deep = messages.find((m) => m.type === 'browser_result');
    expect(deep).toMatchObject({ project_id: 7, is_success: true, error_kind: null });
    // Contract with the results consumer: it accepts every message this function sends.
    for (const sent of queue.sent) expect(resultMessageSchema.safeParse(sent.message.body).success).toBe(true);
    expect(deep?.type === 'browser_result' && deep.metrics).toMatchObject({ console_errors: 1, failed_resources: 1, is_js_healthy: false });
    const deepKey = deep?.type === 'browser_result' ? deep.metrics['screenshot_key'] : undefined;
    expect(typeof deepKey === 'string' && blobs.items.has(deepKey)).toBe(true);

    const shot = messages.find((m) => m.type === 'screenshot_result');
    expect(shot).toMatchObject({ error_kind: null, width: 800, height: 600 });
    if (shot?.type !== 'screenshot_result') throw new Error('no screenshot result');
    expect(blobs.items.get(shot.image_key ?? '')?.contentType).toBe('image/png');
    expect(blobs.items.get(shot.thumbnail_key ?? '')?.contentType).toBe('image/jpeg');
    expect(shot.image_key).toMatch(/^screenshots\/7\//);

    const journey = messages.find((m) => m.type === 'journey_result');
    if (journey?.type !== 'journey_result') throw new Error('no journey result');
    expect(journey).toMatchObject({ status: 'failed', failed_step: 1, journey_id: 3 });
    expect(journey.steps[1]?.error).toBe('step 1 (assert_text): expected text "Sign in" in h1, found "Sign up"');
    expect(journey.steps.every((s) => s.screenshot_key === null || blobs.items.has(s.screenshot_key))).toBe(true);
    expect(journey.steps.map((s) => s.screenshot_key !== null)).toEqual([true, true]);
  });

  it('reports a record whose result could not be delivered, so SQS retries it', async () => {
    const queue = new RecordingQueue();
    queue.failOnce = true;
    const handler = createBrowserHandler({ pool, sink: queue, allowPrivateTargets: false });
    const response = await handler(sqsEvent([{ kind: 'deep_check', project_id: 1, url: pages.url('/plain') }]));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
  });

  it('delivers a refused target as a result, not as a retry', async () => {
    const queue = new RecordingQueue();
    const handler = createBrowserHandler({ pool, sink: queue, allowPrivateTargets: false });
    const response = await handler(sqsEvent([{ kind: 'deep_check', project_id: 1, url: pages.url('/plain') }]));
    expect(response.batchItemFailures).toEqual([]);
    expect(queue.sent[0]?.message.body).toMatchObject({ type: 'browser_result', is_success: false, error_kind: 'blocked_target' });
  });
});
