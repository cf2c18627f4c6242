import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { startSmtpCapture, startWebhookCapture, type SmtpCapture, type WebhookCapture } from '../../support/receivers/index.ts';
import { startFlakyTarget, type FlakyTarget } from '../../support/target.ts';
import { verifyWebhookSignature } from '../../../layers/services/notifications/channels/webhook.ts';

let app: TestApp;
let smtp: SmtpCapture;
let hook: WebhookCapture;
let target: FlakyTarget;
let owner: { id: number; token: string; email: string };
let manager: { token: string };

interface WsClient {
  messages: any[];
  send(m: unknown): void;
  waitFor(pred: (m: any) => boolean, n?: number): Promise<any[]>;
  close(): void;
}

async function connectWs(path: string): Promise<WsClient> {
  const ws = new WebSocket(app.url.replace('http', 'ws') + path);
  const messages: any[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return {
    messages,
    send: (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)),
    async waitFor(pred, n = 1) {
      for (let i = 0; i < 500; i++) {
        const hits = messages.filter(pred);
        if (hits.length >= n) return hits;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`expected ${n} matching WebSocket messages, got ${JSON.stringify(messages)}`);
    },
    close: () => ws.close(),
  };
}

const settle = () => app.system.ctx.queue.drain();

async function createProject(body: Record<string, unknown>) {
  const r = await app.request('POST', '/api/v1/projects', { token: owner.token, body });
  expect(r.status, r.text).toBe(201);
  return r.body.id as number;
}

async function setSettings(id: number, body: Record<string, unknown>) {
  const r = await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token, body });
  expect(r.status, r.text).toBe(200);
  return r.body;
}

const checkNow = async (id: number) => {
  const r = await app.request('POST', `/api/v1/projects/${id}/check`, { token: manager.token });
  expect(r.status, r.text).toBe(200);
  await settle();
  return r.body;
};

beforeAll(async () => {
  smtp = await startSmtpCapture();
  hook = await startWebhookCapture();
  target = await startFlakyTarget();
  app = await startTestApp({ SMTP_URL: smtp.url });
  const o = await app.user('user', 'Owner');
  owner = { id: o.id, token: o.token, email: o.email };
  manager = await app.user('manager');
});

afterAll(async () => {
  await app?.close();
  await smtp?.close();
  await hook?.close();
  await target?.close();
});

describe('outage and recovery alerts', () => {
  it('sends exactly one outage alert after the threshold and one recovery alert, on every channel', async () => {
    const id = await createProject({ title: 'Shop', url: target.url });
    const settings = await setSettings(id, { alert_threshold: 2, retry_count: 1, webhook_url: hook.url, alert_email: 'ops@example.com' });
    const ws = await connectWs(`/ws/${owner.id}?token=${owner.token}`);
    ws.send({ type: 'subscribe', project_id: id });
    await ws.waitFor((m) => m.type === 'subscribed');

    expect((await checkNow(id)).is_available).toBe(true);
    await ws.waitFor((m) => m.type === 'status' && m.project_id === id && m.is_available === true);

    target.setUp(false);
    const first = await checkNow(id);
    expect(first.is_available).toBe(false);
    expect(first.status_code).toBe(503);
    let status = await app.request('GET', `/api/v1/projects/${id}/status`, { token: owner.token });
    expect(status.body.consecutive_failures).toBe(1);
    expect(status.body.is_down).toBe(false);
    await checkNow(id); // reaches the threshold: the outage
    await checkNow(id); // still down: no second alert
    status = await app.request('GET', `/api/v1/projects/${id}/status`, { token: owner.token });
    expect(status.body.is_down).toBe(true);
    expect(status.body.consecutive_failures).toBe(3);

    target.setUp(true);
    await checkNow(id);

    const mails = await smtp.waitFor(2);
    expect(mails).toHaveLength(2);
    expect(mails.map((m) => m.envelope.to[0])).toEqual(['ops@example.com', 'ops@example.com']);
    expect(mails[0]!.subject).toContain('Shop');

    const hooks = await hook.waitFor(2);
    expect(hooks).toHaveLength(2);
    const events = hooks.map((h) => h.json() as { type: string; id: string });
    expect(events.map((e) => e.type)).toEqual(['status_error', 'recovery']);
    for (const h of hooks) {
      expect(verifyWebhookSignature(settings.webhook_secret, h.headers['x-pymonitor-signature'], h.body)).toBe(true);
    }

    const alertsWs = await ws.waitFor((m) => m.type === 'alert', 2);
    expect(alertsWs.map((a) => a.alert_type)).toEqual(['status_error', 'recovery']);

    const inApp = await app.request('GET', `/api/v1/projects/${id}/alerts`, { token: owner.token });
    expect(inApp.body.items.map((a: any) => a.type).sort()).toEqual(['recovery', 'status_error']);
    const outage = inApp.body.items.find((a: any) => a.type === 'status_error');
    expect(outage.is_resolved).toBe(true);
    // Everyone who can see the project gets the in-app alerts, each with their own read state.
    const managerView = await app.request('GET', '/api/v1/alerts/unread', { token: manager.token });
    expect(managerView.body.items.filter((a: any) => a.project_id === id)).toHaveLength(2);

    // Nothing more arrives after the queues settle.
    await settle();
    expect(smtp.messages).toHaveLength(2);
    expect(hook.requests).toHaveLength(2);
    ws.close();
  });

  it('records the incident with start, end, duration and the first error', async () => {
    const id = await createProject({ title: 'Blog', url: target.url });
    await setSettings(id, { alert_threshold: 1, retry_count: 1 });
    target.setUp(false);
    await checkNow(id);
    target.setUp(true);
    await checkNow(id);
    const alerts = await app.request('GET', `/api/v1/projects/${id}/alerts`, { token: owner.token });
    const recovery = alerts.body.items.find((a: any) => a.type === 'recovery');
    const outage = alerts.body.items.find((a: any) => a.type === 'status_error');
    expect(recovery.incident_id).toBeTypeOf('number');
    expect(outage.incident_id).toBe(recovery.incident_id);
    const logs = await app.request('GET', `/api/v1/projects/${id}/logs?size=10`, { token: owner.token });
    expect(logs.body.total).toBe(2);
    const [up, down] = logs.body.items;
    expect(up.is_available).toBe(true);
    expect(down.error_message).toContain('503');
    expect(outage.data.error_message).toBe(down.error_message);
    // The incident runs from the failed check to the one that answered again.
    expect(recovery.data.started_at).toBe(down.checked_at);
    expect(recovery.data.ended_at).toBe(up.checked_at);
    expect(recovery.data.duration_seconds).toBe((Date.parse(up.checked_at) - Date.parse(down.checked_at)) / 1000);
    expect(recovery.data.duration_seconds).toBeGreaterThan(0);
  });
});

describe('each recipient reads the alert in their own language', () => {
  it('writes the in-app alert in each user\'s language and time zone, the body without the title, data not nested', async () => {
    const reader = await app.user('user', 'English reader');
    const set = await app.request('PUT', '/api/v1/users/me/settings', {
      token: reader.token, body: { theme: 'light', language: 'en', timezone: 'America/New_York', email_notifications: false },
    });
    expect(set.status, set.text).toBe(200);
    const id = await createProject({ title: 'Polyglot', url: target.url });
    // The alert address belongs to the English reader: the email follows that person's language.
    await setSettings(id, { alert_threshold: 1, retry_count: 1, alert_email: reader.email });
    const before = smtp.messages.length;
    target.setUp(false);
    await checkNow(id);
    target.setUp(true);

    const ko = (await app.request('GET', `/api/v1/projects/${id}/alerts`, { token: owner.token })).body.items[0];
    const en = (await app.request('GET', `/api/v1/projects/${id}/alerts`, { token: reader.token })).body.items[0];
    expect(ko.type).toBe('status_error');
    expect(ko.title).toMatch(/Polyglot/);
    expect(ko.title).toMatch(/[가-힣]/);
    expect(en.title).toMatch(/Polyglot/);
    expect(en.title).not.toMatch(/[가-힣]/);
    expect(en.message).not.toMatch(/[가-힣]/);
    for (const a of [ko, en]) {
      expect(a.message).not.toContain(a.title);
      expect(a.message).toContain('503');
      expect(a.data).not.toHaveProperty('data');
      expect(a.data.project).toMatchObject({ id, title: 'Polyglot' });
      expect(a.data.error_message).toContain('503');
    }
    const mails = await smtp.waitFor(before + 1);
    const mail = mails[before]!;
    expect(mail.envelope.to[0]).toBe(reader.email);
    expect(mail.subject).toBe(en.title);
    await checkNow(id);
  });
});

describe('suppression', () => {
  it('maintenance mode suppresses notifications while checks and records continue', async () => {
    const before = smtp.messages.length;
    const id = await createProject({ title: 'Maint', url: target.url });
    await setSettings(id, { alert_threshold: 1, retry_count: 1, alert_email: 'maint@example.com' });
    const m = await app.request('PUT', `/api/v1/projects/${id}/maintenance`, { token: owner.token, body: { maintenance_mode: true, maintenance_message: 'upgrade' } });
    expect(m.status).toBe(200);
    target.setUp(false);
    await checkNow(id);
    await checkNow(id);
    target.setUp(true);
    await checkNow(id);
    const logs = await app.request('GET', `/api/v1/projects/${id}/logs`, { token: owner.token });
    expect(logs.body.total).toBe(3);
    const alerts = await app.request('GET', `/api/v1/projects/${id}/alerts`, { token: owner.token });
    expect(alerts.body.total).toBe(0);
    expect(smtp.messages.length).toBe(before);
  });

  it('maintenance ends by itself at maintenance_ends_at, and an ongoing outage is then announced once', async () => {
    const id = await createProject({ title: 'Ends', url: target.url });
    await setSettings(id, { alert_threshold: 1, retry_count: 1 });
    // An hour: the first check surely runs inside the window, however busy the machine.
    const endsAt = new Date(Date.now() + 3_600_000);
    await app.request('PUT', `/api/v1/projects/${id}/maintenance`, { token: owner.token, body: { maintenance_mode: true, maintenance_ends_at: endsAt.toISOString() } });
    target.setUp(false);
    await checkNow(id);
    expect((await app.request('GET', `/api/v1/projects/${id}/alerts`, { token: owner.token })).body.total).toBe(0);
    // A scheduler tick on the test clock, past the end, ends the window (with the scheduler stopped it claims nothing).
    const ctx = app.system.ctx;
    const clock = ctx.clock;
    await app.request('POST', '/api/v1/scheduler/stop', { token: manager.token });
    ctx.clock = { now: () => new Date(endsAt.getTime() + 1000) };
    try {
      await app.system.tick();
    } finally {
      ctx.clock = clock;
      await app.request('POST', '/api/v1/scheduler/start', { token: manager.token });
    }
    await checkNow(id);
    await checkNow(id);
    target.setUp(true);
    const project = await app.request('GET', `/api/v1/projects/${id}`, { token: owner.token });
    expect(project.body.maintenance_mode).toBe(false);
    const alerts = await app.request('GET', `/api/v1/projects/${id}/alerts`, { token: owner.token });
    expect(alerts.body.items.map((a: any) => a.type)).toEqual(['status_error']);
  });

  it('is_alert_enabled=false suppresses notifications', async () => {
    const id = await createProject({ title: 'Quiet', url: target.url });
    await setSettings(id, { alert_threshold: 1, retry_count: 1, is_alert_enabled: false });
    target.setUp(false);
    await checkNow(id);
    target.setUp(true);
    await checkNow(id);
    expect((await app.request('GET', `/api/v1/projects/${id}/alerts`, { token: owner.token })).body.total).toBe(0);
  });
});

describe('delivery', () => {
  it('a webhook receiver that is down gets the notification once it is up', async () => {
    const down = await startWebhookCapture({ status: 503 });
    try {
      const id = await createProject({ title: 'Retry', url: target.url });
      await setSettings(id, { alert_threshold: 1, retry_count: 1, webhook_url: down.url });
      target.setUp(false);
      await checkNow(id);
      target.setUp(true);
      await down.waitFor(1);
      down.setStatus(200);
      // First retry comes within a minute (15 s +-20%).
      const got = await down.waitFor(2, 40_000);
      const ids = got.map((r) => r.headers['x-pymonitor-delivery']);
      expect(ids[0]).toBe(ids[1]);
      await settle();
      const rows = await app.system.ctx.sql`SELECT status, attempts FROM outbox WHERE channel = 'webhook' AND target = ${down.url}`;
      expect(rows).toEqual([{ status: 'sent', attempts: 2 }]);
      expect(down.requests).toHaveLength(2);
    } finally {
      await down.close();
    }
  }, 60_000);
});

describe('scheduler', () => {
  it('two scheduler ticks never enqueue the same check twice', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) ids.push(await createProject({ title: `T${i}`, url: target.url }));
    const sent: number[] = [];
    const queue = app.system.ctx.queue;
    const original = queue.send.bind(queue);
    queue.send = async (name, messages) => {
      if (name === 'checks') for (const m of messages) for (const c of (m.body as { checks: { project_id: number }[] }).checks) sent.push(c.project_id);
      return original(name, messages);
    };
    try {
      await Promise.all([app.system.tick(), app.system.tick(), app.system.tick()]);
    } finally {
      queue.send = original;
    }
    for (const id of ids) expect(sent.filter((s) => s === id)).toHaveLength(1);
    expect(new Set(sent).size).toBe(sent.length);
    await settle();
  });

  it('start and stop: a stopped project is not enqueued, the status API shows it', async () => {
    const id = await createProject({ title: 'Stopper', url: target.url });
    const stop = await app.request('POST', `/api/v1/scheduler/projects/${id}/stop`, { token: manager.token });
    expect(stop.status).toBe(200);
    expect(stop.body.is_running).toBe(false);
    const denied = await app.request('POST', `/api/v1/scheduler/projects/${id}/stop`, { token: owner.token });
    expect(denied.status).toBe(403);
    const status = await app.request('GET', '/api/v1/scheduler/status', { token: owner.token });
    expect(status.body.projects.find((p: any) => p.project_id === id).is_running).toBe(false);
    const all = await app.request('POST', '/api/v1/scheduler/stop', { token: manager.token });
    expect(all.body.is_running).toBe(false);
    const r = await app.system.tick();
    expect(r).toMatchObject({ enqueued: 0 });
    expect((await app.request('POST', '/api/v1/scheduler/start', { token: manager.token })).body.is_running).toBe(true);
  });
});

describe('WebSocket protocol', () => {
  it('answers ping with pong and malformed messages with an error, keeping the connection', async () => {
    const ws = await connectWs(`/ws/${owner.id}?token=${owner.token}`);
    ws.send('not json');
    await ws.waitFor((m) => m.type === 'error');
    ws.send({ type: 'subscribe', project_id: 'x' });
    await ws.waitFor((m) => m.type === 'error', 2);
    ws.send({ type: 'ping' });
    await ws.waitFor((m) => m.type === 'pong');
    ws.close();
  });

  it("refuses a connection without a token or for another user's id", async () => {
    await expect(connectWs(`/ws/${owner.id}`)).rejects.toThrow('401');
    await expect(connectWs(`/ws/${owner.id + 1000}?token=${owner.token}`)).rejects.toThrow('403');
    await expect(connectWs(`/ws/${owner.id}?token=garbage`)).rejects.toThrow('401');
  });
});
