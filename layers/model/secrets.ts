// What of a project is a credential, and how it is shown to those who may not change the project
// (issue 16.5): header values, the webhook URL (for Slack and Discord the URL is the secret), the alert
// address, and a password written into the project URL. A masked value sent back keeps the stored one.

export const MASK = '****';

/** The URL with the password of its user info replaced by the mask; anything else as given. */
export function maskUrlPassword(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  if (u.password === '') return url;
  u.password = MASK;
  return u.href;
}

/** A webhook URL shows its origin only: `https://hooks.slack.com/...****`. */
export function maskWebhookUrl(url: string): string {
  try {
    return `${new URL(url).origin}/...${MASK}`;
  } catch {
    return MASK;
  }
}

/** `o****@example.com`: enough to tell addresses apart, not to write to one. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at > 0 ? `${email.slice(0, 1)}${MASK}${email.slice(at)}` : MASK;
}

export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((k) => [k, MASK]));
}

/**
 * A project URL as written back: a masked password with the stored URL's user and origin takes the
 * stored password (the path may have changed); anything else is what was sent.
 */
export function restoreUrlPassword(sent: string, stored: string): string {
  let next: URL;
  let old: URL;
  try {
    next = new URL(sent);
    old = new URL(stored);
  } catch {
    return sent;
  }
  if (next.password !== MASK || old.password === '' || next.origin !== old.origin || next.username !== old.username) return sent;
  next.password = old.password;
  return next.href;
}

/** Header values sent back as the mask keep the stored value of the same header (names compared case-insensitively). */
export function restoreHeaders(sent: Record<string, string>, stored: Record<string, string>): Record<string, string> {
  const byName = new Map(Object.entries(stored).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.fromEntries(
    Object.entries(sent).map(([k, v]) => {
      const kept = byName.get(k.toLowerCase());
      return [k, v === MASK && kept !== undefined ? kept : v];
    }),
  );
}

/** A webhook URL or alert address sent back as its mask keeps the stored value. */
export function restoreMasked(sent: string | null, stored: string | null, mask: (v: string) => string): string | null {
  return sent !== null && stored !== null && sent !== stored && mask(stored) === sent ? stored : sent;
}
