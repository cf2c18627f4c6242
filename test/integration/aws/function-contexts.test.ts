import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServiceContext } from '../../../layers/services/context.ts';
import { resourcesOf, synthStack } from '../../infra/synth.ts';

// Each zip function's entry (functions/*.ts) builds only the ports the stack binds to it (lib/ sets
// the env and the grant). Entries read the Lambda's environment at load, so each test sets one and
// loads the modules afresh.
// Postgres connects lazily, so building a context with DATABASE_URL opens no connection.

const sm = mockClient(SecretsManagerClient);
const JWT = 'k'.repeat(64);
const DB_SECRET = { username: 'pymonitor', password: 'p4ss', host: '127.0.0.1', port: 1, dbname: 'none' };

function lambdaEnv(vars: Record<string, string>): void {
  for (const [name, value] of Object.entries({ MODE: 'aws', AWS_REGION: 'us-east-1', ...vars })) vi.stubEnv(name, value);
}

async function contextOf(fn: 'api' | 'tools' | 'ws' | 'scheduler' | 'results' | 'daily' | 'migrate'): Promise<ServiceContext> {
  vi.resetModules();
  const mod = (await import(`../../../functions/${fn}.ts`)) as { context?: () => Promise<ServiceContext> };
  if (!mod.context) throw new Error(`functions/${fn}.ts exports no context`);
  return mod.context();
}

/** Class name of an adapter (the modules are loaded afresh per test, so `instanceof` cannot tell). */
const adapter = (port: object) => port.constructor.name;

const DB = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };

beforeEach(() => {
  sm.reset();
  sm.on(GetSecretValueCommand, { SecretId: 'arn:jwt' }).resolves({ SecretString: JSON.stringify({ secret: JWT }) });
  sm.on(GetSecretValueCommand, { SecretId: 'arn:db' }).resolves({ SecretString: JSON.stringify(DB_SECRET) });
});
afterEach(() => vi.unstubAllEnvs());

describe('function contexts on AWS', () => {
  it('gives the scheduler its database and queue, and no JWT key: it signs nothing', async () => {
    lambdaEnv({ ...DB, CHECK_QUEUE_URL: 'https://sqs/checks' });
    const ctx = await contextOf('scheduler');
    expect(adapter(ctx.queue)).toBe('SqsQueue');
    expect(() => ctx.jwtSecret.byteLength).toThrow(/jwtSecret is not available/);
    expect(() => ctx.mailer.send).toThrow(/mailer is not available/);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    await ctx.sql.end();
  });

  it('gives the migrator the database only', async () => {
    lambdaEnv(DB);
    const ctx = await contextOf('migrate');
    expect(() => ctx.queue.send).toThrow(/queue is not available/);
    expect(() => ctx.jwtSecret.byteLength).toThrow(/jwtSecret/);
    await ctx.sql.end();
  });

  it('loads the JWT key for the API from its secret, once', async () => {
    lambdaEnv({ ...DB, JWT_SECRET_ARN: 'arn:jwt', NOTIFY_QUEUE_URL: 'https://sqs/notify', CHECK_QUEUE_URL: 'https://sqs/checks', BROWSER_QUEUE_URL: 'https://sqs/browser', TOOLS_QUEUE_URL: 'https://sqs/tools', BLOB_BUCKET: 'blobs' });
    const ctx = await contextOf('api');
    expect(new TextDecoder().decode(ctx.jwtSecret)).toBe(JWT);
    expect(adapter(ctx.queue)).toBe('SqsQueue');
    // The tools routes and PDF reports go by queue, their answers come back through the bucket; the API bundles no probes.
    expect(typeof ctx.tools.run).toBe('function');
    expect(typeof ctx.browser.run).toBe('function');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    await ctx.sql.end();
  });

  it('gives the tools function the probes and the bucket its answers go to only: no database and no token key', async () => {
    lambdaEnv({});
    await expect(contextOf('tools')).rejects.toThrow(/BLOB_BUCKET is not set/);
    lambdaEnv({ BLOB_BUCKET: 'blobs' });
    const ctx = await contextOf('tools');
    expect(typeof ctx.blobs.get).toBe('function');
    expect(typeof ctx.tools.run).toBe('function');
    expect(() => ctx.sql.begin).toThrow(/database is not available/);
    expect(() => ctx.jwtSecret.length).toThrow(/jwtSecret is not available/);
  });

  it('refuses to run without a port the stack bound it to', async () => {
    lambdaEnv({ ...DB, REDIS_URL: 'redis://127.0.0.1:1' });
    await expect(contextOf('results')).rejects.toThrow(/REDIS_URL is set but this function's context does not build cache/);
    vi.unstubAllEnvs();
    lambdaEnv({ ...DB, CHECK_QUEUE_URL: 'https://sqs/checks' });
    await expect(contextOf('migrate')).rejects.toThrow(/CHECK_QUEUE_URL is set .* queue/);
  });

  it('gives the notifier SES, WebSocket push and the connections table', async () => {
    lambdaEnv({ SES_FROM: 'alerts@example.com', WS_ENDPOINT: 'https://ws.example.com/live', CONNECTIONS_TABLE: 'connections', RESULTS_QUEUE_URL: 'https://sqs/results' });
    vi.resetModules();
    const { context } = await import('../../../functions/notifier.ts');
    const ctx = await context();
    expect(adapter(ctx.mailer)).toBe('SesMailer');
    expect(adapter(ctx.push)).toBe('ApiGatewayPush');
    expect(typeof ctx.connections.add).toBe('function');
  });
});

describe('/metrics on AWS (prometheusMetrics)', () => {
  it('the API reads the generated scrape token once and answers a scraper that sends it, and no one else', async () => {
    const token = 'm'.repeat(48);
    sm.on(GetSecretValueCommand, { SecretId: 'arn:metrics' }).resolves({ SecretString: JSON.stringify({ token }) });
    lambdaEnv({ ...DB, JWT_SECRET_ARN: 'arn:jwt', METRICS_BEARER_TOKEN_ARN: 'arn:metrics' });
    const ctx = await contextOf('api');
    expect(ctx.config.METRICS_BEARER_TOKEN).toBe(token);
    expect(ctx.processMetrics).toBeDefined();
    const { authorizeScrape } = await import('../../../layers/services/metrics.ts');
    expect(() => authorizeScrape(ctx.config, `Bearer ${token}`)).not.toThrow();
    expect(() => authorizeScrape(ctx.config, `Bearer ${'x'.repeat(48)}`)).toThrow();
    expect(sm.commandCalls(GetSecretValueCommand, { SecretId: 'arn:metrics' })).toHaveLength(1);
    await ctx.sql.end();
  });
});

describe('function contexts and the stack', () => {
  // Every env var lib/ sets on a function must be one its context builds a port from (or plain config).
  const functions = { 'REST API': 'api', 'Ad-hoc probing tools': 'tools', WebSocket: 'ws', 'Every minute': 'scheduler', 'Records results': 'results', 'Daily:': 'daily', 'Applies database migrations': 'migrate' } as const;
  const template = synthStack().template;
  const variablesOf = (description: string) => {
    const fn = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).find((f) => String(f.Properties?.['Description']).startsWith(description));
    return (fn?.Properties?.['Environment'] as { Variables: Record<string, unknown> }).Variables;
  };
  const envOf = (description: string) => Object.keys(variablesOf(description));
  const placeholder = (name: string): string =>
    name === 'DATABASE_SECRET_ARN' ? 'arn:db' : name === 'JWT_SECRET_ARN' ? 'arn:jwt' : name === 'REDIS_URL' ? (process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:1')
      : name === 'DATABASE_POOL_MAX' ? '2' : name === 'ALLOW_REGISTRATION' ? 'true' : name.endsWith('_URL') || name === 'WS_ENDPOINT' ? `https://example.com/${name}` : name === 'MODE' ? 'aws' : 'placeholder';

  /** Plain values as the stack sets them; references (ARNs, URLs) as placeholders. */
  const stackEnv = (variables: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(variables)
        .filter(([n]) => n !== 'NODE_OPTIONS')
        .map(([n, v]) => [n, typeof v === 'string' && n !== 'REDIS_URL' ? v : placeholder(n)]),
    );

  for (const [description, fn] of Object.entries(functions)) {
    // The cache connects on first use, so a context builds even where no Redis listens.
    it(`builds the ${fn} context from the environment the stack gives it`, async () => {
      lambdaEnv(stackEnv(variablesOf(description)));
      const ctx = await contextOf(fn);
      expect(ctx.config.MODE).toBe('aws');
      await ctx.cache.close();
      if (envOf(description).includes('DATABASE_SECRET_ARN')) {
        // Aurora's connections are shared by every container: each opens at most the pool lib/data.ts gives its function.
        expect(ctx.sql.options.max).toBe(Number(variablesOf(description)['DATABASE_POOL_MAX']));
        await ctx.sql.end();
      }
    });
  }

  it('builds the API context at the largest browserConcurrency the stack accepts (its admission of browser runs)', async () => {
    const large = synthStack({ browserConcurrency: '100' }).template;
    const api = Object.values(resourcesOf(large, 'AWS::Lambda::Function')).find((f) => String(f.Properties?.['Description']).startsWith('REST API'));
    lambdaEnv(stackEnv((api?.Properties?.['Environment'] as { Variables: Record<string, unknown> }).Variables));
    const ctx = await contextOf('api');
    expect(ctx.config.BROWSER_CONCURRENCY).toBe(100);
    await ctx.cache.close();
    await ctx.sql.end();
  });
});
