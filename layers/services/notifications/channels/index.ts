import type { Channel, ChannelEnv, Delivery, DeliveryOutcome } from './channel.ts';
import { discordChannel } from './discord.ts';
import { emailChannel } from './email.ts';
import { slackChannel } from './slack.ts';
import { webhookChannel } from './webhook.ts';
import { websocketChannel } from './websocket.ts';

// Every delivery channel, by type.

export const channels = {
  email: emailChannel,
  webhook: webhookChannel,
  slack: slackChannel,
  discord: discordChannel,
  websocket: websocketChannel,
} satisfies Record<string, Channel<unknown>>;

export type ChannelType = keyof typeof channels;
export const channelTypes = Object.keys(channels) as ChannelType[];

/** Checks the settings a delivery carries and sends it; settings that do not parse never will: a permanent failure. */
export async function deliverVia(type: ChannelType, settings: unknown, delivery: Delivery, env: ChannelEnv): Promise<DeliveryOutcome> {
  const channel: Channel<unknown> = channels[type];
  const parsed = channel.settings.safeParse(settings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `invalid ${type} settings: ${issue ? `${issue.path.join('.') || 'settings'}: ${issue.message}` : 'unknown'}`, retryable: false };
  }
  return channel.send(delivery, parsed.data, env);
}
