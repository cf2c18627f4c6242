import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { startHttpServer, type TestHttpServer } from '../../support/servers/http-server.ts';
import { expectErrorBody } from '../api/helpers.ts';

// Issue 13.3: no request waits longer than SYNC_WAIT_SECONDS for work it queued. A site that answers
// only when the test lets it holds the check past the wait: the request answers 202 with a job, the
// job shows the work pending or running, and later done with the result, recorded like any check.

/** Answers every request at once, or holds them all until released. */
class HeldSite {
  private held: ServerResponse[] = [];
  holding = false;
  server!: TestHttpServer;

  async start() {
    this.server = await startHttpServer((_req, res) => {
      if (this.holding) this.held.push(res);
      else answer(res);
    });
    return this;
  }

  /** Requests waiting for an answer. */
  waiting(): number {
    return this.held.length;
  }

  release() {
    this.holding = false;
    for (const res of this.held.splice(0)) answer(res);
  }
}

const answer = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<!doctype html><html><head><title>held</title></head><body><h1>Held site</h1></body></html>');
};

let app: TestApp;
let site: HeldSite;
let manager: { id: number; token: string };
let other: { token: string };

beforeAll(async () => {
  site = await new HeldSite().start();
  // A short wait keeps the test short; the rule is the same at the default 20 s.
  app = await startTestApp({ SYNC_WAIT_SECONDS: '2', ...(process.env['CHROMIUM_PATH'] ? { CHROMIUM_PATH: process.env['CHROMIUM_PATH'] } : {}) });
  manager = await app.user('manager', 'Manager');
  other = await app.user('manager', 'Other');
}, 120_000);

afterAll(async () => {
  site?.release();
  await app?.close();
  await site?.server.close();
});

async function project(title: string, extra: Record<string, unknown> = {}): Promise<number> {
  const r = await app.request('POST', '/api/v1/projects', { token: manager.token, body: { title, url: `${site.server.url}/`, ...extra } });
  expect(r.status, r.text).toBe(201);
  return r.body.id as number;
}

/** Polls the job until it finishes (each poll is a request; the test asserts states, never times). */
async function finished(jobId: string, token = manager.token) {
  for (let i = 0; i < 600; i++) {
    const r = await app.request('GET', `/api/v1/jobs/${jobId}`, { token });
    expect(r.status, r.text).toBe(200);
    if (r.body.status === 'done' || r.body.status === 'failed') return r.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${jobId} did not finish`);
}

/** Polls until the job leaves `pending` (its worker's start message is on its way through the results queue). */
async function started(jobId: string) {
  for (let i = 0; i < 600; i++) {
    const r = await app.request('GET', `/api/v1/jobs/${jobId}`, { token: manager.token });
    if (r.body.status !== 'pending') return r.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${jobId} stayed pending`);
}

async function untilHeld(count: number) {
  for (let i = 0; i < 600 && site.waiting() < count; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(site.waiting()).toBeGreaterThanOrEqual(count);
}

describe('check now within a bounded wait (issue 13.3)', () => {
  it('answers with the result when the check finishes within the wait', async () => {
    const id = await project('Quick');
    const r = await app.request('POST', `/api/v1/projects/${id}/check`, { token: manager.token });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ project_id: id, is_available: true, status_code: 200 });
  });

  it('answers 202 with a job when the site holds the check past the wait; the job later shows the result', async () => {
    const id = await project('Held');
    site.holding = true;
    const r = await app.request('POST', `/api/v1/projects/${id}/check`, { token: manager.token });
    expect(r.status, r.text).toBe(202);
    expect(r.body).toMatchObject({ kind: 'check', project_id: id, result: null, error: null, finished_at: null });
    expect(['pending', 'running']).toContain(r.body.status);
    expect(r.headers.get('location')).toBe(`/api/v1/jobs/${r.body.job_id}`);
    await untilHeld(1);

    // The checker took it (it told the job), and the site still holds it.
    const during = await started(r.body.job_id);
    expect(during.status).toBe('running');
    expect(during.started_at).not.toBeNull();

    // Only its owner sees a job; anyone else gets the same 404 as for a job that does not exist.
    expectErrorBody(await app.request('GET', `/api/v1/jobs/${r.body.job_id}`, { token: other.token }), 404);
    expectErrorBody(await app.request('GET', '/api/v1/jobs/00000000-0000-4000-8000-000000000000', { token: manager.token }), 404);
    expectErrorBody(await app.request('GET', '/api/v1/jobs/not-a-job', { token: manager.token }), 400, 'id');

    site.release();
    const job = await finished(r.body.job_id);
    expect(job.status).toBe('done');
    expect(job.result).toMatchObject({ project_id: id, is_available: true, status_code: 200 });
    expect(job.finished_at).not.toBeNull();
    // Recorded and evaluated like a scheduled check: it is in the project's log.
    const logs = await app.request('GET', `/api/v1/projects/${id}/logs`, { token: manager.token });
    expect(logs.body.total).toBe(1);
    expect(logs.body.items[0]).toMatchObject({ status_code: 200, is_available: true });
  });
});

describe('a job that never gets its result', () => {
  it('shows failed once its deadline has passed (its worker gave up, or its message was dead-lettered)', async () => {
    const id = await project('Lost');
    const jobId = '2b7e1c4a-9f3d-4e8b-a6c2-5d1f0e9b8a73';
    const past = new Date(Date.now() - 60_000);
    await app.system.ctx.sql`INSERT INTO jobs (id, user_id, project_id, kind, created_at, deadline_at)
      VALUES (${jobId}, ${manager.id}, ${id}, 'check', ${past}, ${past})`;
    const job = await app.request('GET', `/api/v1/jobs/${jobId}`, { token: manager.token });
    expect(job.body).toMatchObject({ status: 'failed', error: 'no result before the deadline', result: null });
    // A result that arrives after that changes nothing: the job finished once.
    await app.system.ctx.queue.send('results', [
      { body: { type: 'http_result', project_id: id, due_at: null, started_at: past.toISOString(), cycle: 0, job_id: jobId, result: { is_available: true, status_code: 200, response_time: 1, error_kind: null, error_message: null, checked_at: past.toISOString() } } },
    ]);
    await app.system.ctx.queue.drain();
    expect((await app.request('GET', `/api/v1/jobs/${jobId}`, { token: manager.token })).body.status).toBe('failed');
  });
});

describe('browser runs within a bounded wait (issue 13.3)', () => {
  it('a deep check held past the wait answers 202; the job later shows the stored check', async () => {
    const id = await project('Held page');
    site.holding = true;
    const r = await app.request('POST', `/api/v1/projects/${id}/browser-check`, { token: manager.token });
    expect(r.status, r.text).toBe(202);
    expect(r.body).toMatchObject({ kind: 'browser_check', project_id: id });
    expect(['pending', 'running']).toContain(r.body.status);
    await untilHeld(1);
    expect((await started(r.body.job_id)).status).toBe('running');

    site.release();
    const job = await finished(r.body.job_id);
    expect(job.status, JSON.stringify(job)).toBe('done');
    expect(job.result).toMatchObject({ project_id: id, is_success: true });
    expect(job.result.metrics.is_dom_ready).toBe(true);
    const list = await app.request('GET', `/api/v1/projects/${id}/browser-checks`, { token: manager.token });
    expect(list.body.items.map((c: { id: number }) => c.id)).toEqual([job.result.id]);
  }, 120_000);

  it('a screenshot held past the wait answers 202; once the job is done the screenshot route serves the image', async () => {
    const id = await project('Held screenshot');
    site.holding = true;
    const r = await app.request('GET', `/api/v1/projects/${id}/screenshot?force=true`, { token: manager.token });
    expect(r.status, r.text).toBe(202);
    expect(r.body.kind).toBe('screenshot');
    await untilHeld(1);
    site.release();
    const job = await finished(r.body.job_id);
    expect(job.status, JSON.stringify(job)).toBe('done');
    expect(job.result).toMatchObject({ captured: true, error_message: null });
    const png = await fetch(`${app.url}/api/v1/projects/${id}/screenshot`, { headers: { authorization: `Bearer ${manager.token}` } });
    expect(png.status).toBe(200);
    expect(png.headers.get('x-screenshot-taken-at')).toBe(job.result.taken_at);
    expect([...new Uint8Array(await png.arrayBuffer()).slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  }, 120_000);

  it('a journey run held past the wait answers 202; the job later shows the run', async () => {
    const id = await project('Held journey');
    const created = await app.request('POST', `/api/v1/projects/${id}/synthetic-tests`, {
      token: manager.token,
      body: { name: 'Open', steps: [{ action: 'navigate', value: `${site.server.url}/` }, { action: 'assert_text', selector: 'h1', value: 'Held site' }], settings: { timeout: 30_000 }, is_active: true },
    });
    expect(created.status, created.text).toBe(201);
    site.holding = true;
    const r = await app.request('POST', `/api/v1/projects/${id}/synthetic-tests/${created.body.id}/run`, { token: manager.token });
    expect(r.status, r.text).toBe(202);
    expect(r.body.kind).toBe('journey');
    await untilHeld(1);
    site.release();
    const job = await finished(r.body.job_id);
    expect(job.status, JSON.stringify(job)).toBe('done');
    expect(job.result).toMatchObject({ test_id: created.body.id, status: 'passed', is_success: true });
  }, 120_000);
});
