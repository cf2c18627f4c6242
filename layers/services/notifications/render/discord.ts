import { shortLine, type ComposedNotification, type Tone } from '../compose.ts';
import { truncate } from '../format.ts';

// Discord webhook message: the one-line summary as content and one embed coloured by tone.

export const toneColorValues: Record<Tone, number> = { outage: 0xd93025, recovery: 0x1e8e3e, warning: 0xf9ab00, info: 0x1a73e8 };

export function discordPayload(n: ComposedNotification, occurredAt: string): Record<string, unknown> {
  return {
    content: truncate(shortLine(n), 2000),
    // Titles and messages are user text: never let them ping @everyone, roles or users.
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: truncate(n.subject, 256),
        description: truncate(n.summary, 4096),
        color: toneColorValues[n.tone],
        ...(n.link ? { url: n.link.url } : {}),
        fields: n.fields.slice(0, 25).map((f) => ({
          name: truncate(f.label, 256),
          value: truncate(f.code ? `\`${f.value.replace(/`/g, "'")}\`` : f.value, 1024) || '-',
          inline: f.value.length <= 40,
        })),
        timestamp: occurredAt,
        footer: { text: 'Py_Monitor' },
      },
    ],
  };
}
