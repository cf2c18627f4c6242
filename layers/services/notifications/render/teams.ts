import type { ComposedNotification, Tone } from '../compose.ts';
import { truncate } from '../format.ts';

// Microsoft Teams through a Workflows webhook ("post to a channel when a webhook request is
// received"): a message whose one attachment is an Adaptive Card (schema 1.4).

const toneColors: Record<Tone, string> = { outage: 'Attention', recovery: 'Good', warning: 'Warning', info: 'Accent' };

/** TextBlocks read a subset of Markdown: user text must not turn into links, emphasis or lists. */
export function teamsEscape(text: string): string {
  return text.replace(/([\\`*_[\]()#>~|-])/g, '\\$1');
}

export function teamsCard(n: ComposedNotification): Record<string, unknown> {
  const body: unknown[] = [
    { type: 'TextBlock', text: teamsEscape(n.subject), weight: 'Bolder', size: 'Medium', color: toneColors[n.tone], wrap: true, style: 'heading' },
    { type: 'TextBlock', text: teamsEscape(n.summary), wrap: true },
    { type: 'FactSet', facts: n.fields.map((f) => ({ title: truncate(f.label, 100), value: teamsEscape(truncate(f.value, 1000)) })) },
  ];
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body,
          ...(n.link ? { actions: [{ type: 'Action.OpenUrl', title: n.link.label, url: n.link.url }] } : {}),
        },
      },
    ],
  };
}
