import { beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../layers/config.ts';
import { actionsOf, functionId, resourcesOf, statementsOf, synthStack } from './synth.ts';

let template: ReturnType<typeof synthStack>['template'];
beforeAll(() => {
  template = synthStack().template;
});

const DATA_ACTION = /^(dynamodb:|sqs:|s3:|secretsmanager:GetSecretValue|ses:)/;

/** Statements of every policy in the template, inline role policies included. */
function allStatements(): { Action: string | string[]; Resource: unknown }[] {
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).map((p) => p.Properties?.['PolicyDocument']);
  const inline = Object.values(resourcesOf(template, 'AWS::IAM::Role')).flatMap((r) =>
    ((r.Properties?.['Policies'] as { PolicyDocument: unknown }[] | undefined) ?? []).map((p) => p.PolicyDocument),
  );
  return [...policies, ...inline].flatMap((d) => (d as { Statement: never[] }).Statement);
}

const secretArnFor = (name: 'Database' | 'Jwt') =>
  Object.keys(resourcesOf(template, 'AWS::SecretsManager::Secret')).find((id) => id.includes(name === 'Database' ? 'DatabaseSecret' : 'JwtSecret'));

describe('least privilege', () => {
  it('grants no data action on Resource "*"', () => {
    const offenders = allStatements().filter((s) => {
      const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
      const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      return actions.some((a) => DATA_ACTION.test(a) || a === '*') && resources.includes('*');
    });
    expect(offenders).toEqual([]);
  });

  it('keeps the checker to its queues: no database, secrets, table or bucket', () => {
    const checker = functionId(template, 'Probes targets');
    const actions = actionsOf(template, checker);
    expect(actions.some((a) => a.startsWith('secretsmanager:'))).toBe(false);
    expect(actions.some((a) => a.startsWith('dynamodb:') || a.startsWith('s3:') || a.startsWith('ses:'))).toBe(false);
    expect(actions).toContain('sqs:SendMessage');
    expect(actions).toContain('sqs:ReceiveMessage');
  });

  it('gives the tools function no secret and no data, only its queue and the answers it writes: the API authenticates, then queues the run', () => {
    const tools = functionId(template, 'Ad-hoc probing tools');
    const own = (s: { Resource: unknown }) => /ChecksToolsQueue|\/answers\/\*\/answer\.json"/.test(JSON.stringify(s.Resource));
    const data = statementsOf(template, tools).filter((s) => [s.Action].flat().some((a) => DATA_ACTION.test(a)) && !own(s));
    expect(data).toEqual([]);
    const s3 = statementsOf(template, tools).filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    expect(s3.flatMap((s) => [s.Action].flat())).not.toContain('s3:GetObject*');
    expect(JSON.stringify(s3.map((s) => s.Resource))).toMatch(/^\[\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["DataBlobs[0-9A-F]{8}","Arn"\]\},"\/answers\/\*\/answer\.json"\]\]\}\]$/);
    expect(actionsOf(template, tools)).toContain('sqs:ReceiveMessage');
    expect(actionsOf(template, tools)).not.toContain('sqs:SendMessage');
  });

  it('limits SES to the configured sender', () => {
    const ses = allStatements().filter((s) => [s.Action].flat().some((a) => a.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect(ses[0]).toMatchObject({ Condition: { StringEquals: { 'ses:FromAddress': 'alerts@example.com' } } });
    expect(JSON.stringify(ses[0]?.Resource)).toContain(':identity/*');
  });

  it('gives the database secret only to in-VPC functions', () => {
    // Grants name the secret's attachment to the cluster, whose id starts like the secret's.
    const dbSecret = 'DataDatabaseSecret';
    const readers = Object.keys(resourcesOf(template, 'AWS::Lambda::Function')).filter((id) => {
      try {
        return JSON.stringify(statementsOf(template, id)).includes(dbSecret);
      } catch {
        return false;
      }
    });
    const descriptions = readers.map((id) => String(resourcesOf(template)[id]?.Properties?.['Description']).split(' ')[0]);
    expect(descriptions.sort()).toEqual(['Applies', 'Daily:', 'Every', 'Records', 'REST', 'WebSocket'].sort());
  });

  it('gives the JWT secret only to the functions that verify tokens', () => {
    const jwtSecret = secretArnFor('Jwt') ?? 'JwtSecret';
    const readers = Object.keys(resourcesOf(template, 'AWS::Lambda::Function')).filter((id) => {
      try {
        return JSON.stringify(statementsOf(template, id)).includes(jwtSecret);
      } catch {
        return false;
      }
    });
    const descriptions = readers.map((id) => String(resourcesOf(template)[id]?.Properties?.['Description']).split(' ')[0]);
    expect(descriptions.sort()).toEqual(['REST', 'WebSocket']);
  });

  it('lets the browser function write screenshots and results, and read only the report pages the API leaves under answers/', () => {
    const browser = functionId(template, 'Chromium checks');
    const actions = actionsOf(template, browser);
    expect(actions).toContain('s3:PutObject');
    expect(actions.filter((a) => /^s3:(Get|List)/.test(a))).toEqual(['s3:GetObject']);
    const reads = statementsOf(template, browser).filter((s) => [s.Action].flat().includes('s3:GetObject'));
    expect(JSON.stringify(reads.map((s) => s.Resource))).toMatch(/^\[\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["DataBlobs[0-9A-F]{8}","Arn"\]\},"\/answers\/\*\/page\.html"\]\]\}\]$/);
    expect(actions).toContain('sqs:SendMessage');
    expect(actions.some((a) => a.startsWith('secretsmanager:'))).toBe(false);
  });

  it('lets no function invoke another: check now, browser runs, PDF reports and the tools go by queue', () => {
    // Besides the migration custom resource's provider, which invokes the migrator.
    const invokers = Object.entries(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter(([id, p]) => !id.startsWith('MigrationsProvider') && JSON.stringify(p.Properties).includes('lambda:InvokeFunction'))
      .map(([id]) => id);
    expect(invokers).toEqual([]);
    const apiPolicy = JSON.stringify(Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties?.['Roles']).includes('ApiApiFunction')));
    for (const queue of ['ChecksCheckQueue', 'ChecksBrowserQueue', 'ChecksToolsQueue']) expect(apiPolicy).toMatch(new RegExp(`"${queue}[0-9A-F]{8}","Arn"`));
  });
});

describe('function environment', () => {
  it('uses only variable names that layers/config.ts reads', () => {
    const known = new Set([...Object.keys(configSchema.shape), 'NODE_OPTIONS']);
    const fns = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).filter((f) =>
      JSON.stringify(f.Properties?.['Environment'] ?? {}).includes('"MODE":"aws"'),
    );
    expect(fns).toHaveLength(10);
    for (const f of fns) {
      const names = Object.keys((f.Properties?.['Environment'] as { Variables: Record<string, unknown> }).Variables);
      expect(names.filter((n) => !known.has(n)), String(f.Properties?.['Description'])).toEqual([]);
    }
  });

  it('wires each function to exactly the resources it uses', () => {
    const env = (description: string) =>
      Object.keys(
        (resourcesOf(template)[functionId(template, description)]?.Properties?.['Environment'] as { Variables: Record<string, unknown> })
          .Variables,
      ).sort();
    expect(env('Every minute')).toEqual(['BROWSER_QUEUE_URL', 'CHECK_QUEUE_URL', 'DATABASE_POOL_MAX', 'DATABASE_SECRET_ARN', 'MODE', 'NODE_OPTIONS', 'NOTIFY_QUEUE_URL']);
    expect(env('Probes targets')).toEqual(['CHECK_QUEUE_URL', 'MODE', 'NODE_OPTIONS', 'RESULTS_QUEUE_URL']);
    expect(env('Records results')).toEqual(['CONNECTIONS_TABLE', 'DATABASE_POOL_MAX', 'DATABASE_SECRET_ARN', 'MODE', 'NODE_OPTIONS', 'NOTIFY_QUEUE_URL', 'PUBLIC_URL']);
    expect(env('Delivers email')).toEqual([
      'CONNECTIONS_TABLE',
      'MODE',
      'NODE_OPTIONS',
      'PUBLIC_URL',
      'RESULTS_QUEUE_URL',
      'SES_FROM',
      'WS_ENDPOINT',
    ]);
    expect(env('Chromium checks')).toEqual(['BLOB_BUCKET', 'MODE', 'RESULTS_QUEUE_URL']);
    expect(env('WebSocket')).toEqual(['CONNECTIONS_TABLE', 'DATABASE_POOL_MAX', 'DATABASE_SECRET_ARN', 'JWT_SECRET_ARN', 'MODE', 'NODE_OPTIONS', 'REDIS_URL']);
    expect(env('REST API')).toEqual([
      'ALLOW_REGISTRATION',
      'BLOB_BUCKET',
      'BROWSER_CONCURRENCY',
      'BROWSER_QUEUE_URL',
      'CHECK_QUEUE_URL',
      'CONNECTIONS_TABLE',
      'DATABASE_POOL_MAX',
      'DATABASE_SECRET_ARN',
      'JWT_SECRET_ARN',
      'MODE',
      'NODE_OPTIONS',
      'NOTIFY_QUEUE_URL',
      'PUBLIC_URL',
      'REDIS_URL',
      'SYNC_WAIT_SECONDS',
      'TOOLS_QUEUE_URL',
      'VIEWER_ADDRESS_KEY',
    ]);
    expect(env('Ad-hoc probing tools')).toEqual(['BLOB_BUCKET', 'MODE', 'NODE_OPTIONS']);
  });
});

describe('SLA report PDF on AWS', () => {
  it('lets the REST API leave the report page under answers/ and queue it for the browser function, which prints the PDF there', () => {
    const api = functionId(template, 'REST API');
    const writes = statementsOf(template, api).filter((s) => [s.Action].flat().includes('s3:PutObject'));
    expect(writes).toHaveLength(1);
    expect(JSON.stringify(writes[0]?.Resource)).toMatch(/"\/answers\/\*\/page\.html"\]\]\}$/);
    expect(actionsOf(template, api)).toContain('sqs:SendMessage');
    expect(JSON.stringify(resourcesOf(template)[api]?.Properties?.['Environment'])).not.toContain(functionId(template, 'Chromium checks'));
  });
});
