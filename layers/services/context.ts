import type { Config } from '../config.ts';
import type { Sql } from '../repositories/db.ts';
import type { Blobs, BrowserRunner, Cache, Clock, ConnectionStore, DeliveryLog, Logger, Mailer, Prober, Push, Queue, ToolRunner } from '../platform/ports.ts';

/** Everything a service needs, built once per process (per Lambda container) and passed in. */
export interface ServiceContext {
  config: Config;
  sql: Sql;
  cache: Cache;
  queue: Queue;
  mailer: Mailer;
  blobs: Blobs;
  push: Push;
  connections: ConnectionStore;
  deliveries: DeliveryLog;
  prober: Prober;
  browser: BrowserRunner;
  tools: ToolRunner;
  clock: Clock;
  log: Logger;
  /** HMAC key for access tokens (HS256). */
  jwtSecret: Uint8Array;
}

export const roles = ['viewer', 'user', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];

/** The signed-in user a request acts as. */
export interface Actor {
  id: number;
  email: string;
  name: string;
  role: Role;
}

export const roleRank = (r: Role): number => roles.indexOf(r);
export const hasRole = (actor: Actor, min: Role): boolean => roleRank(actor.role) >= roleRank(min);
