import type { Channel } from './channel.ts';
import { discordChannel } from './discord.ts';
import { emailChannel } from './email.ts';
import { googleChatChannel } from './google-chat.ts';
import { ntfyChannel } from './ntfy.ts';
import { opsgenieChannel } from './opsgenie.ts';
import { pagerdutyChannel } from './pagerduty.ts';
import { slackChannel } from './slack.ts';
import { teamsChannel } from './teams.ts';
import { telegramChannel } from './telegram.ts';
import { webhookChannel } from './webhook.ts';
import { websocketChannel } from './websocket.ts';

// Every delivery channel, by type: a table, like the API's route table. The notifier (services/notifier.ts
// `deliverVia`) picks the channel of a delivery here; each channel is one file of this folder.

export const channels = {
  email: emailChannel,
  webhook: webhookChannel,
  slack: slackChannel,
  discord: discordChannel,
  teams: teamsChannel,
  telegram: telegramChannel,
  google_chat: googleChatChannel,
  ntfy: ntfyChannel,
  pagerduty: pagerdutyChannel,
  opsgenie: opsgenieChannel,
  websocket: websocketChannel,
} satisfies Record<string, Channel<unknown>>;

export type ChannelType = keyof typeof channels;
export const channelTypes = Object.keys(channels) as ChannelType[];

/** The providers a user can configure as a notification channel (WebSocket push is built in). */
export const providerTypes = [
  'email',
  'webhook',
  'slack',
  'discord',
  'teams',
  'telegram',
  'google_chat',
  'ntfy',
  'pagerduty',
  'opsgenie',
] as const satisfies readonly ChannelType[];
export type ProviderType = (typeof providerTypes)[number];
