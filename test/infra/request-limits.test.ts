import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TOOL_TIMEOUT_MAX_SECONDS } from '../../layers/checks/schemas.ts';
import { functionId, resourcesOf, synthStack } from './synth.ts';
import { ANSWER_WAIT_MS } from '../../layers/services/queued-answers.ts';

// Issue 13.3: no synchronous API call outlives API Gateway's 29 s; and /metrics on AWS (issue 15).

const { template } = synthStack();
const fn = (description: string) => resourcesOf(template, 'AWS::Lambda::Function')[functionId(template, description)]!.Properties!;
const env = (props: Record<string, unknown>) => (props['Environment'] as { Variables: Record<string, unknown> }).Variables;

describe('every synchronous answer within API Gateway\'s 29 s', () => {
  it('the API function stops by 29 s and waits for queued work (jobs) at most syncWaitSeconds, with room to answer', () => {
    const api = fn('REST API');
    expect(api['Timeout']).toBeLessThanOrEqual(29);
    const wait = Number(env(api)['SYNC_WAIT_SECONDS']);
    expect(wait).toBe(20);
    expect(wait).toBeLessThanOrEqual((api['Timeout'] as number) - 4);
  });

  it('the tools function, whose answer the API waits for, ends before the API does; every tool timeout ends before it', () => {
    const tools = fn('Ad-hoc probing tools');
    expect(tools['Timeout']).toBeLessThan(fn('REST API')['Timeout'] as number);
    expect(tools['Timeout']).toBeLessThan(29);
    expect(TOOL_TIMEOUT_MAX_SECONDS).toBeLessThan(tools['Timeout'] as number);
  });

  it('check now, browser runs, PDF reports and the tools are asynchronous: the API sends them by queue and invokes no function', () => {
    const api = env(fn('REST API'));
    expect(Object.keys(api)).toEqual(expect.arrayContaining(['CHECK_QUEUE_URL', 'BROWSER_QUEUE_URL', 'TOOLS_QUEUE_URL']));
    for (const worker of ['Probes targets', 'Chromium checks', 'Ad-hoc probing tools']) expect(JSON.stringify(api)).not.toContain(functionId(template, worker));
    // The API waits for a queued answer at most ANSWER_WAIT_MS, within its own timeout.
    expect(ANSWER_WAIT_MS / 1000).toBeLessThan(fn('REST API')['Timeout'] as number);
  });

  it('syncWaitSeconds is a setting, refused above 25 s', () => {
    const custom = synthStack({ syncWaitSeconds: '8' }).template;
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^REST API'),
      Environment: { Variables: Match.objectLike({ SYNC_WAIT_SECONDS: '8' }) },
    });
    expect(() => synthStack({ syncWaitSeconds: '26' })).toThrow(/syncWaitSeconds/);
  });
});

describe('Prometheus /metrics on AWS', () => {
  it('is off by default: no token, nothing set on the API function', () => {
    expect(Object.keys(resourcesOf(template, 'AWS::SecretsManager::Secret')).filter((id) => id.includes('MetricsToken'))).toEqual([]);
    expect(Object.keys(env(fn('REST API'))).filter((n) => n.startsWith('METRICS_'))).toEqual([]);
  });

  it('with prometheusMetrics the API function reads a generated bearer token, and the outputs say where to scrape', () => {
    const on = synthStack({ prometheusMetrics: 'true' }).template;
    const secrets = Object.entries(resourcesOf(on, 'AWS::SecretsManager::Secret')).filter(([id]) => id.includes('MetricsToken'));
    expect(secrets).toHaveLength(1);
    const [secretId, secret] = secrets[0]!;
    expect(secret.Properties?.['GenerateSecretString']).toMatchObject({ GenerateStringKey: 'token', PasswordLength: 48, ExcludePunctuation: true });
    // A generated name, so a redeploy after a teardown does not collide.
    expect(secret.Properties?.['Name']).toBeUndefined();
    on.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^REST API'),
      Environment: { Variables: Match.objectLike({ METRICS_BEARER_TOKEN_ARN: { Ref: secretId } }) },
    });
    const apiPolicies = Object.values(resourcesOf(on, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties?.['Roles']).includes('ApiApiFunction'));
    const reads = apiPolicies.flatMap((p) => (p.Properties?.['PolicyDocument'] as { Statement: { Action: unknown; Resource: unknown }[] }).Statement)
      .filter((s) => JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue') && JSON.stringify(s.Resource).includes(secretId));
    expect(reads).toHaveLength(1);
    const outputs = on.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(JSON.stringify(outputs['MetricsUrl']?.Value)).toContain('/metrics');
    expect(outputs['MetricsTokenSecretArn']?.Value).toEqual({ Ref: secretId });
  });
});
