import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createWebhookEvent,
  detectWebhookFormat,
  signWebhookBody,
  verifyWebhookSignature,
  webhookEventSchema,
} from '../../../layers/services/notifications/channels/webhook.ts';

const SECRET = 'whsec_test_secret';
const NOW = new Date('2026-11-24T08:05:00Z');
const T = NOW.getTime() / 1000;

describe('webhook signatures let receivers check the sender and the body', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'status_error' });

  it('signs "<t>.<body>" with HMAC-SHA256 and sends t and v1', () => {
    const header = signWebhookBody(SECRET, body, T);
    const expected = createHmac('sha256', SECRET).update(`${T}.${body}`).digest('hex');
    expect(header).toBe(`t=${T},v1=${expected}`);
  });

  it('accepts a fresh signature of the exact body', () => {
    expect(verifyWebhookSignature(SECRET, signWebhookBody(SECRET, body, T), body, { now: NOW })).toBe(true);
    expect(verifyWebhookSignature(SECRET, signWebhookBody(SECRET, body, T), Buffer.from(body), { now: NOW })).toBe(true);
  });

  it('rejects a changed body, another secret, a missing or malformed header', () => {
    const header = signWebhookBody(SECRET, body, T);
    expect(verifyWebhookSignature(SECRET, header, body.replace('status_error', 'recovery'), { now: NOW })).toBe(false);
    expect(verifyWebhookSignature('another-secret', header, body, { now: NOW })).toBe(false);
    expect(verifyWebhookSignature(SECRET, undefined, body, { now: NOW })).toBe(false);
    expect(verifyWebhookSignature(SECRET, 'v1=abc', body, { now: NOW })).toBe(false);
    expect(verifyWebhookSignature(SECRET, `t=${T}`, body, { now: NOW })).toBe(false);
  });

  it('rejects a replayed signature older than the tolerance', () => {
    const header = signWebhookBody(SECRET, body, T - 301);
    expect(verifyWebhookSignature(SECRET, header, body, { now: NOW })).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, body, { now: NOW, toleranceSeconds: 600 })).toBe(true);
  });

  it('accepts any of several v1 signatures, so secrets can be rotated', () => {
    const good = signWebhookBody(SECRET, body, T).split(',')[1] ?? '';
    const old = signWebhookBody('old-secret', body, T).split(',')[1] ?? '';
    expect(verifyWebhookSignature(SECRET, `t=${T},${old},${good}`, body, { now: NOW })).toBe(true);
  });
});

describe('webhook event envelope', () => {
  it('carries id, type, occurred_at, the project and the kind data with ISO dates', () => {
    const event = createWebhookEvent(
      {
        kind: 'recovery',
        data: {
          project: { id: 42, title: 'Shop', url: 'https://shop.example.com' },
          started_at: new Date('2026-11-24T08:05:00Z'),
          ended_at: '2026-11-24T08:17:00Z',
          duration_seconds: 720,
        },
      },
      { id: 'delivery-1', occurredAt: NOW },
    );
    expect(event).toEqual({
      id: 'delivery-1',
      type: 'recovery',
      occurred_at: '2026-11-24T08:05:00.000Z',
      project: { id: 42, title: 'Shop', url: 'https://shop.example.com' },
      data: { started_at: '2026-11-24T08:05:00.000Z', ended_at: '2026-11-24T08:17:00.000Z', duration_seconds: 720 },
    });
    expect(webhookEventSchema.safeParse(JSON.parse(JSON.stringify(event))).success).toBe(true);
  });

  it('gives each new event its own id', () => {
    const n = { kind: 'monitoring_error' as const, data: { component: 'scheduler', error_message: 'x', occurred_at: NOW } };
    const a = createWebhookEvent(n);
    const b = createWebhookEvent(n);
    expect(a.id).not.toBe(b.id);
    expect(a.project).toBeNull();
  });
});

describe('webhook format detection by host name', () => {
  it('recognises Slack incoming webhooks', () => {
    expect(detectWebhookFormat('https://hooks.slack.com/services/T000/B000/XXXX')).toBe('slack');
  });

  it('recognises Discord webhooks on both domains', () => {
    expect(detectWebhookFormat('https://discord.com/api/webhooks/1/abc')).toBe('discord');
    expect(detectWebhookFormat('https://discordapp.com/api/webhooks/1/abc')).toBe('discord');
  });

  it('treats everything else, look-alikes included, as generic', () => {
    expect(detectWebhookFormat('https://example.com/hook')).toBe('generic');
    expect(detectWebhookFormat('https://hooks.slack.com.evil.example/services/x')).toBe('generic');
    expect(detectWebhookFormat('https://evil.example/hooks.slack.com')).toBe('generic');
    expect(detectWebhookFormat('https://discord.com/channels/1/2')).toBe('generic');
    expect(detectWebhookFormat('not a url')).toBe('generic');
  });
});
