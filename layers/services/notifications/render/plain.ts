import type { ComposedNotification } from '../compose.ts';

// Plain text for push services that show a title and a body (ntfy): the summary, then one line per field.

export function plainBody(n: ComposedNotification): string {
  return [n.summary, '', ...n.fields.map((f) => `${f.label}: ${f.value}`)].join('\n');
}
