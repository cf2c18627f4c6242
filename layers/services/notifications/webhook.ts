import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { buildConnector as BuildConnector } from 'undici';
import * as z from 'zod';
import { secureContextWith } from '../../checks/cert.ts';
import { Agent, buildConnector } from '../../checks/undici-core.ts';
import { resolveTarget } from '../../checks/resolve.ts';
import { validateTargetUrl } from '../../checks/ssrf.ts';
import { truncate } from './format.ts';
import {
  composeNotification,
  notificationKinds,
  notificationSchema,
  projectRefSchema,
  renderComposed,
  toneColorValues,
  type ComposedNotification,
  type NotificationInput,
} from './templates.ts';

// Webhook delivery (spec 7.2). Generic receivers get a signed JSON envelope; Slack and Discord get
// their native message shapes. The URL is user input, so every connection goes to an address the
// SSRF policy allowed, and redirects are never followed.

/**
 * The envelope generic receivers get. `type` is the notification kind, `id` is stable across retries
 * (also sent as X-PyMonitor-Delivery) so receivers can de-duplicate, `data` is the kind's fields
 * without `project`, with instants as ISO-8601 strings.
 */
export const webhookEventSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.enum(notificationKinds),
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
  publicUrl?: string;
  /** `auto` (default) picks Slack or Discord from the URL's host, generic otherwise. */
  format?: WebhookFormat | 'auto';
  /** Signature timestamp source; tests pin it. */
  now?: () => Date;
}

export type WebhookResult =
  | { ok: true; status: number; format: WebhookFormat; response_time: number }
  | { ok: false; status?: number; error: string; retryable: boolean; format: WebhookFormat; response_time: number };

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_ERROR_BODY_BYTES = 2048;
const USER_AGENT = 'Py_Monitor-Webhook/1.0';

/** Builds the envelope for a notification; pass the same id again when retrying. */
export function createWebhookEvent(
  notification: NotificationInput,
  options: { id?: string; occurredAt?: Date } = {},
): WebhookEvent {
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

/** Slack's mrkdwn treats &, < and > as control characters (links, @channel mentions). */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackPayload(n: ComposedNotification): { text: string; blocks: unknown[] } {
  const short = renderComposed(n).short;
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(n.subject, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(slackEscape(n.summary), 3000) } },
  ];
  // A section holds at most 10 fields of 2000 characters.
  for (let i = 0; i < n.fields.length; i += 10) {
    blocks.push({
      type: 'section',
      fields: n.fields.slice(i, i + 10).map((f) => {
        const value = f.code ? `\`${f.value.replace(/`/g, "'")}\`` : slackEscape(f.value);
        return { type: 'mrkdwn', text: truncate(`*${slackEscape(f.label)}*\n${value}`, 2000) };
      }),
    });
  }
  if (n.link) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${n.link.url}|${slackEscape(n.link.label)}>` }] });
  }
  return { text: slackEscape(short), blocks };
}

export function discordPayload(n: ComposedNotification, occurredAt: string): Record<string, unknown> {
  return {
    content: truncate(renderComposed(n).short, 2000),
    // Titles and messages are user text: never let them ping @everyone, roles or users.
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: truncate(n.subject, 256),
        description: truncate(n.summary, 4096),
        color: toneColorValues[n.tone],
        ...(n.link ? { url: n.link.url } : {}),
        fields: n.fields.slice(0, 25).map((f) => ({
          name: truncate(f.label, 256),
          value: truncate(f.code ? `\`${f.value.replace(/`/g, "'")}\`` : f.value, 1024) || '-',
          inline: f.value.length <= 40,
        })),
        timestamp: occurredAt,
        footer: { text: 'Py_Monitor' },
      },
    ],
  };
}

class BlockedTargetError extends Error {}

/**
 * Posts one event. Never throws for delivery problems: 2xx is delivered; 408, 429, 5xx and network
 * errors are retryable; other statuses (redirects included) and refused targets are permanent.
 */
export async function sendWebhook(url: string, event: WebhookEvent, options: WebhookOptions): Promise<WebhookResult> {
  const start = performance.now();
  const elapsed = () => Math.round((performance.now() - start) * 100) / 100;
  const format = options.format && options.format !== 'auto' ? options.format : detectWebhookFormat(url);
  const fail = (error: string, retryable: boolean, status?: number): WebhookResult => ({
    ok: false,
    ...(status === undefined ? {} : { status }),
    error,
    retryable,
    format,
    response_time: elapsed(),
  });

  const policy = { allowPrivateTargets: options.allowPrivateTargets };
  const network = { ...policy, ...(options.dnsServers?.length ? { dnsServers: options.dnsServers } : {}) };
  const valid = validateTargetUrl(url, policy);
  if (!valid.ok) return fail(valid.reason, false);

  const parsedEvent = webhookEventSchema.safeParse(event);
  if (!parsedEvent.success) return fail(`invalid webhook event: ${parsedEvent.error.issues[0]?.message ?? 'unknown'}`, false);
  let body: string;
  try {
    body = buildBody(parsedEvent.data, format, options);
  } catch (err) {
    return fail(`cannot render webhook: ${err instanceof Error ? err.message : String(err)}`, false);
  }

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let refused: { message: string; retryable: boolean } | undefined;
  const secureContext = secureContextWith(options.ca);
  const base = buildConnector({ timeout: timeoutMs, ...(secureContext ? { secureContext } : {}) });
  // Resolve once, check the address, then connect to exactly that address (TLS still verifies the name).
  const connect: BuildConnector.connector = (o, callback) => {
    resolveTarget(o.hostname, network, timeoutMs).then(
      (target) => {
        if (!target.ok) {
          refused = { message: target.failure.message, retryable: target.failure.kind === 'dns' };
          callback(new BlockedTargetError(target.failure.message), null);
          return;
        }
        const name = o.hostname.replace(/^\[|\]$/g, '');
        base({ ...o, hostname: target.address, servername: isIP(name) ? undefined : name }, callback);
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), null),
    );
  };
  const agent = new Agent({ connect, connections: 1, pipelining: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });

  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': USER_AGENT,
    [EVENT_HEADER]: parsedEvent.data.type,
    [DELIVERY_HEADER]: parsedEvent.data.id,
  };
  if (options.secret) {
    const now = (options.now ?? (() => new Date()))();
    headers[SIGNATURE_HEADER] = signWebhookBody(options.secret, body, now.getTime() / 1000);
  }

  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  try {
    // What undici's request(url, { dispatcher }) does with a URL already checked to be http(s).
    const target = new URL(url);
    const path = target.search ? `${target.pathname}${target.search}` : target.pathname;
    const res = await agent.request({ origin: target.origin, path, method: 'POST', headers, body, signal: abort.signal });
    const text = await readCapped(res.body, MAX_ERROR_BODY_BYTES);
    const status = res.statusCode;
    if (status >= 200 && status < 300) return { ok: true, status, format, response_time: elapsed() };
    const detail = text.trim() ? `: ${truncate(text.trim().replace(/\s+/g, ' '), 200)}` : '';
    if (status >= 300 && status < 400) return fail(`receiver answered HTTP ${status} (redirects are not followed)${detail}`, false, status);
    const retryable = status === 408 || status === 429 || status >= 500;
    return fail(`receiver answered HTTP ${status}${detail}`, retryable, status);
  } catch (err) {
    if (refused) return fail(refused.message, refused.retryable);
    if (abort.signal.aborted) return fail(`webhook delivery timed out after ${timeoutMs} ms`, true);
    return fail(describeNetworkError(err), true);
  } finally {
    clearTimeout(timer);
    await agent.destroy().catch(() => undefined);
  }
}

function buildBody(event: WebhookEvent, format: WebhookFormat, options: WebhookOptions): string {
  if (format === 'generic') return JSON.stringify(event);
  const notification = notificationSchema.parse({ kind: event.type, data: { ...event.data, project: event.project } });
  const composed = composeNotification(notification.kind, notification.data, {
    language: options.language ?? 'ko',
    timezone: options.timezone ?? 'Asia/Seoul',
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
  });
  return JSON.stringify(format === 'slack' ? slackPayload(composed) : discordPayload(composed, event.occurred_at));
}

async function readCapped(stream: AsyncIterable<Uint8Array> & { destroy(): void }, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.from(chunk);
    chunks.push(buf.subarray(0, Math.max(0, max - size)));
    size += buf.length;
    if (size >= max) {
      stream.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeNetworkError(err: unknown): string {
  const code = err && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused by the receiver';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection closed by the receiver';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'could not connect to the receiver in time';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'the receiver did not answer in time';
    default:
      return code ? `${message} (${code})` : message;
  }
}
