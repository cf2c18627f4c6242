import type { Config } from '../config.ts';
import type { ToolEnv, ToolName, ToolResult } from '../checks/index.ts';
import { roleRank, type Language, type Role } from '../model/user.ts';
import type { Sql } from '../repositories/db.ts';
import type { Blobs, BrowserRunner, Cache, Clock, ConnectionStore, DeliveryLog, Logger, Mailer, ProcessMetrics, Push, Queue, SqliteFiles } from '../platform/ports.ts';

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
  tools: ToolRunner;
  /** Direct browser jobs (PDF printing). */
  browser: BrowserRunner;
  clock: Clock;
  log: Logger;
  /** HMAC key for access tokens (HS256). */
  jwtSecret: Uint8Array;
  /** This process's own metrics for GET /metrics; absent where /metrics is off or not served. */
  processMetrics?: ProcessMetrics | undefined;
  /** Reads SQLite files (the Uptime Kuma import); absent on AWS. */
  sqlite?: SqliteFiles | undefined;
}

/**
 * Runs one tools-page probe (layers/checks runTool) in-process, where the internet is reachable:
 * locally and in the tools function on AWS. The in-VPC API function is not bound to it, since API
 * Gateway sends the tools routes to the tools function.
 */
export interface ToolRunner {
  run(name: ToolName, input: unknown, env: ToolEnv): Promise<ToolResult>;
}

/** The signed-in user a request acts as. */
export interface Actor {
  id: number;
  email: string;
  name: string;
  role: Role;
  /** The user's language setting (the API's messages follow it); absent for actors made outside a session. */
  language?: Language;
}

export const hasRole = (actor: Actor, min: Role): boolean => roleRank(actor.role) >= roleRank(min);
