import * as z from 'zod';
import type { ConnectionStore, Logger, Push } from '../../../platform/ports.ts';
import { composeParsed } from '../compose.ts';
import { defineChannel } from './channel.ts';

// WebSocket push (spec 7.2): the project's subscribers and the owner's open dashboards get the alert
// at once. Nobody connected is not a failure: the alert is in the in-app list.

/** Pushes to each connection; connections that are gone are removed from the store. Returns how many got it. */
export async function pushTo(env: { push: Push; connections: ConnectionStore; log: Logger }, connectionIds: string[], data: unknown): Promise<number> {
  let sent = 0;
  await Promise.all(
    connectionIds.map(async (id) => {
      try {
        if ((await env.push.post(id, data)) === 'gone') await env.connections.remove(id);
        else sent++;
      } catch (err) {
        env.log.warn('push failed', { connectionId: id, error: err instanceof Error ? err.message : String(err) });
      }
    }),
  );
  return sent;
}

export const websocketChannel = defineChannel({
  type: 'websocket',
  settings: z.strictObject({ project_id: z.number().int().positive().nullable(), user_id: z.number().int().positive().nullable() }),
  secrets: [],
  async send(d, s, env) {
    const composed = composeParsed(d.notification, { language: d.language, timezone: d.timezone });
    const ids = new Set<string>();
    if (s.user_id) for (const conn of await env.connections.byUser(s.user_id)) ids.add(conn.connectionId);
    if (s.project_id) for (const id of await env.connections.byProject(s.project_id)) ids.add(id);
    await pushTo(env, [...ids], {
      type: 'alert',
      alert_id: d.alertId,
      alert_type: d.notification.kind,
      severity: composed.severity,
      project_id: s.project_id,
      title: composed.subject,
      message: composed.summary,
    });
    return { ok: true };
  },
});
