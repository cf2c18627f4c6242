import { shortLine, type ComposedNotification } from '../compose.ts';
import { escapeHtml, truncate } from '../format.ts';

// Google Chat incoming webhook: a card (cardsV2) with a header, the summary, one decorated text per
// field and the dashboard button; `text` is the one-line fallback notifications show.

export function googleChatMessage(n: ComposedNotification): Record<string, unknown> {
  const sections: unknown[] = [
    { widgets: [{ textParagraph: { text: escapeHtml(n.summary) } }] },
    { widgets: n.fields.map((f) => ({ decoratedText: { topLabel: escapeHtml(f.label), text: escapeHtml(truncate(f.value, 1000)), wrapText: true } })) },
  ];
  if (n.link) sections.push({ widgets: [{ buttonList: { buttons: [{ text: n.link.label, onClick: { openLink: { url: n.link.url } } }] } }] });
  return {
    // Plain text in Chat reads *bold* and <url|text>; the short line is plain on purpose.
    text: shortLine(n).replace(/([*_~`<>])/g, ' '),
    cardsV2: [
      {
        cardId: `py-monitor-${n.kind}`,
        card: {
          header: { title: truncate(n.subject, 200), ...(n.project ? { subtitle: truncate(n.project.title, 200) } : {}) },
          sections,
        },
      },
    ],
  };
}
