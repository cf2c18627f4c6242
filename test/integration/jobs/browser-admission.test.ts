import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../../layers/errors.ts';
import * as repo from '../../../layers/repositories/jobs.ts';
import type { Actor } from '../../../layers/services/context.ts';
import { BROWSER_JOBS_PER_USER, browserJobLimit, runJob, type JobSpec } from '../../../layers/services/jobs.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';

// Issue 16.10: browser runs on demand share the browser queue and pool with the scheduled deep checks
// and journeys. One user may have two waiting or running; all users together all slots but one plus a
// short queue (three times BROWSER_CONCURRENCY - 1); beyond that the request is a 503 with Retry-After,
// and nothing is queued. HTTP check-now jobs are not browser work and are not counted.

let app: TestApp;
const actors: Actor[] = [];
const queued: string[] = [];

beforeAll(async () => {
  app = await startTestApp({ SYNC_WAIT_SECONDS: '0', BROWSER_CONCURRENCY: '2' });
  for (const name of ['Ana', 'Ben', 'Cy']) {
    const u = await app.user('user', name);
    actors.push({ id: u.id, email: u.email, name, role: u.role });
  }
}, 120_000);

afterAll(async () => {
  await app?.close();
});

const spec = (kind: JobSpec['kind']): JobSpec => ({ kind, project_id: null, runSeconds: 60, send: async (id) => void queued.push(id) });

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

describe('browser runs on demand are bounded', () => {
  it('gives each user two, all users together the limit, and answers the rest 503 without queueing them', async () => {
    const ctx = app.system.ctx;
    const [ana, ben, cy] = actors as [Actor, Actor, Actor];
    expect(browserJobLimit(2)).toBe(3);
    expect(BROWSER_JOBS_PER_USER).toBe(2);

    expect(await runJob(ctx, ana, spec('screenshot'))).toMatchObject({ done: false, job: { status: 'pending' } });
    expect(await runJob(ctx, ana, spec('journey'))).toMatchObject({ done: false });
    const mine = await refusal(runJob(ctx, ana, spec('browser_check')));
    expect(mine.code).toBe('UNAVAILABLE');
    expect(mine.retryAfter).toBe(30);
    expect(mine.message).toMatch(/you have 2 browser runs/);
    // An HTTP check now is not browser work.
    expect(await runJob(ctx, ana, spec('check'))).toMatchObject({ done: false });

    expect(await runJob(ctx, ben, spec('screenshot'))).toMatchObject({ done: false });
    const busy = await refusal(runJob(ctx, cy, spec('screenshot')));
    expect(busy.message).toMatch(/the browser is busy \(3 runs/);
    // Refused requests put nothing on the queue: two of Ana's, her check, Ben's.
    expect(queued).toHaveLength(4);

    // A finished job frees its place.
    const [first] = await ctx.sql<{ id: string }[]>`SELECT id FROM jobs WHERE user_id = ${ana.id} AND kind = 'screenshot'`;
    await repo.finishJob(ctx.sql, first!.id, { status: 'done', result: null }, ctx.clock.now());
    expect(await runJob(ctx, cy, spec('screenshot'))).toMatchObject({ done: false });
    expect(queued).toHaveLength(5);
  });
});
