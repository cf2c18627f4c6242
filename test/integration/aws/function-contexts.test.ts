import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServiceContext } from '../../../layers/services/context.ts';

// Each zip function builds only the ports the stack binds to it (lib/ sets the env and the grant).
// The contexts read the Lambda's environment, so each test sets one and loads the modules afresh.
// Postgres connects lazily, so building a context with DATABASE_URL opens no connection.

const sm = mockClient(SecretsManagerClient);
const JWT = 'k'.repeat(64);

function lambdaEnv(vars: Record<string, string>): void {
  for (const [name, value] of Object.entries({ MODE: 'aws', AWS_REGION: 'us-east-1', ...vars })) vi.stubEnv(name, value);
}

async function contextOf(fn: 'api' | 'tools' | 'ws' | 'scheduler' | 'results' | 'daily' | 'migrate'): Promise<ServiceContext> {
  vi.resetModules();
  const mod = (await import(`../../../layers/platform/aws-context/${fn}.ts`)) as Record<string, () => Promise<ServiceContext>>;
  const build = Object.values(mod)[0];
  if (!build) throw new Error(`no context in ${fn}`);
  return build();
}

/** Class name of an adapter (the modules are loaded afresh per test, so `instanceof` cannot tell). */
const adapter = (port: object) => port.constructor.name;

const DB = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };

beforeEach(() => {
  sm.reset();
  sm.on(GetSecretValueCommand, { SecretId: 'arn:jwt' }).resolves({ SecretString: JSON.stringify({ secret: JWT }) });
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
    lambdaEnv({ ...DB, JWT_SECRET_ARN: 'arn:jwt', NOTIFY_QUEUE_URL: 'https://sqs/notify', CHECKER_FUNCTION_NAME: 'checker' });
    const ctx = await contextOf('api');
    expect(new TextDecoder().decode(ctx.jwtSecret)).toBe(JWT);
    expect(adapter(ctx.queue)).toBe('SqsQueue');
    expect(typeof ctx.prober.probe).toBe('function');
    expect(() => ctx.browser.run).toThrow(/browser is not available/);
    // API Gateway sends the tools routes to the tools function: the API carries no probes.
    expect(() => ctx.tools.run).toThrow(/tools is not available/);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    await ctx.sql.end();
  });

  it('gives the tools function the probes and the JWT key: no database', async () => {
    lambdaEnv({ JWT_SECRET_ARN: 'arn:jwt' });
    const ctx = await contextOf('tools');
    expect(new TextDecoder().decode(ctx.jwtSecret)).toBe(JWT);
    expect(typeof ctx.tools.run).toBe('function');
    expect(() => ctx.sql.begin).toThrow(/database is not available/);
  });

  it('refuses to run without the Redis cache it was told to use', async () => {
    lambdaEnv({ ...DB, REDIS_URL: 'redis://127.0.0.1:1' });
    await expect(contextOf('results')).rejects.toThrow(/REDIS_URL is set/);
  });

  it('gives the notifier SES, WebSocket push and the connections table', async () => {
    lambdaEnv({ SES_FROM: 'alerts@example.com', WS_ENDPOINT: 'https://ws.example.com/live', CONNECTIONS_TABLE: 'connections', RESULTS_QUEUE_URL: 'https://sqs/results' });
    vi.resetModules();
    const { awsNotifierContext } = await import('../../../layers/platform/aws-context/notifier.ts');
    const ctx = await awsNotifierContext();
    expect(adapter(ctx.mailer)).toBe('SesMailer');
    expect(adapter(ctx.push)).toBe('ApiGatewayPush');
    expect(typeof ctx.connections.add).toBe('function');
  });
});
