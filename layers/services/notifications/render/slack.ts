import { shortLine, type ComposedNotification } from '../compose.ts';
import { truncate } from '../format.ts';

// Slack Block Kit: a header, the summary, the fields in sections of at most ten, and the dashboard link.

/** Slack's mrkdwn treats &, < and > as control characters (links, @channel mentions). */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackPayload(n: ComposedNotification): { text: string; blocks: unknown[] } {
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(n.subject, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(slackEscape(n.summary), 3000) } },
  ];
  // A section holds at most 10 fields of 2000 characters.
  for (let i = 0; i < n.fields.length; i += 10) {
    blocks.push({
      type: 'section',
      fields: n.fields.slice(i, i + 10).map((f) => {
        const value = f.code ? `\`${f.value.replace(/`/g, "'")}\`` : slackEscape(f.value);
        return { type: 'mrkdwn', text: truncate(`*${slackEscape(f.label)}*\n${value}`, 2000) };
      }),
    });
  }
  if (n.link) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${n.link.url}|${slackEscape(n.link.label)}>` }] });
  }
  return { text: slackEscape(shortLine(n)), blocks };
}
