import type { ConnectionStore, Logger, Mailer, Push } from '../../layers/platform/ports.ts';
import type { ChannelEnv, Delivery } from '../../layers/services/notifications/channels/channel.ts';
import { notificationSchema, type NotificationInput } from '../../layers/services/notifications/kinds.ts';
import { MemoryConnectionStore, LocalPush } from '../../layers/platform/local/memory-connections.ts';

// Deliveries and a channel environment for channel tests: real in-memory push and connection
// stores, a mailer that refuses (channels that do not mail never call it), loopback allowed.

export const project = { id: 42, title: 'Shop <Main>', url: 'https://shop.example.com' };

export const outage: NotificationInput = {
  kind: 'status_error',
  data: {
    project,
    status_code: 503,
    error_message: 'Service Unavailable',
    response_time_ms: 1234,
    consecutive_failures: 3,
    started_at: '2026-11-24T08:05:00Z',
  },
};

export const recovery: NotificationInput = {
  kind: 'recovery',
  data: { project, started_at: '2026-11-24T08:05:00Z', ended_at: '2026-11-24T08:17:00Z', duration_seconds: 720, status_code: 200, response_time_ms: 180 },
};

export function delivery(n: NotificationInput, overrides: Partial<Delivery> = {}): Delivery {
  return {
    id: 'outbox-7',
    notification: notificationSchema.parse(n),
    occurredAt: new Date('2026-11-24T08:06:00Z'),
    language: 'en',
    timezone: 'UTC',
    alertId: 11,
    alertKey: 'py-monitor/project-42/incident-5',
    ...overrides,
  };
}

const silentLog: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const noMail: Mailer = {
  send: () => Promise.reject(new Error('this channel does not send mail')),
};

export function channelEnv(overrides: Partial<ChannelEnv> & { push?: Push; connections?: ConnectionStore } = {}): ChannelEnv {
  return {
    allowPrivateTargets: true,
    timeoutMs: 5000,
    mailer: noMail,
    push: new LocalPush(),
    connections: new MemoryConnectionStore(),
    log: silentLog,
    ...overrides,
  };
}
