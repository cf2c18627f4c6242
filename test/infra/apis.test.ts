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
    expect(JSON.stringify(api?.Properties?.['Environment'])).toContain('TOOLS_FUNCTION_NAME');
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
