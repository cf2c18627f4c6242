import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionId, resourcesOf, synthStack } from './synth.ts';

let template: ReturnType<typeof synthStack>['template'];
beforeAll(() => {
  template = synthStack().template;
});

describe('HTTP API', () => {
  it('sends every route to the api function, the tools routes included (it checks every session)', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 2);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
    const httpRoutes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).filter((r) => !String(r.Properties?.['RouteKey']).startsWith('$'));
    expect(httpRoutes).toEqual([]);

    const integrationTarget = (fnId: string) =>
      Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Integration')).filter((r) =>
        JSON.stringify(r.Properties?.['IntegrationUri']).includes(fnId),
      );
    expect(integrationTarget(functionId(template, 'REST API'))).toHaveLength(1);
    expect(integrationTarget(functionId(template, 'Ad-hoc probing tools'))).toHaveLength(0);
    const api = resourcesOf(template)[functionId(template, 'REST API')];
    expect(JSON.stringify(api?.Properties?.['Environment'])).toContain('TOOLS_QUEUE_URL');
  });

  it('throttles the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
  });

  it('runs the api function in the VPC and the tools function outside it', () => {
    const fns = resourcesOf(template, 'AWS::Lambda::Function');
    expect(fns[functionId(template, 'REST API')]?.Properties?.['VpcConfig']).toBeDefined();
    expect(fns[functionId(template, 'Ad-hoc probing tools')]?.Properties?.['VpcConfig']).toBeUndefined();
  });
});

describe('WebSocket API', () => {
  it('routes $connect, $disconnect and $default to the ws function, answering $default inline', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'WEBSOCKET' });
    for (const key of ['$connect', '$disconnect', '$default']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: key });
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::RouteResponse', { RouteResponseKey: '$default' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'live', AutoDeploy: true });
  });

  it('lets the notifier, and only the notifier, post to connections', () => {
    const posters = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties).includes('execute-api:ManageConnections'),
    );
    expect(posters).toHaveLength(1);
    expect(JSON.stringify(posters[0]?.Properties?.['Roles'])).toContain('Notifier');
    const notifier = resourcesOf(template)[functionId(template, 'Delivers email')];
    expect(notifier?.Properties?.['Environment']).toMatchObject({
      Variables: { WS_ENDPOINT: expect.anything() },
    });
    expect(JSON.stringify(notifier?.Properties?.['Environment'])).toContain('execute-api');
  });
});

describe('access logs', () => {
  const stages = () => Object.entries(resourcesOf(template, 'AWS::ApiGatewayV2::Stage'));

  it('write one JSON line per request of both stages to a log group of the stack', () => {
    expect(stages()).toHaveLength(2);
    for (const [id, stage] of stages()) {
      const settings = stage.Properties?.['AccessLogSettings'] as { DestinationArn: { 'Fn::GetAtt': [string, string] }; Format: string } | undefined;
      expect(settings, id).toBeDefined();
      const [logGroupId, attribute] = settings?.DestinationArn['Fn::GetAtt'] ?? [];
      expect(attribute).toBe('Arn');
      expect(resourcesOf(template)[logGroupId ?? '']?.Type).toBe('AWS::Logs::LogGroup');
      const fields = JSON.parse(settings?.Format ?? '{}') as Record<string, string>;
      expect(fields).toMatchObject({ requestId: '$context.requestId', status: '$context.status', routeKey: '$context.routeKey' });
    }
    const formats = stages().map(([, s]) => JSON.parse((s.Properties?.['AccessLogSettings'] as { Format: string }).Format) as Record<string, string>);
    expect(formats.some((f) => f['connectionId'] === '$context.connectionId')).toBe(true);
    expect(formats.some((f) => f['method'] === '$context.httpMethod')).toBe(true);
  });

  it("set the region's API Gateway log role first, which WebSocket stages need, and keep it on teardown", () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    template.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });
    const [accountId] = Object.keys(resourcesOf(template, 'AWS::ApiGateway::Account'));
    for (const [id, stage] of stages()) expect(stage.DependsOn, id).toContain(accountId);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })] },
      ManagedPolicyArns: [{ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('AmazonAPIGatewayPushToCloudWatchLogs')])] }],
    });
  });

  it('leave the log role alone when the account already has one', () => {
    synthStack({ apiGatewayLogRole: 'false' }).template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });
});
