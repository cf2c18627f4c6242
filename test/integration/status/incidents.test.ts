import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeIncident, openIncident } from '../../../layers/repositories/monitoring.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { createProject, expectErrorBody, expectInvalid } from '../api/helpers.ts';

// Incident updates (issue 12): the project owner, managers and admins name an incident, post updates
// and a postmortem; anyone signed in reads them; the monitoring alone opens and closes incidents.

let app: TestApp;
type Person = { id: number; token: string };
const people = {} as Record<'admin' | 'manager' | 'owner' | 'stranger' | 'viewer', Person>;
let projectId: number;
let incidentId: number;

beforeAll(async () => {
  app = await startTestApp();
  people.admin = await app.user('admin');
  people.manager = await app.user('manager');
  people.owner = await app.user('user', 'Owner');
  people.stranger = await app.user('user', 'Stranger');
  people.viewer = await app.user('viewer');
  projectId = await createProject(app, people.owner.token, { url: 'http://127.0.0.1:9/' });
  const sql = app.system.ctx.sql;
  const older = await openIncident(sql, projectId, 'outage', new Date('2026-10-01T10:00:00Z'), 'connect ECONNREFUSED 10.1.2.3:443');
  await closeIncident(sql, older, new Date('2026-10-01T10:30:00Z'));
  incidentId = await openIncident(sql, projectId, 'outage', new Date('2026-10-16T08:00:00Z'), 'HTTP 503');
}, 60_000);
afterAll(async () => app?.close());

const post = (who: Person, id: number, body: unknown) => app.request('POST', `/api/v1/incidents/${id}/updates`, { token: who.token, body });
const patch = (who: Person, id: number, body: unknown) => app.request('PATCH', `/api/v1/incidents/${id}`, { token: who.token, body });

describe('incident updates', () => {
  it('lets the owner, a manager and an admin post updates, listed oldest first', async () => {
    const a = await post(people.owner, incidentId, { status: 'investigating', message: 'We are looking into errors.' });
    const b = await post(people.manager, incidentId, { status: 'identified', message: 'A database node failed.' });
    const c = await post(people.admin, incidentId, { status: 'monitoring', message: 'Fixed; watching.' });
    expect([a.status, b.status, c.status], a.text).toEqual([201, 201, 201]);
    expect(Object.keys(a.body).sort()).toEqual(['author_id', 'created_at', 'id', 'message', 'status']);
    expect(a.body).toMatchObject({ status: 'investigating', message: 'We are looking into errors.', author_id: people.owner.id });

    const list = await app.request('GET', `/api/v1/projects/${projectId}/incidents`, { token: people.viewer.token });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    const [newest, oldest] = list.body.items;
    expect(newest.id).toBe(incidentId);
    expect(newest.ended_at).toBeNull();
    expect(newest.updates.map((u: { status: string }) => u.status)).toEqual(['investigating', 'identified', 'monitoring']);
    expect(oldest.updates).toEqual([]);
    expect(oldest.duration_seconds).toBe(1800);
  });

  it('refuses a stranger (403) and a viewer (403), writing nothing', async () => {
    expectErrorBody(await post(people.stranger, incidentId, { status: 'resolved', message: 'not mine' }), 403);
    expectErrorBody(await post(people.viewer, incidentId, { status: 'resolved', message: 'not mine' }), 403);
    expectErrorBody(await patch(people.stranger, incidentId, { title: 'Mine now' }), 403);
    const one = await app.request('GET', `/api/v1/incidents/${incidentId}`, { token: people.viewer.token });
    expect(one.body.updates).toHaveLength(3);
    expect(one.body.title).toBeNull();
  });

  it('names an incident and writes its postmortem, and clears them with null', async () => {
    const named = await patch(people.owner, incidentId, { title: 'Checkout errors', postmortem: 'A disk filled up.' });
    expect(named.status, named.text).toBe(200);
    expect(named.body).toMatchObject({ id: incidentId, title: 'Checkout errors', postmortem: 'A disk filled up.', ended_at: null });
    expect(named.body.updated_at).not.toBeNull();
    const cleared = await patch(people.manager, incidentId, { postmortem: null });
    expect(cleared.body).toMatchObject({ title: 'Checkout errors', postmortem: null });
  });

  it('never opens or closes an incident by hand: a resolved update leaves it open', async () => {
    expect((await post(people.owner, incidentId, { status: 'resolved', message: 'All good.' })).status).toBe(201);
    const one = await app.request('GET', `/api/v1/incidents/${incidentId}`, { token: people.owner.token });
    expect(one.body.ended_at).toBeNull();
    expectInvalid(await patch(people.admin, incidentId, { ended_at: '2026-10-16T09:00:00Z' }), 'ended_at');
  });

  it('answers bad input with a 400 naming the field, unknown incidents with 404', async () => {
    expectInvalid(await post(people.owner, incidentId, { status: 'fixed', message: 'x' }), 'status');
    expectInvalid(await post(people.owner, incidentId, { status: 'resolved', message: '   ' }), 'message');
    expectInvalid(await post(people.owner, incidentId, { status: 'resolved', message: 'x'.repeat(5001) }), 'message');
    expectInvalid(await patch(people.owner, incidentId, {}), 'title');
    expectInvalid(await patch(people.owner, incidentId, { title: 'x'.repeat(201) }), 'title');
    expectErrorBody(await post(people.owner, 999_999, { status: 'resolved', message: 'x' }), 404);
    expectErrorBody(await patch(people.admin, 999_999, { title: 'x' }), 404);
    expectErrorBody(await app.request('GET', '/api/v1/projects/999999/incidents', { token: people.viewer.token }), 404);
    expect((await app.request('GET', '/api/v1/incidents/abc', { token: people.viewer.token })).status).toBe(400);
  });
});
