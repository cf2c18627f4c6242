import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { LogGroupLogDestination, type IAccessLogSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

// API Gateway access logs: one JSON line per request (HTTP API) or per WebSocket event, in a log
// group of the stack's retention. Variables are the ones each API type documents.

const HTTP_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  method: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
};

const WEBSOCKET_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  eventType: '$context.eventType',
  routeKey: '$context.routeKey',
  connectionId: '$context.connectionId',
  status: '$context.status',
  integrationLatency: '$context.integrationLatency',
  error: '$context.error.message',
};

export type AccessLogKind = 'http' | 'websocket';

export function accessLogFields(kind: AccessLogKind): Record<string, string> {
  return kind === 'http' ? HTTP_FIELDS : WEBSOCKET_FIELDS;
}

/** A stage's access log group and the settings that point the stage at it. */
export class AccessLog extends Construct {
  readonly logGroup: logs.LogGroup;
  readonly settings: IAccessLogSettings;

  constructor(scope: Construct, id: string, props: { kind: AccessLogKind; retentionDays: number }) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.retentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.settings = {
      destination: new LogGroupLogDestination(this.logGroup),
      format: apigateway.AccessLogFormat.custom(JSON.stringify(accessLogFields(props.kind))),
    };
  }
}

/**
 * The region's API Gateway CloudWatch Logs role (one per account and region). WebSocket stages refuse
 * access logging until it is set. Retained on teardown: other APIs of the account may rely on it.
 */
export class ApiGatewayLogRole extends Construct {
  readonly account: apigateway.CfnAccount;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway writes access logs to CloudWatch Logs',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    });
    role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.account = new apigateway.CfnAccount(this, 'Account', { cloudWatchRoleArn: role.roleArn });
    this.account.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}
