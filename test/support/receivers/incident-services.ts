import * as z from 'zod';
import type { PlayService } from './provider-double.ts';

// Loopback stand-ins for the two incident services, with their state: which alerts are open.

const pdTrigger = z.strictObject({
  routing_key: z.string().length(32),
  event_action: z.literal('trigger'),
  dedup_key: z.string().min(1).max(255).optional(),
  payload: z.strictObject({
    summary: z.string().min(1).max(1024),
    source: z.string().min(1).max(255),
    severity: z.enum(['critical', 'error', 'warning', 'info']),
    timestamp: z.iso.datetime({ offset: true }).optional(),
    component: z.string().optional(),
    group: z.string().optional(),
    class: z.string().optional(),
    custom_details: z.record(z.string(), z.unknown()).optional(),
  }),
  client: z.string().optional(),
  client_url: z.string().optional(),
  links: z.array(z.object({ href: z.string(), text: z.string() })).optional(),
  images: z.array(z.unknown()).optional(),
});
const pdResolve = z.strictObject({
  routing_key: z.string().length(32),
  event_action: z.enum(['acknowledge', 'resolve']),
  dedup_key: z.string().min(1).max(255),
});

export interface PagerDutyState {
  /** Open alerts by dedup_key. */
  open: Map<string, z.infer<typeof pdTrigger>>;
  resolved: string[];
  play: PlayService;
}

/** PagerDuty Events API v2 (POST /v2/enqueue): 202 for an accepted event, 400 "invalid event". */
export function pagerDutyService(routingKey: string): PagerDutyState {
  const state: PagerDutyState = {
    open: new Map(),
    resolved: [],
    play(req) {
      if (req.method !== 'POST' || req.path !== '/v2/enqueue') return { status: 404, body: 'Not Found' };
      if (!req.headers['content-type']?.startsWith('application/json')) return { status: 400, body: { status: 'invalid event', message: 'Content-Type must be application/json' } };
      const json = req.json() as { event_action?: unknown };
      const parsed = json.event_action === 'trigger' ? pdTrigger.safeParse(json) : pdResolve.safeParse(json);
      if (!parsed.success) {
        return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) } };
      }
      const event = parsed.data;
      if (event.routing_key !== routingKey) return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: ['Invalid routing key'] } };
      const key = event.dedup_key ?? `generated-${state.open.size + 1}`;
      if (event.event_action === 'trigger') state.open.set(key, event as z.infer<typeof pdTrigger>);
      else if (event.event_action === 'resolve' && state.open.delete(key)) state.resolved.push(key);
      return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: key } };
    },
  };
  return state;
}

const ogCreate = z.strictObject({
  message: z.string().min(1).max(130),
  alias: z.string().max(512).optional(),
  description: z.string().max(15000).optional(),
  responders: z.array(z.unknown()).optional(),
  tags: z.array(z.string()).max(20).optional(),
  details: z.record(z.string(), z.string()).optional(),
  entity: z.string().max(512).optional(),
  source: z.string().max(100).optional(),
  priority: z.enum(['P1', 'P2', 'P3', 'P4', 'P5']).optional(),
  user: z.string().optional(),
  note: z.string().optional(),
});
const ogClose = z.strictObject({ user: z.string().optional(), source: z.string().optional(), note: z.string().optional() });

export interface OpsgenieState {
  open: Map<string, z.infer<typeof ogCreate>>;
  closed: string[];
  play: PlayService;
}

/** Opsgenie Alert API: GenieKey auth, 202 "Request will be processed", 422 for a body it cannot process. */
export function opsgenieService(apiKey: string): OpsgenieState {
  const answer = (status: number, extra: object = {}) => ({ status, body: { took: 0.01, requestId: '43a29c5c-3dbf-4fa4-9c26-f4f71023e120', ...extra } });
  const state: OpsgenieState = {
    open: new Map(),
    closed: [],
    play(req) {
      if (req.headers['authorization'] !== `GenieKey ${apiKey}`) return answer(401, { message: 'Could not authenticate' });
      const url = new URL(req.path, 'http://x');
      if (req.method === 'POST' && url.pathname === '/v2/alerts') {
        const alert = ogCreate.safeParse(req.json());
        if (!alert.success) return answer(422, { message: 'Request body is not processable. Please check the errors.', errors: { body: alert.error.issues[0]?.message } });
        state.open.set(alert.data.alias ?? alert.data.message, alert.data);
        return answer(202, { result: 'Request will be processed' });
      }
      const close = /^\/v2\/alerts\/([^/]+)\/close$/.exec(url.pathname);
      if (req.method === 'POST' && close) {
        if (url.searchParams.get('identifierType') !== 'alias' || !ogClose.safeParse(req.json()).success) return answer(422, { message: 'Request body is not processable.' });
        const alias = decodeURIComponent(close[1]!);
        if (state.open.delete(alias)) state.closed.push(alias);
        return answer(202, { result: 'Request will be processed' });
      }
      return answer(404, { message: 'Not found' });
    },
  };
  return state;
}
