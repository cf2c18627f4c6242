import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { createCheckerHandler, createNotifierHandler, createResultsHandler, createSchedulerHandler } from '../../../layers/handlers/pipeline.ts';
import { createDailyHandler } from '../../../layers/handlers/daily.ts';
import { createMigrateHandler } from '../../../layers/handlers/migrate.ts';
import { createWsHandler } from '../../../layers/handlers/ws.ts';
import { checkerContextFor } from '../../../layers/wiring/local/context.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const lambda = { functionName: 'test', awsRequestId: 'test', getRemainingTimeInMillis: () => 60_000 } as Context;
const load = async (file: string) => JSON.parse(await readFile(join('events', file), 'utf8')) as never;

describe('Lambda entry points', () => {
  it.each(['api', 'tools', 'ws', 'scheduler', 'checker', 'results', 'notifier', 'daily', 'migrate'])(
    'functions/%s.ts exports a handler without touching AWS at import',
    async (name) => {
      // An entry reads its Lambda environment as it loads (vitest's own MODE=test is no valid mode).
      vi.stubEnv('MODE', 'aws');
      try {
        const mod = (await import(`../../../functions/${name}.ts`)) as { handler: unknown };
        expect(mod.handler).toBeTypeOf('function');
      } finally {
        vi.unstubAllEnvs();
      }
    },
  );
});

describe('sample events (events/) run through the same handlers', () => {
  it('every function folder has at least one sample event', async () => {
    const folders = await readdir('events');
    expect(folders.sort()).toEqual(expect.arrayContaining(['api', 'checker', 'daily', 'migrate', 'notifier', 'results', 'scheduler', 'ws']));
  });

  it('scheduler and daily events run a tick and a sweep', async () => {
    const ctx = app.system.ctx;
    const tick = await createSchedulerHandler(async () => ctx)(await load('scheduler/every-minute.json'), lambda);
    expect(tick).toMatchObject({ enqueued: expect.any(Number) });
    const daily = await createDailyHandler(async () => ctx)(await load('daily/daily.json'), lambda);
    expect(daily).toMatchObject({ expiry_checks_enqueued: expect.any(Number), partitions_dropped: [] });
    const hourly = await createDailyHandler(async () => ctx)(await load('daily/hourly-anomalies.json'), lambda);
    expect(hourly).toMatchObject({ projects: expect.any(Number), anomalies_recorded: 0, alerts_raised: 0 });
  });

  it('checker events: a batch message of checks reports no failures; check now comes by the queue too, its result goes to the results queue', async () => {
    const ctx = app.system.ctx;
    const checker = createCheckerHandler(async () => checkerContextFor(ctx.config, ctx.queue, ctx.log));
    expect(await checker(await load('checker/http-check.json'), lambda)).toEqual({ batchItemFailures: [] });
    const sent: unknown[] = [];
    const sink = { send: async (_q: string, messages: { body: unknown }[]) => void sent.push(...messages.map((m) => m.body)) };
    const onDemand = createCheckerHandler(async () => checkerContextFor(ctx.config, sink as never, ctx.log));
    expect(await onDemand(await load('checker/check-now.json'), lambda)).toEqual({ batchItemFailures: [] });
    expect(sent).toMatchObject([
      { type: 'job_started', job_id: '6f1c2b9e-4d1a-4c3e-9a51-0b7f3e2d8c11' },
      { type: 'http_result', job_id: '6f1c2b9e-4d1a-4c3e-9a51-0b7f3e2d8c11', result: { error_kind: 'refused' } },
    ]);
  });

  it('results and notifier events are consumed; a malformed record is reported failed, so SQS moves it to the dead-letter queue', async () => {
    const ctx = app.system.ctx;
    const results = createResultsHandler(async () => ctx);
    expect(await results(await load('results/http-result.json'), lambda)).toEqual({ batchItemFailures: [] });
    const notifier = createNotifierHandler(async () => ({ ...ctx, allowPrivateTargets: true }));
    expect(await notifier(await load('notifier/status-push.json'), lambda)).toEqual({ batchItemFailures: [] });
    expect(await notifier(await load('notifier/malformed.json'), lambda)).toEqual({ batchItemFailures: [{ itemIdentifier: 'e2c1b0d5-0002' }] });
  });

  it('ws events: a connection without a token is refused with 401; ping is answered in the route response', async () => {
    const ws = createWsHandler(async () => app.system.ctx);
    expect((await ws(await load('ws/connect-without-token.json'), lambda)).statusCode).toBe(401);
    const pong = await ws(await load('ws/ping.json'), lambda);
    expect(pong.statusCode).toBe(200);
    expect(JSON.parse(pong.body ?? '{}')).toMatchObject({ type: 'pong' });
    expect((await ws(await load('ws/disconnect.json'), lambda)).statusCode).toBe(200);
  });

  it('migrate event is idempotent', async () => {
    const m = createMigrateHandler(async () => app.system.ctx);
    const out = await m(await load('migrate/create.json'), lambda);
    expect(out).toEqual({ PhysicalResourceId: 'py-monitor-migrations', Data: { applied: '' } });
  });
});
