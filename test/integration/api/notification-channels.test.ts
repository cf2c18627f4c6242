import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import {
  pagerDutyService,
  startProviderDouble,
  startSmtpCapture,
  type PagerDutyState,
  type ProviderDouble,
  type SmtpCapture,
} from '../../support/receivers/index.ts';
import { startFlakyTarget, type FlakyTarget } from '../../support/target.ts';

const PD_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
const BOT = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

let app: TestApp;
let smtp: SmtpCapture;
let target: FlakyTarget;
let pd: PagerDutyState;
let pdService: ProviderDouble;
let telegram: ProviderDouble;
let manager: { token: string };
let owner: { token: string };
let viewer: { token: string };

beforeAll(async () => {
  smtp = await startSmtpCapture();
  target = await startFlakyTarget();
  pd = pagerDutyService(PD_KEY);
  pdService = await startProviderDouble((req) => pd.play(req));
  telegram = await startProviderDouble((req) =>
    req.path === `/bot${BOT}/sendMessage`
      ? { status: 200, body: { ok: true, result: { message_id: 1 } } }
      : { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } },
  );
  app = await startTestApp({ SMTP_URL: smtp.url });
  manager = await app.user('manager');
  owner = await app.user('user', 'Owner');
  viewer = await app.user('viewer');
});

afterAll(async () => {
  await app?.close();
  await smtp?.close();
  await target?.close();
  await pdService?.close();
  await telegram?.close();
});

const pagerDuty = (over: Record<string, unknown> = {}) => ({
  name: 'On call',
  type: 'pagerduty',
  settings: { routing_key: PD_KEY, events_url: `${pdService.origin}/v2/enqueue`, ...over },
});

async function create(body: unknown) {
  const r = await app.request('POST', '/api/v1/notification-channels', { token: manager.token, body });
  expect(r.status, r.text).toBe(201);
  return r.body as { id: number; settings: Record<string, unknown> };
}

describe('notification channels are their own entity', () => {
  it('never returns a secret: it is masked in every answer and kept on PUT when left out or sent back masked', async () => {
    const ch = await create(pagerDuty());
    expect(ch.settings['routing_key']).toBe('****CDEF');
    const read = await app.request('GET', `/api/v1/notification-channels/${ch.id}`, { token: viewer.token });
    expect(read.status).toBe(200);
    expect(read.text).not.toContain(PD_KEY);
    const list = await app.request('GET', '/api/v1/notification-channels', { token: viewer.token });
    expect(list.text).not.toContain(PD_KEY);
    expect(list.body.items.map((c: { id: number }) => c.id)).toContain(ch.id);

    const renamed = await app.request('PUT', `/api/v1/notification-channels/${ch.id}`, {
      token: manager.token,
      body: { ...pagerDuty(), name: 'Primary on call', settings: { routing_key: '****CDEF', events_url: `${pdService.origin}/v2/enqueue` } },
    });
    expect(renamed.status, renamed.text).toBe(200);
    const omitted = await app.request('PUT', `/api/v1/notification-channels/${ch.id}`, {
      token: manager.token,
      body: { ...pagerDuty(), settings: { events_url: `${pdService.origin}/v2/enqueue` } },
    });
    expect(omitted.status, omitted.text).toBe(200);
    // The stored key still works: the test message reaches PagerDuty with it.
    const test = await app.request('POST', `/api/v1/notification-channels/${ch.id}/test`, { token: manager.token });
    expect(test.body).toMatchObject({ status: 'sent', status_code: 202, error: null });
  });

  it('refuses bad settings with 400 naming the field, and unknown fields', async () => {
    const cases: [unknown, string][] = [
      [pagerDuty({ routing_key: 'short' }), 'settings.routing_key'],
      [pagerDuty({ colour: 'red' }), 'settings.colour'],
      [{ name: 'x', type: 'telegram', settings: { bot_token: BOT } }, 'settings.chat_id'],
      [{ name: 'x', type: 'slack', settings: { webhook_url: 'http://169.254.169.254/latest' } }, 'settings.webhook_url'],
      [{ name: 'x', type: 'carrier-pigeon', settings: {} }, 'type'],
      [{ ...pagerDuty(), owner: 'me' }, 'owner'],
    ];
    for (const [body, field] of cases) {
      const r = await app.request('POST', '/api/v1/notification-channels', { token: manager.token, body });
      expect(r.status, `${field}: ${r.text}`).toBe(400);
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('lets managers and admins manage channels, and everyone signed in list them', async () => {
    for (const who of [owner, viewer]) {
      expect((await app.request('POST', '/api/v1/notification-channels', { token: who.token, body: pagerDuty() })).status).toBe(403);
    }
    const ch = await create(pagerDuty());
    expect((await app.request('POST', `/api/v1/notification-channels/${ch.id}/test`, { token: owner.token })).status).toBe(403);
    expect((await app.request('DELETE', `/api/v1/notification-channels/${ch.id}`, { token: owner.token })).status).toBe(403);
    expect((await app.request('GET', '/api/v1/notification-channels')).status).toBe(401);
    expect((await app.request('DELETE', `/api/v1/notification-channels/${ch.id}`, { token: manager.token })).status).toBe(204);
    expect((await app.request('GET', `/api/v1/notification-channels/${ch.id}`, { token: viewer.token })).status).toBe(404);
  });

  it('reports a failed test message with the provider answer, and never retries it', async () => {
    const ch = await create({ name: 'Bad bot', type: 'telegram', settings: { bot_token: '123456789:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', chat_id: 5, api_url: telegram.origin } });
    const r = await app.request('POST', `/api/v1/notification-channels/${ch.id}/test`, { token: manager.token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'failed', status_code: 401, error: 'Telegram answered 401: Unauthorized' });
    await app.system.ctx.queue.drain();
    const [row] = await app.system.ctx.sql<{ status: string; attempts: number }[]>`SELECT status, attempts FROM outbox WHERE id = ${r.body.outbox_id}`;
    expect(row).toEqual({ status: 'failed', attempts: 1 });
  });
});

describe('projects notify the channels they list', () => {
  async function project() {
    const r = await app.request('POST', '/api/v1/projects', { token: owner.token, body: { title: 'Shop', url: target.url } });
    expect(r.status, r.text).toBe(201);
    return r.body.id as number;
  }
  const checkNow = async (id: number) => {
    expect((await app.request('POST', `/api/v1/projects/${id}/check`, { token: manager.token })).status).toBe(200);
    await app.system.ctx.queue.drain();
  };

  it('triggers PagerDuty on an outage and resolves it on recovery with the same key, each once, besides alert_email', async () => {
    const pdChannel = await create(pagerDuty());
    const tg = await create({ name: 'Ops chat', type: 'telegram', language: 'ko', settings: { bot_token: BOT, chat_id: -100123, api_url: telegram.origin } });
    const id = await project();
    const put = await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, {
      token: owner.token,
      body: { alert_threshold: 1, retry_count: 1, alert_email: 'ops@example.com', channel_ids: [pdChannel.id, tg.id] },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.channel_ids).toEqual([pdChannel.id, tg.id]);
    // A PUT that leaves channel_ids out keeps them.
    const again = await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token, body: { alert_threshold: 1, retry_count: 1, alert_email: 'ops@example.com' } });
    expect(again.body.channel_ids).toEqual([pdChannel.id, tg.id]);

    const sentBefore = telegram.requests.length;
    pd.open.clear();
    pd.resolved.length = 0;
    target.setUp(false);
    await checkNow(id);
    expect(pd.open.size).toBe(1);
    const [key] = [...pd.open.keys()];
    expect(key).toMatch(new RegExp(`^py-monitor/project-${id}/incident-\\d+$`));
    target.setUp(true);
    await checkNow(id);
    expect(pd.open.size).toBe(0);
    expect(pd.resolved).toEqual([key]);

    const messages = telegram.requests.slice(sentBefore).map((r) => (r.json() as { text: string }).text);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('[장애] Shop 접속 불가 (HTTP 503)');
    expect(messages[1]).toContain('[복구] Shop 정상화');
    expect((await smtp.waitFor(2)).map((m) => m.envelope.to[0])).toEqual(['ops@example.com', 'ops@example.com']);
    const [sent] = await app.system.ctx.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE project_id = ${id} AND channel_id IS NOT NULL AND status = 'sent'`;
    expect(sent?.n).toBe(4);
  });

  it('waits as long as a 429 says before the next attempt, and records a 400 as a permanent failure', async () => {
    const limited = await startProviderDouble((req) => (req.path.endsWith('/busy') ? { status: 429, headers: { 'retry-after': '3600' }, body: 'rate_limited' } : { status: 400, body: 'invalid_payload' }));
    try {
      const busy = await create({ name: 'Busy', type: 'slack', settings: { webhook_url: `${limited.origin}/services/T1/B1/busy` } });
      const broken = await create({ name: 'Broken', type: 'slack', settings: { webhook_url: `${limited.origin}/services/T1/B1/broken` } });
      const id = await project();
      await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token, body: { alert_threshold: 1, retry_count: 1, channel_ids: [busy.id, broken.id] } });
      const before = Date.now();
      target.setUp(false);
      await checkNow(id);
      target.setUp(true);
      const rows = await app.system.ctx.sql<{ channel_id: number; status: string; attempts: number; next_attempt_at: Date; last_error: string }[]>`
        SELECT channel_id, status, attempts, next_attempt_at, last_error FROM outbox WHERE project_id = ${id} AND channel_id IS NOT NULL ORDER BY channel_id`;
      const [b, x] = rows;
      expect(b).toMatchObject({ channel_id: busy.id, status: 'pending', attempts: 1 });
      expect(b!.next_attempt_at.getTime() - before).toBeGreaterThanOrEqual(3600_000);
      expect(x).toMatchObject({ channel_id: broken.id, status: 'failed', attempts: 1, last_error: 'receiver answered HTTP 400: invalid_payload' });
    } finally {
      await limited.close();
    }
  });

  it('refuses a channel id that does not exist', async () => {
    const id = await project();
    const r = await app.request('PUT', `/api/v1/projects/${id}/monitoring-settings`, { token: owner.token, body: { channel_ids: [999999] } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].field).toBe('channel_ids');
  });
});
