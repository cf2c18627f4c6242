import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import type { Config } from '../../config.ts';
import { clientOptions } from './client-options.ts';

/** The secret Aurora generates and attaches to the cluster. */
export const databaseSecretSchema = z.object({
  username: z.string(),
  password: z.string(),
  host: z.string(),
  port: z.coerce.number().int(),
  dbname: z.string().default('postgres'),
});
export type DatabaseSecret = z.infer<typeof databaseSecretSchema>;

/** The JWT signing key the stack generates: `{"secret": "..."}`. */
export const jwtSecretSchema = z.object({ secret: z.string().min(32) });

/** The /metrics bearer token the stack generates when `prometheusMetrics` is on: `{"token": "..."}`. */
export const metricsTokenSchema = z.object({ token: z.string().min(16) });

export class SecretError extends Error {}

/**
 * Reads JSON secrets, each once per container: the first call fetches and parses, later calls share
 * the result. A failed read is forgotten so the next invocation retries.
 */
export class JsonSecrets {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(private readonly client: SecretsManagerClient) {}

  read<T>(secretId: string, schema: z.ZodType<T>): Promise<T> {
    let pending = this.cache.get(secretId) as Promise<T> | undefined;
    if (!pending) {
      pending = this.fetch(secretId, schema);
      this.cache.set(secretId, pending);
      pending.catch(() => this.cache.delete(secretId));
    }
    return pending;
  }

  private async fetch<T>(secretId: string, schema: z.ZodType<T>): Promise<T> {
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (out.SecretString === undefined) throw new SecretError(`secret ${secretId} has no string value`);
    let json: unknown;
    try {
      json = JSON.parse(out.SecretString);
    } catch {
      throw new SecretError(`secret ${secretId} is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      // Names the fields only: a secret's values never reach a log.
      throw new SecretError(`secret ${secretId} is malformed: ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);
    }
    return parsed.data;
  }
}

/** Aurora's address and credentials, as the database driver takes them (layers/repositories/db.ts). */
export interface DatabaseOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  max: number;
  ssl: boolean;
}

export interface AwsSecrets {
  /** Aurora credentials (TLS on); needs DATABASE_SECRET_ARN. */
  databaseOptions(): Promise<DatabaseOptions>;
  /** The JWT signing key; needs JWT_SECRET_ARN. */
  jwtSecret(): Promise<Uint8Array>;
  /** The /metrics bearer token; needs METRICS_BEARER_TOKEN_ARN. */
  metricsToken(): Promise<string>;
}

/** The secrets a function reads, through one client; each is fetched on first use. */
export function createAwsSecrets(config: Config): AwsSecrets {
  const secrets = new JsonSecrets(new SecretsManagerClient(clientOptions(config)));
  return {
    async databaseOptions() {
      if (!config.DATABASE_SECRET_ARN) throw new Error('DATABASE_SECRET_ARN is not set');
      const s = await secrets.read(config.DATABASE_SECRET_ARN, databaseSecretSchema);
      return { host: s.host, port: s.port, user: s.username, password: s.password, database: s.dbname, max: config.DATABASE_POOL_MAX, ssl: true };
    },
    async jwtSecret() {
      if (!config.JWT_SECRET_ARN) throw new Error('JWT_SECRET_ARN is not set');
      const s = await secrets.read(config.JWT_SECRET_ARN, jwtSecretSchema);
      return new TextEncoder().encode(s.secret);
    },
    async metricsToken() {
      if (!config.METRICS_BEARER_TOKEN_ARN) throw new Error('METRICS_BEARER_TOKEN_ARN is not set');
      return (await secrets.read(config.METRICS_BEARER_TOKEN_ARN, metricsTokenSchema)).token;
    },
  };
}
