import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { forgetCachedUser } from '../../../layers/services/auth.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { startFlakyTarget, type FlakyTarget } from '../../support/target.ts';
import { PASSWORD, createProject, expectErrorBody, signUp } from './helpers.ts';

// Issue 16, point 7: a session that ended (password changed, account disabled or deleted) stops
// working everywhere: on the tools routes too, and on open WebSockets, which are closed.

let app: TestApp;
let target: FlakyTarget;
let manager: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  app = await startTestApp();
  target = await startFlakyTarget();
  const m = await app.user('manager');
  manager = { id: m.id, email: m.email, role: m.role, token: m.token };
});
afterAll(async () => {
  await app?.close();
  await target?.close();
});

const login = async (email: string, password = PASSWORD) => {
  const r = await app.request('POST', '/api/v1/auth/login', { body: { email, password } });
  expect(r.status, r.text).toBe(200);
  return r.body.access_token as string;
};

const tcpTool = (token: string) => app.request('POST', '/api/v1/tools/tcp', { token, body: { host: '127.0.0.1', port: Number(new URL(app.url).port), timeout: 2 } });

/** Disables an account the only way the product has today (the database), and drops its cached state as a disabling path must. */
async function disable(userId: number): Promise<void> {
  await app.system.ctx.sql`UPDATE users SET is_active = false WHERE id = ${userId}`;
  await forgetCachedUser(app.system.ctx, userId);
}

interface Client {
  messages: any[];
  closed: Promise<number>;
  send(m: unknown): void;
  waitFor(pred: (m: any) => boolean): Promise<any>;
  close(): void;
}

async function connectWs(userId: number, token: string): Promise<Client> {
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}/ws/${userId}?token=${token}`);
  const messages: any[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    messages,
    closed,
    send: (m) => ws.send(JSON.stringify(m)),
    async waitFor(pred) {
      for (let i = 0; i < 500; i++) {
        const hit = messages.find(pred);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no matching message in ${JSON.stringify(messages)}`);
    },
    close: () => ws.close(),
  };
}

describe('the tools routes check the session like every route', () => {
  it('refuse tokens issued before a password change, from this browser and others', async () => {
    const who = await signUp(app);
    const otherBrowser = await login(who.email);
    expect((await tcpTool(who.token)).status).toBe(200);
    const changed = await app.request('POST', '/api/v1/users/me/password', { token: who.token, body: { current_password: PASSWORD, new_password: 'brand-new-pass' } });
    expect(changed.status, changed.text).toBe(200);
    expectErrorBody(await tcpTool(who.token), 401);
    expectErrorBody(await tcpTool(otherBrowser), 401);
    expect((await tcpTool(changed.body.access_token)).status).toBe(200);
  });

  it('refuse the token of a disabled or deleted account', async () => {
    const disabled = await signUp(app);
    expect((await tcpTool(disabled.token)).status).toBe(200);
    await disable(disabled.id);
    expectErrorBody(await tcpTool(disabled.token), 401);

    const deleted = await signUp(app);
    await app.system.ctx.sql`DELETE FROM users WHERE id = ${deleted.id}`;
    await forgetCachedUser(app.system.ctx, deleted.id);
    expectErrorBody(await tcpTool(deleted.token), 401);
  });
});

describe('WebSockets of a session that ended', () => {
  it('are closed when the password changes; a socket opened with the new token goes on receiving', async () => {
    const who = await signUp(app);
    const projectId = await createProject(app, who.token, { url: target.url });
    const before = await connectWs(who.id, who.token);
    before.send({ type: 'subscribe', project_id: projectId });
    await before.waitFor((m) => m.type === 'subscribed');

    const changed = await app.request('POST', '/api/v1/users/me/password', { token: who.token, body: { current_password: PASSWORD, new_password: 'brand-new-pass' } });
    expect(changed.status, changed.text).toBe(200);
    expect(await before.closed).toBe(4001);

    const after = await connectWs(who.id, changed.body.access_token);
    after.send({ type: 'subscribe', project_id: projectId });
    await after.waitFor((m) => m.type === 'subscribed');
    const check = await app.request('POST', `/api/v1/projects/${projectId}/check`, { token: manager.token });
    expect(check.status, check.text).toBe(200);
    await after.waitFor((m) => m.type === 'status' && m.project_id === projectId);
    expect(before.messages.filter((m) => m.type === 'status')).toEqual([]);
    after.close();
  });

  /** A new user's socket and a manager's (the watcher), both subscribed to the user's new project. */
  async function subscribedWithWatcher() {
    const who = await signUp(app);
    const projectId = await createProject(app, who.token, { url: target.url });
    const watcher = await connectWs(manager.id, manager.token);
    watcher.send({ type: 'subscribe', project_id: projectId });
    await watcher.waitFor((m) => m.type === 'subscribed');
    const ws = await connectWs(who.id, who.token);
    ws.send({ type: 'subscribe', project_id: projectId });
    await ws.waitFor((m) => m.type === 'subscribed');
    return { who, projectId, watcher, ws };
  }

  /** A check's push reaches the watcher; had it gone to `ws` too, it would be there by then. */
  async function expectNoPushTo(ws: Awaited<ReturnType<typeof connectWs>>, watcher: Awaited<ReturnType<typeof connectWs>>, projectId: number) {
    const check = await app.request('POST', `/api/v1/projects/${projectId}/check`, { token: manager.token });
    expect(check.status, check.text).toBe(200);
    await watcher.waitFor((m) => m.type === 'status' && m.project_id === projectId);
    expect(ws.messages.filter((m) => m.type === 'status')).toEqual([]);
    ws.close();
    watcher.close();
  }

  it('get no more pushes once the account is disabled: the next message finds the session ended', async () => {
    const { who, projectId, watcher, ws } = await subscribedWithWatcher();

    await disable(who.id);
    ws.send({ type: 'unsubscribe', project_id: 424242 });
    const ended = await ws.waitFor((m) => m.type === 'error');
    expect(ended.message).toContain('session ended');
    await expectNoPushTo(ws, watcher, projectId);
  });

  it('get no more pushes once the account is disabled, even a socket that only pings', async () => {
    const { who, projectId, watcher, ws } = await subscribedWithWatcher();
    ws.send({ type: 'ping' });
    await ws.waitFor((m) => m.type === 'pong');

    await disable(who.id);
    ws.send({ type: 'ping' });
    const ended = await ws.waitFor((m) => m.type === 'error');
    expect(ended.message).toContain('account disabled');
    expect(ws.messages.filter((m) => m.type === 'pong')).toHaveLength(1);
    await expectNoPushTo(ws, watcher, projectId);
  });
});
