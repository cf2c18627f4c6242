// Ports: what services need from the platform. Each has an aws/ and a local/ adapter;
// services receive them in their context and never import an adapter. This file imports nothing:
// checks, repositories and services all stand above it.

/** Logical queues of the check pipeline. */
export type QueueName = 'checks' | 'browser' | 'results' | 'notifications' | 'tools';

export interface QueueMessage {
  body: unknown;
  /** 0-900 seconds, like SQS DelaySeconds. */
  delaySeconds?: number;
  /** Used for de-duplication where the adapter supports it (and as the SQS batch entry id). */
  id?: string;
}

export interface Queue {
  send(queue: QueueName, messages: QueueMessage[]): Promise<void>;
}

/** Result of a push to one WebSocket connection: `gone` means the connection no longer exists. */
export type PushOutcome = 'ok' | 'gone';

export interface Push {
  post(connectionId: string, data: unknown): Promise<PushOutcome>;
  /** Closes the connection from the server's side (its session ended); a gone one is not an error. */
  close(connectionId: string): Promise<void>;
}

export interface WsConnection {
  connectionId: string;
  userId: number;
  connectedAt: string;
  /** The token version of the session that opened it (absent on records from before: 0). */
  tokenVersion?: number | undefined;
}

/** Where WebSocket connections and their project subscriptions live (DynamoDB on AWS, memory locally). */
export interface ConnectionStore {
  add(connection: WsConnection): Promise<void>;
  remove(connectionId: string): Promise<void>;
  get(connectionId: string): Promise<WsConnection | undefined>;
  subscribe(connectionId: string, projectId: number): Promise<void>;
  unsubscribe(connectionId: string, projectId: number): Promise<void>;
  /** Connections of one user. */
  byUser(userId: number): Promise<WsConnection[]>;
  /** Connection ids subscribed to one project. */
  byProject(projectId: number): Promise<string[]>;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export interface Cache {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Increments a counter, creating it with the TTL when absent; returns the new value and its remaining TTL. */
  incr(key: string, ttlSeconds: number): Promise<{ value: number; ttlSeconds: number }>;
  close(): Promise<void>;
}

export interface Blobs {
  put(key: string, data: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<{ data: Uint8Array; contentType: string } | undefined>;
  /** Removes blobs (retention); a key that is not there is no error. Absent where the store expires them itself (S3 lifecycle). */
  delete?(keys: string[]): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

/**
 * Remembers which outbox deliveries already went out, so a redelivered queue message is not sent
 * twice (DynamoDB on AWS, where the notifier has no database; the database locally, so it survives a crash).
 */
export interface DeliveryLog {
  wasDelivered(outboxId: number): Promise<boolean>;
  markDelivered(outboxId: number): Promise<void>;
}

/**
 * Has the tools function (outside the VPC) run one tools-page probe and returns its answer as sent:
 * the in-VPC API's way to the probes on AWS, by the tools queue (services/queued-answers.ts).
 */
export interface ToolInvoker {
  invoke(tool: { name: string; input: unknown }): Promise<unknown>;
}

/**
 * Runs one browser job directly and returns its result: printing a report page to PDF. The local
 * Chromium pool, or on AWS the browser container function by its queue (services/queued-answers.ts). (Checks,
 * screenshots and journeys on demand go by the browser queue as jobs: services/jobs.ts.)
 */
export interface BrowserRunner {
  run(job: unknown): Promise<unknown>;
}

/**
 * The process's own metrics (event loop lag, memory, queue depth, checks in flight) in the
 * Prometheus text format. Each process keeps its own: on AWS, each container of the function serving /metrics.
 */
export interface ProcessMetrics {
  render(): Promise<string>;
}

/** How busy an in-process queue is (the local runner's; SQS reports its own to CloudWatch). */
export interface QueueStats {
  /** Messages waiting, delayed ones included. */
  waiting(queue: QueueName): number;
  /** Messages being handled now. */
  inFlight(queue: QueueName): number;
}

/** A read-only SQLite database (another tool's, such as Uptime Kuma's), queried with bound parameters. */
export interface SqliteDatabase {
  all<T>(sql: string, params?: unknown[]): T[];
  close(): void;
}

/**
 * Opens SQLite databases read-only: a file on this machine, or the bytes of an uploaded one (held in
 * memory). Locally better-sqlite3; not bound on AWS, whose functions bundle no native module.
 */
export interface SqliteFiles {
  open(source: string | Uint8Array): SqliteDatabase;
}
