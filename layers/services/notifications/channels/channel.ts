import type * as z from 'zod';
import type { ConnectionStore, Logger, Mailer, Push } from '../../../platform/ports.ts';
import type { Language } from '../format.ts';
import type { Notification } from '../kinds.ts';

// The one interface every delivery channel implements (email, webhooks, chat apps, paging services,
// WebSocket push): its settings, which of them are secrets, and how it sends one delivery.

/** One notification on its way to one channel. */
export interface Delivery {
  /** Stable across retries of the same delivery (outbox-<id>), so receivers can de-duplicate. */
  id: string;
  notification: Notification;
  occurredAt: Date;
  /** The reader's language and time zone (the project owner's). */
  language: Language;
  timezone: string;
  publicUrl?: string | undefined;
  /** The in-app alert this delivery announces, if any. */
  alertId: number | null;
  /** Ties a problem to its resolution (PagerDuty dedup_key, Opsgenie alias): the same for both. */
  alertKey: string;
}

/** What channels need from the platform; the notifier builds it once. */
export interface ChannelEnv {
  allowPrivateTargets: boolean;
  /** Resolvers for channel URLs (DNS_SERVERS), instead of the system's. */
  dnsServers?: string[] | undefined;
  /** Extra trusted CA certificates (PEM) for receivers behind a private CA. */
  ca?: string[] | undefined;
  /** Bounds one HTTP delivery end to end. Default 10 s. */
  timeoutMs?: number | undefined;
  mailer: Mailer;
  push: Push;
  connections: ConnectionStore;
  log: Logger;
  /** Signature timestamps; tests pin it. */
  now?: (() => Date) | undefined;
}

export type DeliveryOutcome =
  | { ok: true; status?: number }
  | {
      ok: false;
      error: string;
      /** False when trying again cannot help (bad settings, a refused target, a 4xx). */
      retryable: boolean;
      status?: number;
      /** The receiver asked to wait this long (Retry-After, Telegram's retry_after). */
      retryAfterSeconds?: number;
    };

export interface Channel<S = unknown> {
  readonly type: string;
  /** Validates the settings a user saves and the ones a delivery carries. */
  readonly settings: z.ZodType<S>;
  /** Settings that are never shown again once saved (tokens, keys, URLs that embed a secret). */
  readonly secrets: readonly string[];
  send(delivery: Delivery, settings: S, env: ChannelEnv): Promise<DeliveryOutcome>;
  /** The URLs it posts to, by settings field, for the SSRF check when settings are saved. */
  targets?(settings: S): { field: string; url: string }[];
}

/** Declares a channel with its settings type inferred from the schema. */
export function defineChannel<S>(channel: Channel<S>): Channel<S> {
  return channel;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
