import * as z from 'zod';
import { composeParsed, type Severity } from '../compose.ts';
import { truncate } from '../format.ts';
import { defineChannel, type Delivery } from './channel.ts';
import { deliverHttp, type HttpEnv } from './http.ts';
import { httpUrlSchema as webUrl } from '../../../checks/schemas.ts';

// PagerDuty Events API v2: an outage triggers an alert, its recovery resolves it with the same
// dedup_key. 202 accepted; 400 "invalid event" (never better on retry); 429 and 5xx later.

const severities: Record<Severity, string> = { critical: 'critical', warning: 'warning', info: 'info' };

const settings = z.strictObject({
  routing_key: z.string().trim().regex(/^[A-Za-z0-9]{32}$/, 'must be the 32-character integration key of an Events API v2 integration'),
  /** The EU service region is events.eu.pagerduty.com. */
  events_url: webUrl.default('https://events.pagerduty.com/v2/enqueue'),
});
type Settings = z.output<typeof settings>;

function post(s: Settings, event: Record<string, unknown>, env: HttpEnv) {
  return deliverHttp({ url: s.events_url, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ routing_key: s.routing_key, ...event }) }, env);
}

function triggerEvent(d: Delivery): Record<string, unknown> {
  const n = composeParsed(d.notification, { language: d.language, timezone: d.timezone, publicUrl: d.publicUrl });
  const source = n.project ? (URL.canParse(n.project.url) ? new URL(n.project.url).host : n.project.url) : 'py-monitor';
  return {
    event_action: 'trigger',
    dedup_key: truncate(d.alertKey, 255),
    payload: {
      summary: truncate(n.subject, 1024),
      source: truncate(source || 'py-monitor', 255),
      severity: severities[n.severity],
      timestamp: d.occurredAt.toISOString(),
      ...(n.project ? { component: truncate(n.project.title, 255) } : {}),
      class: n.kind,
      custom_details: Object.fromEntries([['summary', n.summary], ...n.fields.map((f) => [f.label, f.value])]),
    },
    client: 'Py_Monitor',
    ...(n.link ? { client_url: n.link.url, links: [{ href: n.link.url, text: n.link.label }] } : {}),
  };
}

export const pagerdutyChannel = defineChannel({
  type: 'pagerduty',
  settings,
  secrets: ['routing_key'],
  targets: (s) => [{ field: 'events_url', url: s.events_url }],
  async send(d, s, env) {
    if (d.notification.kind === 'recovery') {
      return post(s, { event_action: 'resolve', dedup_key: truncate(d.alertKey, 255) }, env);
    }
    const triggered = await post(s, triggerEvent(d), env);
    // A test pages nobody for long: the alert it opened is resolved at once.
    if (d.notification.kind !== 'test' || !triggered.ok) return triggered;
    return post(s, { event_action: 'resolve', dedup_key: truncate(d.alertKey, 255) }, env);
  },
});
