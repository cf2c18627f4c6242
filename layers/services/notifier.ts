import * as z from 'zod';
import type { ConnectionStore, DeliveryLog, Logger, Mailer, Push, Queue } from '../platform/ports.ts';
import { alertKeyOf } from './notifications/alert-key.ts';
import type { Channel, ChannelEnv, Delivery, DeliveryOutcome } from './notifications/channels/channel.ts';
import { channels, channelTypes, type ChannelType } from './notifications/channels/index.ts';
import { pushTo } from './notifications/channels/websocket.ts';
import { deliveryKinds, notificationSchema } from './notifications/kinds.ts';
import type { NotifyMessage, ResultMessageInput } from './messages.ts';

/** The notifier runs outside the VPC on AWS: it delivers and reports outcomes on the results queue. */
export interface NotifierContext {
  queue: Queue;
  mailer: Mailer;
  push: Push;
  connections: ConnectionStore;
  deliveries: DeliveryLog;
  log: Logger;
  allowPrivateTargets: boolean;
  /** Config DNS_SERVERS: channel hosts resolve through them, as every probe's do. */
  dnsServers?: string[] | undefined;
  publicUrl?: string | undefined;
}

/** What an outbox row carries to the notifier (it has no database on AWS). */
const payloadSchema = z.object({
  kind: z.enum(deliveryKinds),
  data: z.record(z.string(), z.unknown()),
  options: z.object({ language: z.enum(['ko', 'en']), timezone: z.string() }),
  alert_id: z.number().int().nullable(),
  occurred_at: z.iso.datetime({ offset: true }).optional(),
  /** The channel's settings, secrets included; absent on rows for a project's alert_email and webhook_url. */
  settings: z.record(z.string(), z.unknown()).optional(),
  /** webhook_url rows: the project's signing key. */
  secret: z.string().optional(),
  alert_key: z.string().optional(),
});
type Payload = z.output<typeof payloadSchema>;
type Deliver = Extract<NotifyMessage, { type: 'deliver' }>;

/** A project's alert_email, webhook_url and push rows carry their destination in `target`. */
function settingsOf(m: Deliver, p: Payload): unknown {
  if (p.settings) return p.settings;
  switch (m.channel) {
    case 'email':
      return { address: m.target };
    case 'webhook':
      return { url: m.target, ...(p.secret ? { secret: p.secret } : {}) };
    case 'websocket': {
      const [projectId, userId] = m.target.split(':').map(Number);
      return { project_id: projectId || null, user_id: userId || null };
    }
    default:
      return undefined;
  }
}

async function deliver(c: NotifierContext, m: Deliver): Promise<DeliveryOutcome> {
  // A payload that does not parse will never deliver: a permanent failure, not a retry loop.
  const p = payloadSchema.safeParse(m.payload);
  const n = p.success ? notificationSchema.safeParse({ kind: p.data.kind, data: p.data.data }) : undefined;
  if (!p.success || !n?.success || !(channelTypes as string[]).includes(m.channel)) {
    return { ok: false, error: 'malformed notification payload', retryable: false };
  }
  const env: ChannelEnv = {
    allowPrivateTargets: c.allowPrivateTargets,
    dnsServers: c.dnsServers,
    mailer: c.mailer,
    push: c.push,
    connections: c.connections,
    log: c.log,
  };
  const projectId = n.data.data.project?.id ?? null;
  return deliverVia(
    m.channel as ChannelType,
    settingsOf(m, p.data),
    {
      id: `outbox-${m.outbox_id}`,
      notification: n.data,
      occurredAt: p.data.occurred_at ? new Date(p.data.occurred_at) : new Date(),
      language: p.data.options.language,
      timezone: p.data.options.timezone,
      publicUrl: c.publicUrl,
      alertId: p.data.alert_id,
      alertKey: p.data.alert_key ?? alertKeyOf(projectId, n.data.kind),
    },
    env,
  );
}

/** Checks the settings a delivery carries and sends it; settings that do not parse never will: a permanent failure. */
export async function deliverVia(type: ChannelType, settings: unknown, delivery: Delivery, env: ChannelEnv): Promise<DeliveryOutcome> {
  const channel: Channel<unknown> = channels[type];
  const parsed = channel.settings.safeParse(settings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `invalid ${type} settings: ${issue ? `${issue.path.join('.') || 'settings'}: ${issue.message}` : 'unknown'}`, retryable: false };
  }
  return channel.send(delivery, parsed.data, env);
}

/** Closes the WebSockets of sessions that ended and forgets them, so nothing more is pushed to them. */
async function closeSessions(c: NotifierContext, userId: number, belowVersion: number | null): Promise<void> {
  const ended = (await c.connections.byUser(userId)).filter((conn) => belowVersion === null || (conn.tokenVersion ?? 0) < belowVersion);
  await Promise.all(
    ended.map(async ({ connectionId }) => {
      await c.connections.remove(connectionId);
      await c.push.close(connectionId).catch((err: unknown) =>
        c.log.warn('closing a WebSocket failed', { connectionId, error: err instanceof Error ? err.message : String(err) }),
      );
    }),
  );
}

/** One message of the notifications queue: a delivery, a status push, or closing a user's sessions. */
export async function handleNotifyMessage(c: NotifierContext, m: NotifyMessage): Promise<void> {
  if (m.type === 'status') {
    await pushTo(c, await c.connections.byProject(m.project_id), m.payload);
    return;
  }
  if (m.type === 'close_sessions') return closeSessions(c, m.user_id, m.below_version);
  let outcome: DeliveryOutcome;
  if (await c.deliveries.wasDelivered(m.outbox_id)) {
    outcome = { ok: true };
  } else {
    outcome = await deliver(c, m);
    if (outcome.ok) await c.deliveries.markDelivered(m.outbox_id);
  }
  const report: ResultMessageInput = {
    type: 'delivery',
    outbox_id: m.outbox_id,
    ok: outcome.ok,
    retryable: outcome.ok ? false : outcome.retryable,
    status_code: outcome.status ?? null,
    error: outcome.ok ? null : outcome.error,
    retry_after_seconds: outcome.ok ? null : (outcome.retryAfterSeconds ?? null),
    at: new Date().toISOString(),
  };
  await c.queue.send('results', [{ body: report }]);
}
