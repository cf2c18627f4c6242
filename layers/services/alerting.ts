import * as alerts from '../repositories/alerts.ts';
import { enabledChannelsOfProject } from '../repositories/notification-channels.ts';
import * as outbox from '../repositories/outbox.ts';
import type { Db } from '../repositories/db.ts';
import { endMaintenance, type AlertContextRow } from '../repositories/monitoring.ts';
import type { OutboxRow } from '../repositories/outbox.ts';
import { alertKeyOf } from './notifications/alert-key.ts';
import { composeNotification } from './notifications/compose.ts';
import type { AlertKind, NotificationDataInput } from './notifications/kinds.ts';
import { inAppMessage } from './notifications/render/email.ts';
import type { Decision } from './alert-rules.ts';
import { leaseUntil } from './outbox.ts';
import type { ServiceContext } from './context.ts';

export interface RaisedNotification {
  alertId: number;
  outbox: OutboxRow[];
}

/**
 * Records one notification inside the caller's transaction: in-app alerts (one per user), and an outbox
 * row per channel (email, webhook, WebSocket, and the project's notification channels). Delivery happens
 * after commit, from the outbox.
 */
export async function raiseNotification<K extends AlertKind>(
  ctx: ServiceContext,
  tx: Db,
  project: AlertContextRow,
  kind: K,
  data: NotificationDataInput<K>,
  opts: { incidentId?: number | null; resolved?: boolean; key?: string } = {},
): Promise<RaisedNotification> {
  const publicUrl = ctx.config.PUBLIC_URL ? { publicUrl: ctx.config.PUBLIC_URL } : {};
  const options = { language: project.owner_language, timezone: project.owner_timezone, ...publicUrl };
  const composed = composeNotification(kind, data, options);
  // In-app alerts: each user reads the alert in their own language and time zone (one text per pair).
  const locales = await alerts.recipientLocales(tx, project.owner_id);
  const texts = locales.map((l) => {
    const c = l.language === options.language && l.timezone === options.timezone ? composed : composeNotification(kind, data, { ...l, ...publicUrl });
    return { ...l, title: c.subject, message: inAppMessage(c) };
  });
  const alert = await alerts.insertAlertForAllUsers(tx, {
    project_id: project.id,
    incident_id: opts.incidentId ?? null,
    type: kind,
    severity: composed.severity,
    data: data as Record<string, unknown>,
    is_resolved: opts.resolved ?? false,
  }, texts, project.owner_id);
  const payload = {
    kind,
    data,
    options,
    alert_id: alert.id,
    occurred_at: alert.created_at.toISOString(),
    alert_key: alertKeyOf(project.id, kind, { incidentId: opts.incidentId, key: opts.key }),
  };
  const rows: Parameters<typeof outbox.insertOutbox>[1] = [];
  const email = project.alert_email ?? (project.owner_email_notifications ? project.owner_email : null);
  if (email) {
    // The project's alert address gets the language of the user who has that address, if any; else the owner's.
    const reader = project.alert_email ? await alerts.localeOfEmail(tx, project.alert_email) : undefined;
    const emailPayload = reader ? { ...payload, options: { ...options, ...reader } } : payload;
    rows.push({ alert_id: alert.id, project_id: project.id, channel: 'email', target: email, payload: emailPayload });
  }
  if (project.webhook_url) {
    rows.push({ alert_id: alert.id, project_id: project.id, channel: 'webhook', target: project.webhook_url, payload: { ...payload, secret: project.webhook_secret } });
  }
  rows.push({ alert_id: alert.id, project_id: project.id, channel: 'websocket', target: `${project.id}:${project.owner_id}`, payload });
  // The project's notification channels: the notifier has no database on AWS, so settings travel along.
  for (const ch of await enabledChannelsOfProject(tx, project.id)) {
    const channelOptions = { ...options, language: ch.language ?? options.language, timezone: ch.timezone ?? options.timezone };
    rows.push({
      alert_id: alert.id,
      project_id: project.id,
      channel: ch.type,
      channel_id: ch.id,
      target: `channel:${ch.id}`,
      payload: { ...payload, options: channelOptions, settings: ch.settings },
    });
  }
  const inserted = await outbox.insertOutbox(tx, rows, leaseUntil(ctx.clock.now()));
  return { alertId: alert.id, outbox: inserted };
}

/**
 * Applies what an alert rule decided, inside the result's transaction: ends a maintenance window that
 * ran out and raises each notification (`incidentId` is the project's current incident, if any).
 */
export async function applyDecision(ctx: ServiceContext, tx: Db, project: AlertContextRow, d: Decision, incidentId: number | null = null): Promise<OutboxRow[]> {
  if (d.endMaintenance) await endMaintenance(tx, project.id);
  const out: OutboxRow[] = [];
  for (const n of d.notifications) {
    const raised = await raiseNotification(ctx, tx, project, n.kind, n.data, {
      incidentId: n.incident ? incidentId : null,
      resolved: n.resolved ?? false,
      ...(n.key !== undefined ? { key: n.key } : {}),
    });
    out.push(...raised.outbox);
  }
  return out;
}
