import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import type { ConnectionStore, DeliveryLog, Logger, Mailer, Push, Queue } from '../platform/ports.ts';
import { buildEmail, sendEmail } from './notifications/email.ts';
import { composeNotification, notificationKinds, notificationSchema, type Notification } from './notifications/templates.ts';
import { createWebhookEvent, sendWebhook } from './notifications/webhook.ts';
import { notifyMessageSchema, type NotifyMessage, type ResultMessageInput } from './messages.ts';

/** The notifier runs outside the VPC on AWS: it delivers and reports outcomes on the results queue. */
export interface NotifierContext {
  queue: Queue;
  mailer: Mailer;
  push: Push;
  connections: ConnectionStore;
  deliveries: DeliveryLog;
  log: Logger;
  allowPrivateTargets: boolean;
  /** Config DNS_SERVERS: webhook hosts resolve through them, as every probe's do. */
  dnsServers?: string[] | undefined;
  publicUrl?: string | undefined;
}

const payloadSchema = z.object({
  kind: z.enum(notificationKinds),
  data: z.record(z.string(), z.unknown()),
  options: z.object({ language: z.enum(['ko', 'en']), timezone: z.string() }),
  alert_id: z.number().int(),
  occurred_at: z.iso.datetime({ offset: true }).optional(),
  secret: z.string().optional(),
});
type Payload = z.output<typeof payloadSchema>;

type Outcome = { ok: true; status_code?: number } | { ok: false; error: string; retryable: boolean; status_code?: number };

/** Pushes to each connection; connections that are gone are removed from the store. */
async function pushTo(c: NotifierContext, connectionIds: string[], data: unknown): Promise<number> {
  let sent = 0;
  await Promise.all(
    connectionIds.map(async (id) => {
      try {
        if ((await c.push.post(id, data)) === 'gone') await c.connections.remove(id);
        else sent++;
      } catch (err) {
        c.log.warn('push failed', { connectionId: id, error: err instanceof Error ? err.message : String(err) });
      }
    }),
  );
  return sent;
}

async function deliverPayload(c: NotifierContext, m: Extract<NotifyMessage, { type: 'deliver' }>, p: Payload, n: Notification): Promise<Outcome> {
  const { kind, data } = n;
  switch (m.channel) {
    case 'email': {
      const message = buildEmail(kind, data as never, {
        email: m.target,
        language: p.options.language,
        timezone: p.options.timezone,
        ...(c.publicUrl ? { publicUrl: c.publicUrl } : {}),
      });
      return sendEmail(c.mailer, message);
    }
    case 'webhook': {
      const event = createWebhookEvent(n, {
        id: `outbox-${m.outbox_id}`,
        ...(p.occurred_at ? { occurredAt: new Date(p.occurred_at) } : {}),
      });
      const r = await sendWebhook(m.target, event, {
        secret: p.secret,
        allowPrivateTargets: c.allowPrivateTargets,
        dnsServers: c.dnsServers,
        language: p.options.language,
        timezone: p.options.timezone,
        ...(c.publicUrl ? { publicUrl: c.publicUrl } : {}),
      });
      return r.ok
        ? { ok: true, status_code: r.status }
        : { ok: false, error: r.error, retryable: r.retryable, ...(r.status ? { status_code: r.status } : {}) };
    }
    case 'websocket': {
      const [projectId, userId] = m.target.split(':').map(Number);
      const composed = composeNotification(kind, data as never, p.options);
      const ids = new Set<string>();
      if (userId) for (const conn of await c.connections.byUser(userId)) ids.add(conn.connectionId);
      if (projectId) for (const id of await c.connections.byProject(projectId)) ids.add(id);
      await pushTo(c, [...ids], {
        type: 'alert',
        alert_id: p.alert_id,
        alert_type: kind,
        severity: composed.severity,
        project_id: projectId ?? null,
        title: composed.subject,
        message: composed.summary,
      });
      // Nobody connected is not a failure: the alert is in the in-app list.
      return { ok: true };
    }
  }
}

async function handle(c: NotifierContext, m: NotifyMessage): Promise<void> {
  if (m.type === 'status') {
    await pushTo(c, await c.connections.byProject(m.project_id), m.payload);
    return;
  }
  let outcome: Outcome;
  if (await c.deliveries.wasDelivered(m.outbox_id)) {
    outcome = { ok: true };
  } else {
    // A payload that does not parse will never deliver: a permanent failure, not a retry loop.
    const p = payloadSchema.safeParse(m.payload);
    const n = p.success ? notificationSchema.safeParse({ kind: p.data.kind, data: p.data.data }) : undefined;
    outcome =
      p.success && n?.success
        ? await deliverPayload(c, m, p.data, n.data)
        : { ok: false, error: 'malformed notification payload', retryable: false };
    if (outcome.ok) await c.deliveries.markDelivered(m.outbox_id);
  }
  const report: ResultMessageInput = {
    type: 'delivery',
    outbox_id: m.outbox_id,
    ok: outcome.ok,
    retryable: outcome.ok ? false : outcome.retryable,
    status_code: outcome.status_code ?? null,
    error: outcome.ok ? null : outcome.error,
    at: new Date().toISOString(),
  };
  await c.queue.send('results', [{ body: report }]);
}

/** The notifications queue consumer. */
export async function handleNotifyBatch(c: NotifierContext, event: SQSEvent): Promise<SQSBatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      let message: NotifyMessage;
      try {
        message = notifyMessageSchema.parse(JSON.parse(record.body));
      } catch (err) {
        c.log.error('malformed notification dropped', { messageId: record.messageId, error: err instanceof Error ? err.message : String(err) });
        return;
      }
      try {
        await handle(c, message);
      } catch (err) {
        c.log.error('notification failed', { messageId: record.messageId, error: err instanceof Error ? err.message : String(err) });
        failures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
}
