import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { startFlakyTarget, type FlakyTarget } from '../../support/target.ts';
import { checkBudgetMs } from '../../../layers/checks/http.ts';
import type { Queue, QueueMessage, QueueName } from '../../../layers/platform/ports.ts';
import { CHECKER_MARGIN_MS, runCheckBatch, type CheckerContext } from '../../../layers/services/checker.ts';
import { checkBatchMessageSchema, resultMessageSchema, type HttpCheckMessage } from '../../../layers/services/messages.ts';
import { batchByDueTime } from '../../../layers/services/scheduler.ts';
import { createResultsHandler } from '../../../layers/handlers/pipeline.ts';
import type { Context, SQSEvent } from 'aws-lambda';

/** A loopback server that accepts connections and never says a word. */
async function startSilentTarget(): Promise<{ url: string; open: () => number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    open: () => sockets.size,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A Queue port that keeps what it is given (the checker's only output). */
class KeepingQueue implements Queue {
  readonly sent: { queue: QueueName; message: QueueMessage }[] = [];
  async send(queue: QueueName, messages: QueueMessage[]): Promise<void> {
    for (const message of messages) this.sent.push({ queue, message });
  }
}

const silentLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let app: TestApp;
let token: string;
let healthy: FlakyTarget;
let silent: Awaited<ReturnType<typeof startSilentTarget>>;

beforeAll(async () => {
  healthy = await startFlakyTarget();
  silent = await startSilentTarget();
  app = await startTestApp();
  token = (await app.user('user')).token;
});
afterAll(async () => {
  await app?.close();
  await healthy?.close();
  await silent?.close();
});

async function project(url: string, settings: Record<string, unknown>): Promise<number> {
  const r = await app.request('POST', '/api/v1/projects', { token, body: { title: 'p', url, status_interval: 60 } });
  expect(r.status, r.text).toBe(201);
  const s = await app.request('PUT', `/api/v1/projects/${r.body.id}/monitoring-settings`, { token, body: settings });
  expect(s.status, s.text).toBe(200);
  return r.body.id as number;
}

const rowsOf = (ids: number[]) =>
  app.system.ctx.sql<{ project_id: number; due_at: Date; is_available: boolean; error_kind: string | null; error_message: string | null }[]>`
    SELECT project_id, due_at, is_available, error_kind, error_message FROM check_results WHERE project_id = ANY(${ids}) ORDER BY project_id`;

async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 1500; i++) {
    const v = await read();
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('checks in batches, with hard deadlines', () => {
  it('records the healthy checks of a batch while a never-answering one runs, then a timeout for it, each once', async () => {
    const ok: number[] = [];
    for (let i = 0; i < 5; i++) ok.push(await project(healthy.url, { retry_count: 1 }));
    // 5 s per try, one retry: a budget of 10.5 s.
    const hanging = await project(silent.url, { timeout: 5, retry_count: 1 });
    const all = [...ok, hanging];
    await app.system.ctx.sql`UPDATE monitor_state SET next_due_at = now() WHERE project_id = ANY(${all})`;
    await app.system.tick();

    // The healthy results are in the database while the silent target still holds its connection.
    const early = await until('the healthy results', () => rowsOf(all), (rows) => rows.filter((r) => ok.includes(r.project_id)).length === ok.length);
    expect(early.filter((r) => r.project_id === hanging)).toEqual([]);
    expect(silent.open()).toBe(1);
    expect(early.every((r) => r.is_available)).toBe(true);

    const rows = await until('the timeout result', () => rowsOf(all), (rs) => rs.some((r) => r.project_id === hanging));
    await app.system.ctx.queue.drain();
    const final = await rowsOf(all);
    expect(final).toHaveLength(all.length);
    const timedOut = rows.find((r) => r.project_id === hanging)!;
    expect(timedOut).toMatchObject({ is_available: false, error_kind: 'timeout' });
    expect(timedOut.error_message).toMatch(/^timed out after 10\.5 s/);
  }, 60_000);

  it('caps a check at what the invocation has left, and puts back a check there is no time left to start', async () => {
    const queue = new KeepingQueue();
    const c: CheckerContext = { queue, log: silentLog, allowPrivateTargets: true };
    const target = { url: silent.url, custom_headers: {}, time_limit: null, timeout: 30, retry_count: 3, content_change_detection: false, content_selector: null, keyword_monitoring: false, keywords: [], keyword_alert_on_found: false, accepted_status_codes: ['200-399'] };
    const now = Date.now();
    const check = (id: number, dueIn: number): HttpCheckMessage => ({ type: 'check', kind: 'http', project_id: id, due_at: new Date(now + dueIn), cycle: 1, target });
    // 9 s left: the first check gets 9 - 5 (the margin) = 4 s; at the second's due time less than 2 s would be left.
    const deadline = now + CHECKER_MARGIN_MS + 4000;
    const out = await runCheckBatch(c, [check(1, 0), check(2, 3000)], { remainingMs: () => deadline - Date.now(), flushAfterMs: 50 });
    expect(out).toEqual({ recorded: 1, requeued: 1 });

    const results = queue.sent.filter((s) => s.queue === 'results').map((s) => resultMessageSchema.parse(s.message.body));
    expect(results).toHaveLength(1);
    const r = results[0]!;
    if (r.type !== 'http_result') throw new Error(`expected one http_result, got ${r.type}`);
    expect(r.project_id).toBe(1);
    expect(r.result.error_kind).toBe('timeout');
    expect(r.result.error_message).toMatch(/^timed out after 4(\.\d)? s/);

    const back = queue.sent.filter((s) => s.queue === 'checks').map((s) => checkBatchMessageSchema.parse(s.message.body));
    expect(back.map((b) => b.checks.map((k) => k.project_id))).toEqual([[2]]);
  }, 30_000);
});

describe('result flushes of batches that run at once', () => {
  /** Keeps what is sent on the results queue, with when. */
  class TimedQueue implements Queue {
    readonly sent: { at: number; projects: number[] }[] = [];
    async send(queue: QueueName, messages: QueueMessage[]): Promise<void> {
      if (queue !== 'results') return;
      for (const m of messages) {
        const r = resultMessageSchema.parse(m.body);
        this.sent.push({ at: Date.now(), projects: r.type === 'result_batch' ? r.results.map((x) => x.project_id) : 'project_id' in r ? [r.project_id] : [] });
      }
    }
  }
  const target = () => ({ url: healthy.url, custom_headers: {}, time_limit: null, timeout: 5, retry_count: 0, content_change_detection: false, content_selector: null, keyword_monitoring: false, keywords: [], keyword_alert_on_found: false, accepted_status_codes: ['200-399'] });
  const FLUSH_MS = 1000;

  /**
   * Two batches side by side, between two flush boundaries: one with checks due 100 and 500 ms after
   * the first boundary, one with a check due 300 ms after it. When the second ends, the first has
   * results waiting for the next boundary; when the first ends, the second's wait there (or went).
   */
  async function twoBatches(joinGridFlushes: boolean) {
    const queue = new TimedQueue();
    const c: CheckerContext = { queue, log: silentLog, allowPrivateTargets: true, joinGridFlushes };
    const first = Math.ceil((Date.now() + 200) / FLUSH_MS) * FLUSH_MS;
    const check = (id: number, after: number): HttpCheckMessage => ({ type: 'check', kind: 'http', project_id: id, due_at: new Date(first + after), cycle: 1, target: target() });
    const run = { remainingMs: () => 60_000, flushAfterMs: FLUSH_MS };
    await Promise.all([runCheckBatch(c, [check(1, 100), check(2, 500)], run), runCheckBatch(c, [check(3, 300)], run)]);
    return { sent: queue.sent, boundary: first + FLUSH_MS };
  }

  it('sends the last results of batches that end before a flush boundary together at that boundary (local runner)', async () => {
    const { sent, boundary } = await twoBatches(true);
    expect(sent.flatMap((s) => s.projects).sort()).toEqual([1, 2, 3]);
    for (const s of sent) expect(s.at).toBeGreaterThanOrEqual(boundary);
    expect(Math.max(...sent.map((s) => s.at)) - Math.min(...sent.map((s) => s.at))).toBeLessThan(50);
  }, 30_000);

  it("sends a batch's last results when it ends, without waiting for the boundary, on Lambda", async () => {
    const { sent, boundary } = await twoBatches(false);
    expect(sent.flatMap((s) => s.projects).sort()).toEqual([1, 2, 3]);
    for (const s of sent) expect(s.at).toBeLessThan(boundary);
  }, 30_000);

  it('does not hold a lone batch for the boundary', async () => {
    const queue = new TimedQueue();
    const c: CheckerContext = { queue, log: silentLog, allowPrivateTargets: true, joinGridFlushes: true };
    const due = Math.ceil((Date.now() + 200) / FLUSH_MS) * FLUSH_MS + 100;
    await runCheckBatch(c, [{ type: 'check', kind: 'http', project_id: 3, due_at: new Date(due), cycle: 1, target: target() }], { remainingMs: () => 60_000, flushAfterMs: FLUSH_MS });
    expect(queue.sent).toHaveLength(1);
    expect(queue.sent[0]!.at).toBeLessThan(Math.ceil((due + 1) / FLUSH_MS) * FLUSH_MS);
  }, 30_000);
});

describe('redelivery', () => {
  it('writes no duplicate row or rollup count when a batch of results is delivered again', async () => {
    const id = await project(healthy.url, { alert_threshold: 1 });
    const base = Date.now() - 180_000;
    const result = (i: number, up: boolean) => ({
      type: 'http_result',
      project_id: id,
      due_at: new Date(base + i * 60_000).toISOString(),
      started_at: new Date(base + i * 60_000).toISOString(),
      cycle: i + 1,
      result: { is_available: up, status_code: up ? 200 : 503, response_time: 12, error_kind: up ? null : 'http_status', error_message: up ? null : 'HTTP 503', checked_at: new Date(base + i * 60_000 + 12).toISOString(), details: {} },
      content_hash: null,
      keywords: null,
    });
    const record = (messageId: string, body: unknown) => ({
      messageId,
      receiptHandle: messageId,
      body: JSON.stringify(body),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'test', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:results',
      awsRegion: 'us-east-1',
    });
    const event: SQSEvent = {
      Records: [record('a', { type: 'result_batch', results: [result(0, true), result(1, false)] }), record('b', result(2, true))],
    };
    const lambda = { functionName: 'results', awsRequestId: 'test', getRemainingTimeInMillis: () => 60_000 } as Context;
    const handler = createResultsHandler(async () => app.system.ctx);
    const sql = app.system.ctx.sql;
    const snapshot = async () => ({
      rows: (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM check_results WHERE project_id = ${id}`)[0]!.n,
      hourly: (await sql<{ n: number }[]>`SELECT coalesce(sum(checks), 0)::int AS n FROM rollups_hourly WHERE project_id = ${id}`)[0]!.n,
      daily: (await sql<{ n: number }[]>`SELECT coalesce(sum(checks), 0)::int AS n FROM rollups_daily WHERE project_id = ${id}`)[0]!.n,
      incidents: (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents WHERE project_id = ${id}`)[0]!.n,
      alerts: (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM alerts WHERE project_id = ${id}`)[0]!.n,
    });
    expect(await handler(event, lambda)).toEqual({ batchItemFailures: [] });
    const once = await snapshot();
    expect(once).toMatchObject({ rows: 3, hourly: 3, daily: 3, incidents: 1 });
    expect(await handler(event, lambda)).toEqual({ batchItemFailures: [] });
    expect(await snapshot()).toEqual(once);
  });
});

describe('the check budget', () => {
  it('counts retry_count retries after the first try, with the backoff, capped', () => {
    // Default project: 30 s, 3 retries = four tries and 0.5 + 1 + 1.5 s of backoff.
    expect(checkBudgetMs(30_000, 3, Infinity)).toBe(123_000);
    expect(checkBudgetMs(5_000, 1, Infinity)).toBe(10_500);
    expect(checkBudgetMs(30_000, 3, 55_000)).toBe(55_000);
  });

  it('tries a failing target retry_count + 1 times', async () => {
    const down = await startFlakyTarget({ downStatus: 503 });
    down.setUp(false);
    try {
      const id = await project(down.url, { retry_count: 2, alert_threshold: 1 });
      const manager = await app.user('manager');
      const r = await app.request('POST', `/api/v1/projects/${id}/check`, { token: manager.token });
      expect(r.status, r.text).toBe(200);
      expect(down.hits).toBe(3);
    } finally {
      await down.close();
    }
  });
});

describe('batches by due time', () => {
  it('puts checks due within the window of the first in one batch, at most the batch size', () => {
    const at = (s: number) => ({ due_at: new Date(s * 1000) });
    const batches = batchByDueTime([at(0), at(19.9), at(20), at(21), at(45)], 20_000, 100);
    expect(batches.map((b) => b.map((d) => d.due_at.getTime() / 1000))).toEqual([[0, 19.9], [20, 21], [45]]);
    expect(batchByDueTime([at(0), at(1), at(2)], 20_000, 2).map((b) => b.length)).toEqual([2, 1]);
  });
});

describe('the schedule follows its settings', () => {
  it('moves the next due time at once when check_interval changes', async () => {
    const id = await project(healthy.url, {});
    const sql = app.system.ctx.sql;
    const lastChecked = new Date(Date.now() - 100_000);
    await sql`UPDATE monitor_state SET last_checked_at = ${lastChecked}, next_due_at = ${new Date(lastChecked.getTime() + 3_600_000)}, claimed_until = NULL WHERE project_id = ${id}`;
    const due = async () => (await sql<{ next_due_at: Date }[]>`SELECT next_due_at FROM monitor_state WHERE project_id = ${id}`)[0]!.next_due_at.getTime();

    // Hourly to every 5 minutes: due 5 minutes after the last check, not in an hour.
    const put = await app.request('PUT', `/api/v1/projects/${id}`, { token, body: { title: 'p', url: healthy.url, status_interval: 300 } });
    expect(put.status, put.text).toBe(200);
    expect(await due()).toBe(lastChecked.getTime() + 300_000);

    // Through the monitoring settings too; a time already past means now.
    const before = Date.now();
    const s = await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token, body: { check_interval: 60 } });
    expect(s.status, s.text).toBe(200);
    expect(await due()).toBeGreaterThanOrEqual(before - 1000);
    expect(await due()).toBeLessThan(lastChecked.getTime() + 300_000);

    // Unchanged interval: the planned time stays.
    await sql`UPDATE monitor_state SET next_due_at = ${new Date(before + 50_000)} WHERE project_id = ${id}`;
    await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token, body: { check_interval: 60, alert_threshold: 2 } });
    expect(await due()).toBe(before + 50_000);
  });
});
