import * as z from 'zod';
import { validateTargetUrl } from '../checks/ssrf.ts';
import { DomainError, invalid, notFound, type FieldError } from '../errors.ts';
import * as repo from '../repositories/notification-channels.ts';
import * as outbox from '../repositories/outbox.ts';
import { findUserById } from '../repositories/users.ts';
import type { Actor, ServiceContext } from './context.ts';
import type { Channel } from './notifications/channels/channel.ts';
import { channels, type ProviderType } from './notifications/channels/index.ts';
import { dispatchOutbox, leaseUntil } from './recorder.ts';

// Notification channels (issue 15): a provider and its settings, shared by the projects that list
// them. Secrets in the settings are write-only: every answer shows them masked, and a PUT that
// leaves one out (or sends the mask back) keeps the stored value.

export interface ChannelInput {
  name: string;
  type: ProviderType;
  settings: Record<string, unknown>;
  language: 'ko' | 'en' | null;
  timezone: string | null;
  is_enabled: boolean;
}

export interface ChannelView extends Omit<repo.ChannelRow, 'settings'> {
  settings: Record<string, unknown>;
  /** Which settings are secrets (shown masked, never returned). */
  secret_fields: readonly string[];
}

/** How long a test waits for its delivery's outcome before answering `pending`. */
export const TEST_WAIT_MS = 20_000;

const channelOf = (type: string): Channel<unknown> | undefined =>
  Object.hasOwn(channels, type) && type !== 'websocket' ? channels[type as ProviderType] : undefined;

/** `****` and the last four characters of a long token; a URL keeps its origin. */
export function maskSecret(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '****';
  if (URL.canParse(value)) {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return `${u.origin}/****`;
  }
  return value.length >= 16 ? `****${value.slice(-4)}` : '****';
}

function view(row: repo.ChannelRow): ChannelView {
  const secrets = channelOf(row.type)?.secrets ?? [];
  const settings = { ...row.settings };
  for (const key of secrets) if (settings[key] !== undefined) settings[key] = maskSecret(settings[key]);
  return { ...row, settings, secret_fields: secrets };
}

function settingsErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((i) => {
    const at = ['settings', ...i.path.map(String)].join('.');
    // An unknown field is named itself, so the caller sees which one.
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ field: `${at}.${k}`, message: 'unknown field' }));
    return [{ field: at, message: i.message }];
  });
}

/** Parses settings with the provider's schema and applies the SSRF policy to its URLs. */
export function checkSettings(ctx: ServiceContext, type: string, settings: Record<string, unknown>): Record<string, unknown> {
  const channel = channelOf(type);
  if (!channel) throw invalid('type', `unknown channel type ${type}`);
  const parsed = channel.settings.safeParse(settings);
  if (!parsed.success) {
    const errors = settingsErrors(parsed.error);
    throw new DomainError('VALIDATION', `${errors[0]?.field ?? 'settings'}: ${errors[0]?.message ?? 'invalid'}`, { errors });
  }
  for (const t of channel.targets?.(parsed.data) ?? []) {
    const verdict = validateTargetUrl(t.url, { allowPrivateTargets: ctx.config.ALLOW_PRIVATE_TARGETS });
    if (!verdict.ok) throw invalid(`settings.${t.field}`, verdict.reason);
  }
  return parsed.data as Record<string, unknown>;
}

export async function listChannels(ctx: ServiceContext, page: number, size: number) {
  const { rows, total } = await repo.listChannels(ctx.sql, size, (page - 1) * size);
  return { items: rows.map(view), total, page, size, pages: Math.ceil(total / size) };
}

export async function getChannel(ctx: ServiceContext, id: number): Promise<ChannelView> {
  const row = await repo.getChannel(ctx.sql, id);
  if (!row) throw notFound('notification channel');
  return view(row);
}

export async function createChannel(ctx: ServiceContext, actor: Actor, input: ChannelInput): Promise<ChannelView> {
  const settings = checkSettings(ctx, input.type, input.settings);
  return view(await repo.insertChannel(ctx.sql, { ...input, settings }, actor.id));
}

export async function updateChannel(ctx: ServiceContext, id: number, input: ChannelInput): Promise<ChannelView> {
  const row = await ctx.sql.begin(async (tx) => {
    const current = await repo.lockChannel(tx, id);
    if (!current) throw notFound('notification channel');
    const settings = { ...input.settings };
    if (current.type === input.type) {
      for (const key of channelOf(current.type)?.secrets ?? []) {
        const stored = current.settings[key];
        if (stored !== undefined && (settings[key] === undefined || settings[key] === maskSecret(stored))) settings[key] = stored;
      }
    }
    return repo.updateChannel(tx, id, { ...input, settings: checkSettings(ctx, input.type, settings) });
  });
  if (!row) throw notFound('notification channel');
  return view(row);
}

export async function deleteChannel(ctx: ServiceContext, id: number): Promise<void> {
  if (!(await repo.deleteChannel(ctx.sql, id))) throw notFound('notification channel');
}

export interface TestOutcome {
  channel_id: number;
  outbox_id: number;
  /** sent, failed, or pending when the outcome did not arrive in time (the delivery log will have it). */
  status: 'sent' | 'failed' | 'pending';
  status_code: number | null;
  error: string | null;
  attempted_at: Date | null;
}

/**
 * Sends a test message through the outbox (the same path, delivery log and provider code as an
 * alert, but never retried) and waits for the notifier's report.
 */
export async function testChannel(ctx: ServiceContext, actor: Actor, id: number, waitMs = TEST_WAIT_MS): Promise<TestOutcome> {
  const channel = await repo.getChannel(ctx.sql, id);
  if (!channel) throw notFound('notification channel');
  const user = await findUserById(ctx.sql, actor.id);
  const now = ctx.clock.now();
  const payload = {
    kind: 'test',
    data: { project: null, channel_name: channel.name, requested_by: user?.name || actor.email, requested_at: now.toISOString() },
    options: { language: channel.language ?? user?.language ?? 'ko', timezone: channel.timezone ?? user?.timezone ?? 'Asia/Seoul' },
    alert_id: null,
    occurred_at: now.toISOString(),
    settings: channel.settings,
    test: true,
    alert_key: `py-monitor/channel-${id}/test-${now.getTime()}`,
  };
  const [row] = await ctx.sql.begin((tx) =>
    outbox.insertOutbox(tx, [{ alert_id: null, project_id: null, channel: channel.type, channel_id: id, target: `channel:${id}`, payload }], leaseUntil(now)),
  );
  if (!row) throw new DomainError('INTERNAL', 'could not queue the test message');
  await dispatchOutbox(ctx, [row]);
  const deadline = Date.now() + waitMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    const a = await outbox.latestAttempt(ctx.sql, row.id);
    if (a && a.attempts > 0) {
      return { channel_id: id, outbox_id: row.id, status: a.ok ? 'sent' : 'failed', status_code: a.status_code, error: a.error, attempted_at: a.attempted_at };
    }
    if (Date.now() + delay > deadline) break;
    await new Promise((r) => setTimeout(r, delay));
  }
  return { channel_id: id, outbox_id: row.id, status: 'pending', status_code: null, error: null, attempted_at: null };
}
