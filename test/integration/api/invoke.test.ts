import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../layers/endpoints/routes/index.ts';
import { createHttpHandler } from '../../../layers/endpoints/router.ts';
import { createToolsHandler } from '../../../layers/handlers/tools.ts';
import { answerKey } from '../../../layers/services/queued-answers.ts';
import type { HttpEvent } from '../../../layers/endpoints/http.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';

// events/api holds API Gateway HTTP API (v2) events for functions/api.ts; `py-monitor invoke` replays them.

const root = join(import.meta.dirname, '../../..');
const eventsDir = join(root, 'events/api');
const run = promisify(execFile);

/** What each sample answers on a fresh installation, in this order (login needs the registered account). */
const expected: [file: string, status: number][] = [
  ['get-health.json', 200],
  ['get-projects-unauthenticated.json', 401],
  ['post-register.json', 201],
  ['post-login.json', 200],
];

const readEvent = async (file: string) => JSON.parse(await readFile(join(eventsDir, file), 'utf8')) as HttpEvent;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe('sample API events (events/api)', () => {
  it('has an expected answer for every sample', async () => {
    const files = (await readdir(eventsDir)).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(expected.map(([f]) => f).sort());
  });

  it.each(expected.map(([f]) => [f]))('%s is shaped like an API Gateway HTTP API v2 event', async (file) => {
    const e = await readEvent(file);
    expect(e.version).toBe('2.0');
    expect(e.routeKey).toBe('$default');
    expect(e.rawPath).toBe(e.requestContext.http.path);
    expect(typeof e.rawQueryString).toBe('string');
    expect(typeof e.isBase64Encoded).toBe('boolean');
    for (const name of Object.keys(e.headers)) expect(name).toBe(name.toLowerCase());
    expect(e.requestContext).toMatchObject({ stage: '$default', routeKey: '$default' });
    expect(typeof e.requestContext.requestId).toBe('string');
    expect(typeof e.requestContext.timeEpoch).toBe('number');
    expect(e.requestContext.http.sourceIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    if (e.body !== undefined && e.headers['content-length']) {
      const bytes = e.isBase64Encoded ? Buffer.from(e.body, 'base64').length : Buffer.byteLength(e.body);
      expect(bytes).toBe(Number(e.headers['content-length']));
    }
  });

  it('each sample gets its expected answer from the API handler, in order', async () => {
    const handler = createHttpHandler(async () => app.system.ctx, apiRoutes());
    const statuses: [string, number][] = [];
    for (const [file] of expected) {
      const res = await handler(await readEvent(file), { functionName: 'api', awsRequestId: file } as Context);
      statuses.push([file, res.statusCode]);
      if (file === 'post-login.json') expect(JSON.parse(res.body!).token_type).toBe('bearer');
    }
    expect(statuses).toEqual(expected);
  });

  it('the tools function runs the tool the API queued, and reports refused input', async () => {
    const tools = createToolsHandler(async () => app.system.ctx);
    const lambda = { functionName: 'tools', awsRequestId: 'tools' } as Context;
    const port = Number(new URL(app.url).port);
    const ask = async (input: unknown) => {
      const id = randomUUID();
      const body = { type: 'tool', id, answer_by: new Date(Date.now() + 25_000).toISOString(), tool: { name: 'tcp', input } };
      expect(await tools({ Records: [{ messageId: id, body: JSON.stringify(body) }] } as SQSEvent, lambda)).toEqual({ batchItemFailures: [] });
      return JSON.parse(new TextDecoder().decode((await app.system.ctx.blobs.get(answerKey(id)))!.data)) as unknown;
    };
    expect(await ask({ host: '127.0.0.1', port })).toMatchObject({ ok: true, answer: { ok: true, result: { port } } });
    expect(await ask({ host: '127.0.0.1', port: 70_000 })).toMatchObject({ ok: true, answer: { ok: false, errors: [{ field: 'port' }] } });
  });
});

describe('py-monitor invoke', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pym-invoke-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  // A clean environment: vitest sets MODE=test, which the runner's config rightly refuses.
  const env = () => ({
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? tmpdir(),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    NO_COLOR: '1',
  });

  it('prints the handler response for a sample event', async () => {
    const { stdout } = await run('npx', ['tsx', 'bin/py-monitor.ts', 'invoke', 'api', 'events/api/get-health.json'], { cwd: root, env: env() });
    const result = JSON.parse(stdout);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ status: 'ok' });
  }, 120_000);

  it('exits with status 2 and the usage for an unknown function', async () => {
    const err = await run('npx', ['tsx', 'bin/py-monitor.ts', 'invoke', 'nope', 'events/api/get-health.json'], { cwd: root, env: env() }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain('usage: py-monitor');
  }, 60_000);
});
