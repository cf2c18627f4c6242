import { WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { AccessLog } from './access-logs.ts';
import type { DeployConfig } from './config.ts';
import { DATABASE_POOL_MAX, type Data } from './data.ts';
import { HouseFunction } from './house-function.ts';
import { inVpc } from './placement.ts';

/**
 * WebSocket API for live dashboard updates. `functions/ws.ts` authenticates on $connect and checks
 * project access, so it runs in the VPC; it answers $default through the route response, which keeps
 * it off the management API (unreachable from isolated subnets without NAT).
 */
export class Realtime extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly wsFunction: HouseFunction;
  readonly accessLog: AccessLog;

  constructor(scope: Construct, id: string, props: { config: DeployConfig; data: Data }) {
    super(scope, id);
    const { config, data } = props;
    this.wsFunction = new HouseFunction(this, 'WsFunction', {
      entry: 'functions/ws.ts',
      description: 'WebSocket $connect/$disconnect/$default',
      logRetentionDays: config.logRetentionDays,
      ...inVpc(data),
    })
      .bindDatabase({ secret: data.databaseSecret, connections: data.cluster.connections }, DATABASE_POOL_MAX.ws)
      .bindSecret(data.jwtSecret, 'JWT_SECRET_ARN')
      // Shares the API's user cache, so deactivating a user takes effect here too.
      .bindCache({ url: data.cacheUrl, securityGroup: data.cacheSecurityGroup, ports: data.cachePorts })
      .bindTable(data.connectionsTable, 'readWrite');

    const integration = (name: string) => new WebSocketLambdaIntegration(name, this.wsFunction);
    this.api = new WebSocketApi(this, 'WebSocketApi', {
      description: 'Py_Monitor live updates',
      connectRouteOptions: { integration: integration('ConnectIntegration') },
      disconnectRouteOptions: { integration: integration('DisconnectIntegration') },
      defaultRouteOptions: { integration: integration('DefaultIntegration'), returnResponse: true },
    });
    this.accessLog = new AccessLog(this, 'AccessLog', { kind: 'websocket', retentionDays: config.logRetentionDays });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: 'live',
      autoDeploy: true,
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
      accessLogSettings: this.accessLog.settings,
    });
  }
}
