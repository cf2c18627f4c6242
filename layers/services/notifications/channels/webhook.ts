import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import * as z from 'zod';
import { validateTargetUrl } from '../../../checks/ssrf.ts';
import { composeParsed } from '../compose.ts';
import { deliveryKinds, notificationSchema, projectRefSchema, type NotificationInput } from '../kinds.ts';
import { discordPayload } from '../render/discord.ts';
import { slackPayload } from '../render/slack.ts';
import { defineChannel, type ChannelEnv } from './channel.ts';
import { deliverHttp } from './http.ts';
import { httpUrlSchema as webUrl } from '../../../checks/schemas.ts';

// Generic webhooks (spec 7.2): a signed JSON envelope. A project's webhook_url on Slack's or
// Discord's hosts gets their native message shapes instead. The URL is user input: the one outbound
// client connects only to addresses the SSRF policy allowed, and never follows redirects.

/**
 * The envelope generic receivers get. `type` is the notification kind, `id` is stable across retries
 * (also sent as X-PyMonitor-Delivery) so receivers can de-duplicate, `data` is the kind's fields
 * without `project`, with instants as ISO-8601 strings.
 */
export const webhookEventSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.enum(deliveryKinds),
  occurred_at: z.iso.datetime({ offset: true }),
  project: projectRefSchema.nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

export const SIGNATURE_HEADER = 'x-pymonitor-signature';
export const EVENT_HEADER = 'x-pymonitor-event';
export const DELIVERY_HEADER = 'x-pymonitor-delivery';

export type WebhookFormat = 'generic' | 'slack' | 'discord';

export interface WebhookOptions {
  /** Signs the body when present; receivers verify with verifyWebhookSignature. */
  secret?: string | undefined;
  /** Bounds the whole delivery: DNS, connect, TLS, response. Default 10 s. */
  timeoutMs?: number;
  allowPrivateTargets: boolean;
  /** Extra trusted CA certificates (PEM) on top of the system roots, for receivers behind a private CA. */
  ca?: string[] | undefined;
  /** Resolvers (`host` or `host:port`) instead of the system's, as DNS_SERVERS. */
  dnsServers?: string[] | undefined;
  language?: 'ko' | 'en';
  timezone?: string;
  publicUrl?: string | undefined;
  /** `auto` (default) picks Slack or Discord from the URL's host, generic otherwise. */
  format?: WebhookFormat | 'auto';
  /** Signature timestamp source; tests pin it. */
  now?: (() => Date) | undefined;
}

export type WebhookResult =
  | { ok: true; status: number; format: WebhookFormat; response_time: number }
  | { ok: false; status?: number; error: string; retryable: boolean; retryAfterSeconds?: number; format: WebhookFormat; response_time: number };

/** Builds the envelope for a notification; pass the same id again when retrying. */
export function createWebhookEvent(notification: NotificationInput, options: { id?: string; occurredAt?: Date } = {}): WebhookEvent {
  const parsed = notificationSchema.parse(notification);
  const { project, ...data } = parsed.data;
  return {
    id: options.id ?? randomUUID(),
    type: parsed.kind,
    occurred_at: (options.occurredAt ?? new Date()).toISOString(),
    project: project ?? null,
    data: jsonFields(data),
  };
}

function jsonFields(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value !== undefined) out[key] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
}

export function detectWebhookFormat(url: string): WebhookFormat {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'generic';
  }
  const host = parsed.hostname.toLowerCase();
  if (host === 'hooks.slack.com' || host === 'hooks.slack-gov.com') return 'slack';
  const discordHosts = ['discord.com', 'discordapp.com', 'canary.discord.com', 'ptb.discord.com'];
  if (discordHosts.includes(host) && parsed.pathname.startsWith('/api/webhooks/')) return 'discord';
  return 'generic';
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, like Stripe's scheme. */
export function signWebhookBody(secret: string, body: string, timestamp: number): string {
  const t = Math.floor(timestamp);
  const mac = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${mac}`;
}

export interface VerifyOptions {
  /** Reject signatures older (or newer) than this, against replays. Default 300 s. */
  toleranceSeconds?: number;
  now?: Date;
}

/** For receivers: true when the header carries a valid v1 signature of this exact body, made recently. */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined | null,
  body: string | Uint8Array,
  options: VerifyOptions = {},
): boolean {
  if (!header) return false;
  let t: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d+$/.test(value)) t = Number(value);
    else if (key === 'v1' && value && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (t === undefined || signatures.length === 0) return false;
  const now = (options.now ?? new Date()).getTime() / 1000;
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return false;
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${text}`).digest('hex'), 'hex');
  return signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
}

/**
 * Posts one event. Never throws for delivery problems: 2xx is delivered; 408, 429, 5xx and network
 * errors are retryable; other statuses (redirects included) and refused targets are permanent.
 */
export async function sendWebhook(url: string, event: WebhookEvent, options: WebhookOptions): Promise<WebhookResult> {
  const start = performance.now();
  const format = options.format && options.format !== 'auto' ? options.format : detectWebhookFormat(url);
  const fail = (error: string): WebhookResult => ({
    ok: false,
    error,
    retryable: false,
    format,
    response_time: Math.round((performance.now() - start) * 100) / 100,
  });

  const valid = validateTargetUrl(url, { allowPrivateTargets: options.allowPrivateTargets });
  if (!valid.ok) return fail(valid.reason);
  const parsedEvent = webhookEventSchema.safeParse(event);
  if (!parsedEvent.success) return fail(`invalid webhook event: ${parsedEvent.error.issues[0]?.message ?? 'unknown'}`);
  let body: string;
  try {
    body = buildBody(parsedEvent.data, format, options);
  } catch (err) {
    return fail(`cannot render webhook: ${err instanceof Error ? err.message : String(err)}`);
  }

  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    [EVENT_HEADER]: parsedEvent.data.type,
    [DELIVERY_HEADER]: parsedEvent.data.id,
  };
  if (options.secret) {
    const now = (options.now ?? (() => new Date()))();
    headers[SIGNATURE_HEADER] = signWebhookBody(options.secret, body, now.getTime() / 1000);
  }
  const outcome = await deliverHttp({ url, headers, body }, {
    allowPrivateTargets: options.allowPrivateTargets,
    dnsServers: options.dnsServers,
    ca: options.ca,
    timeoutMs: options.timeoutMs,
  });
  if (outcome.ok) return { ok: true, status: outcome.status ?? 200, format, response_time: outcome.response_time };
  return { ...outcome, format };
}

function buildBody(event: WebhookEvent, format: WebhookFormat, options: WebhookOptions): string {
  if (format === 'generic') return JSON.stringify(event);
  const notification = notificationSchema.parse({ kind: event.type, data: { ...event.data, project: event.project } });
  const composed = composeParsed(notification, {
    language: options.language ?? 'ko',
    timezone: options.timezone ?? 'Asia/Seoul',
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
  });
  return JSON.stringify(format === 'slack' ? slackPayload(composed) : discordPayload(composed, event.occurred_at));
}

export const webhookChannel = defineChannel({
  type: 'webhook',
  settings: z.strictObject({
    url: webUrl,
    /** HMAC key of X-PyMonitor-Signature; no signature without one. */
    secret: z.string().min(1).max(200).optional(),
  }),
  // The URL may embed a token too.
  secrets: ['url', 'secret'],
  targets: (s) => [{ field: 'url', url: s.url }],
  async send(d, s, env: ChannelEnv) {
    const event = createWebhookEvent(d.notification, { id: d.id, occurredAt: d.occurredAt });
    const r = await sendWebhook(s.url, event, {
      secret: s.secret,
      allowPrivateTargets: env.allowPrivateTargets,
      dnsServers: env.dnsServers,
      ca: env.ca,
      ...(env.timeoutMs ? { timeoutMs: env.timeoutMs } : {}),
      language: d.language,
      timezone: d.timezone,
      publicUrl: d.publicUrl,
      now: env.now,
    });
    if (r.ok) return { ok: true, status: r.status };
    const { format: _f, response_time: _t, ...outcome } = r;
    return outcome;
  },
});
