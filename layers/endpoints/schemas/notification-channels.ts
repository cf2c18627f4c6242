import * as z from 'zod';
import { providerTypes } from '../../services/notifications/channels/index.ts';
import { timeZone, timestamp } from './common.ts';

const settingsDoc =
  'Provider settings (unknown fields refused): email {address}; webhook {url, secret?}; slack, discord, teams, google_chat {webhook_url}; ' +
  'telegram {bot_token, chat_id, message_thread_id?, api_url?}; ntfy {topic, server_url?, access_token?}; pagerduty {routing_key, events_url?}; ' +
  'opsgenie {api_key, region?: us|eu, api_url?}. Secrets are write-only: on PUT, leave one out or send back its mask to keep it.';

export const channelBody = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100),
  type: z.enum(providerTypes),
  settings: z.record(z.string(), z.unknown()).describe(settingsDoc),
  language: z.enum(['ko', 'en']).nullable().default(null).describe("language of the messages; null: the project owner's"),
  timezone: timeZone.nullable().default(null).describe("time zone of dates in the messages; null: the project owner's"),
  is_enabled: z.boolean().default(true),
});

export const channelResponse = z.object({
  id: z.number().int(),
  name: z.string(),
  type: z.string(),
  settings: z.record(z.string(), z.unknown()).describe('secret fields masked'),
  secret_fields: z.array(z.string()),
  language: z.enum(['ko', 'en']).nullable(),
  timezone: z.string().nullable(),
  is_enabled: z.boolean(),
  created_by: z.number().int().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const channelTestResponse = z.object({
  channel_id: z.number().int(),
  outbox_id: z.number().int(),
  status: z.enum(['sent', 'failed', 'pending']).describe('pending: no outcome within 20 s; the delivery log will have it'),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  attempted_at: timestamp.nullable(),
});
