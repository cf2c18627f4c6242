import postgres from 'postgres';

export type Sql = postgres.Sql<Record<string, never>>;
export type TxSql = postgres.TransactionSql<Record<string, never>>;
/** Either the pool or a transaction's connection: repositories accept both. */
export type Db = Sql | TxSql;

export interface ConnectOptions {
  url?: string;
  host?: string;
  port?: number;
  /** A Unix socket (the embedded database), instead of host and port. */
  path?: string;
  user?: string;
  password?: string;
  database?: string;
  max?: number;
  ssl?: boolean;
  /** PGlite behind its socket (the embedded database): no COPY FROM STDIN there. */
  embedded?: boolean;
}

/** The pools that cannot take COPY FROM STDIN (PGlite's socket server closes the connection on it). */
const withoutCopyIn = new WeakSet<object>();

/** Whether this pool's database takes COPY FROM STDIN: the machine's PostgreSQL and Aurora do, the embedded PGlite does not. */
export const takesCopyIn = (sql: Sql): boolean => !withoutCopyIn.has(sql);

/** Opens a postgres.js pool. int8 values are parsed as numbers (ids and counts stay far below 2^53). */
export function connect(opts: ConnectOptions): Sql {
  const common = {
    max: opts.max ?? 10,
    idle_timeout: 30,
    connect_timeout: 15,
    onnotice: () => {},
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (x: number | bigint) => x.toString(),
        parse: (x: string) => Number(x),
      },
    },
    ...(opts.ssl ? { ssl: 'require' as const } : {}),
  };
  if (opts.url) return postgres(opts.url, common) as unknown as Sql;
  const sql = postgres({
    ...common,
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 5432,
    ...(opts.path ? { path: opts.path } : {}),
    username: opts.user ?? 'postgres',
    password: opts.password ?? '',
    database: opts.database ?? 'postgres',
  }) as unknown as Sql;
  if (opts.embedded) withoutCopyIn.add(sql);
  return sql;
}

/**
 * A PostgreSQL array literal of values that need no quoting (numbers, ISO times, booleans as t/f):
 * one text parameter that the server reads in one pass, instead of a text[] cast element by element.
 */
export function plainArray(values: readonly (string | number | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    out += v === null || v === undefined ? 'NULL' : v;
  }
  return out + '}';
}

/**
 * A PostgreSQL array literal of texts that are JSON (JSON.stringify's output), for a jsonb[] parameter:
 * V8's JSON.stringify of such a text quotes it exactly as an array element needs (quotes and
 * backslashes escaped; JSON text holds no control characters to escape), in one native pass instead
 * of a regular expression per element (postgres.js's array serializer, or a replace).
 */
export function jsonTextArray(values: readonly string[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) out += (i > 0 ? ',' : '') + JSON.stringify(values[i]);
  return out + '}';
}

export async function ping(db: Db): Promise<void> {
  await db`SELECT 1`;
}
