import * as z from 'zod';
import { composeParsed, type Severity } from '../compose.ts';
import { truncate } from '../format.ts';
import { defineChannel, type Delivery } from './channel.ts';
import { deliverHttp } from './http.ts';
import { httpUrlSchema as webUrl } from '../../../checks/schemas.ts';

// Opsgenie Alert API: create an alert with an alias, close it by that alias on recovery
// (POST /v2/alerts/{alias}/close?identifierType=alias). 202 accepted (processed asynchronously);
// 401/403 bad key, 422 an alert it cannot process, 429 later.

const priorities: Record<Severity, string> = { critical: 'P1', warning: 'P3', info: 'P5' };
const apiOf: Record<'us' | 'eu', string> = { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' };

const settings = z.strictObject({
  api_key: z.uuid('must be the API key of an Opsgenie API integration (a UUID)'),
  region: z.enum(['us', 'eu']).default('us'),
  /** Overrides the region's API address (a proxy, or a test double). */
  api_url: webUrl.optional(),
});
type Settings = z.output<typeof settings>;

const base = (s: Settings) => (s.api_url ?? apiOf[s.region]).replace(/\/+$/, '');

function createBody(d: Delivery): Record<string, unknown> {
  const n = composeParsed(d.notification, { language: d.language, timezone: d.timezone, publicUrl: d.publicUrl });
  return {
    message: truncate(n.subject, 130),
    alias: truncate(d.alertKey, 512),
    description: truncate([n.summary, '', ...n.fields.map((f) => `${f.label}: ${f.value}`), ...(n.link ? ['', n.link.url] : [])].join('\n'), 15000),
    tags: ['py-monitor', n.kind],
    details: Object.fromEntries(n.fields.map((f) => [truncate(f.label, 50), truncate(f.value, 500)])),
    ...(n.project ? { entity: truncate(n.project.title, 512) } : {}),
    source: 'Py_Monitor',
    priority: priorities[n.severity],
  };
}

export const opsgenieChannel = defineChannel({
  type: 'opsgenie',
  settings,
  secrets: ['api_key'],
  targets: (s) => (s.api_url ? [{ field: 'api_url', url: s.api_url }] : []),
  async send(d, s, env) {
    const headers = { 'content-type': 'application/json', authorization: `GenieKey ${s.api_key}` };
    const close = () =>
      deliverHttp(
        {
          url: `${base(s)}/v2/alerts/${encodeURIComponent(truncate(d.alertKey, 512))}/close?identifierType=alias`,
          headers,
          body: JSON.stringify({ source: 'Py_Monitor', note: d.notification.kind === 'test' ? 'test message' : 'recovered' }),
        },
        env,
      );
    if (d.notification.kind === 'recovery') return close();
    const created = await deliverHttp({ url: `${base(s)}/v2/alerts`, headers, body: JSON.stringify(createBody(d)) }, env);
    if (d.notification.kind !== 'test' || !created.ok) return created;
    return close();
  },
});
