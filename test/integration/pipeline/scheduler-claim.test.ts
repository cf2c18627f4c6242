import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { claimDueProjects, staggerOverdue } from '../../../layers/repositories/monitoring.ts';
import { tick } from '../../../layers/services/scheduler.ts';
import type { QueueMessage, QueueName } from '../../../layers/platform/ports.ts';

let app: TestApp;
let token: string;
beforeAll(async () => {
  app = await startTestApp();
  token = (await app.user('user')).token;
});
afterAll(async () => app?.close());

async function project(interval: number): Promise<number> {
  const r = await app.request('POST', '/api/v1/projects', { token, body: { title: 'p', url: 'http://127.0.0.1:9/', status_interval: interval } });
  return r.body.id;
}
const setDue = (id: number, at: Date) => app.system.ctx.sql`UPDATE monitor_state SET next_due_at = ${at} WHERE project_id = ${id}`;
const dueOf = async (id: number) => (await app.system.ctx.sql<{ next_due_at: Date }[]>`SELECT next_due_at FROM monitor_state WHERE project_id = ${id}`)[0]!.next_due_at;

describe('claiming due checks', () => {
  it('moves each claimed project exactly one interval on, so no check is skipped or doubled', async () => {
    const ids = [await project(60), await project(60), await project(120)];
    const t0 = new Date(Date.UTC(2030, 0, 1, 0, 0, 0));
    for (const [i, id] of ids.entries()) await setDue(id, new Date(t0.getTime() + 1000 + i * 3000));
    const seen = new Map<number, number[]>();
    // Ten minutes of ticks every 5 s claiming 10 s ahead.
    for (let t = 0; t < 600_000; t += 5000) {
      const now = new Date(t0.getTime() + t);
      const claimed = await app.system.ctx.sql.begin((tx) => claimDueProjects(tx, now, new Date(now.getTime() + 10_000), 100));
      for (const c of claimed) if (ids.includes(c.project_id)) seen.set(c.project_id, [...(seen.get(c.project_id) ?? []), c.due_at.getTime()]);
    }
    for (const [i, id] of ids.entries()) {
      const dues = seen.get(id)!;
      const interval = i === 2 ? 120_000 : 60_000;
      expect(dues.length).toBe(Math.floor((595_000 + 10_000 - 1000 - i * 3000 - 1) / interval) + 1);
      for (let k = 1; k < dues.length; k++) expect(dues[k]! - dues[k - 1]!).toBe(interval);
    }
  });

  it('restarts a long-overdue project just past the window instead of replaying missed checks', async () => {
    const id = await project(60);
    const now = new Date(Date.UTC(2031, 0, 1));
    await setDue(id, new Date(now.getTime() - 3_600_000));
    const until = new Date(now.getTime() + 10_000);
    const claimed = await app.system.ctx.sql.begin((tx) => claimDueProjects(tx, now, until, 100));
    expect(claimed.filter((c) => c.project_id === id)).toHaveLength(1);
    const next = await dueOf(id);
    expect(next.getTime()).toBeGreaterThanOrEqual(until.getTime());
    expect(next.getTime()).toBeLessThan(until.getTime() + 60_000);
  });

  it('sends the projects whose last check failed in check messages of their own', async () => {
    const ids = [await project(60), await project(60), await project(60), await project(60)];
    const failing = [ids[1]!, ids[3]!];
    const now = new Date(Date.UTC(2033, 0, 1));
    for (const [i, id] of ids.entries()) await setDue(id, new Date(now.getTime() + 1000 + i * 500));
    await app.system.ctx.sql`UPDATE monitor_state SET last_is_available = (project_id <> ALL(${failing})), last_checked_at = ${new Date(now.getTime() - 60_000)}
      WHERE project_id = ANY(${ids})`;
    const sent: { queue: QueueName; m: QueueMessage }[] = [];
    const queue = { send: async (q: QueueName, ms: QueueMessage[]) => void sent.push(...ms.map((m) => ({ queue: q, m }))) };
    await tick({ ...app.system.ctx, queue, clock: { now: () => now } }, { lookaheadSeconds: 10, batchWindowSeconds: 5 });
    const groups = sent
      .filter((s) => s.queue === 'checks')
      .map((s) => (s.m.body as { checks: { project_id: number }[] }).checks.map((c) => c.project_id).filter((id) => ids.includes(id)))
      .filter((g) => g.length > 0)
      .map((g) => g.sort((a, b) => a - b));
    expect(groups).toHaveLength(2);
    expect(groups).toContainEqual([ids[0]!, ids[2]!]);
    expect(groups).toContainEqual(failing);
  });

  it('claims every due check in one tick, page after page, when more are due than one claim takes', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push(await project(60));
    const now = new Date(Date.UTC(2034, 0, 1));
    for (const [i, id] of ids.entries()) await setDue(id, new Date(now.getTime() + 500 + i * 1000));
    const sent: number[] = [];
    const queue = { send: async (q: QueueName, ms: QueueMessage[]) => void (q === 'checks' && ms.forEach((m) => sent.push(...(m.body as { checks: { project_id: number }[] }).checks.map((c) => c.project_id)))) };
    const ctx = { ...app.system.ctx, queue, clock: { now: () => now } };
    // Pages of 2: every project of the database that is due (the other tests' ones are long overdue here) and these 7.
    const first = await tick(ctx, { lookaheadSeconds: 10, batchWindowSeconds: 5, limit: 2 });
    expect(sent.filter((id) => ids.includes(id)).sort((a, b) => a - b)).toEqual(ids);
    expect(first.enqueued).toBe(sent.length);
    expect(new Set(sent).size).toBe(sent.length);
    expect(first.enqueued).toBeGreaterThan(2);
    // Nothing is left due in the window: the next tick at the same moment claims none of them again.
    const again = await tick(ctx, { lookaheadSeconds: 10, batchWindowSeconds: 5, limit: 2 });
    expect(again.enqueued).toBe(0);
    expect(sent.filter((id) => ids.includes(id))).toHaveLength(ids.length);
  });

  it('staggers overdue projects 0.5 s apart on a local first start', async () => {
    const start = new Date(Date.UTC(2032, 0, 1));
    await app.system.ctx.sql`UPDATE monitor_state SET next_due_at = ${new Date(start.getTime() - 1000)}`;
    const n = await staggerOverdue(app.system.ctx.sql, start, 500);
    const rows = await app.system.ctx.sql<{ next_due_at: Date }[]>`SELECT next_due_at FROM monitor_state ORDER BY next_due_at`;
    expect(rows).toHaveLength(n);
    rows.forEach((r, i) => expect(r.next_due_at.getTime() - start.getTime()).toBe(i * 500));
  });
});
