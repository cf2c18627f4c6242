import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { RawConfig } from '../layers/config.ts';
import { houseBundle } from './bundling.ts';

/** Env var names the functions read; typed against layers/config.ts so the two cannot drift. */
export type EnvName = keyof RawConfig;

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Never deployed: stands in for the bundle when the stack is synthesized without bundling (tests). */
const UNBUNDLED_PLACEHOLDER = "exports.handler = async () => { throw new Error('synthesized without bundling'); };";

export interface HouseFunctionProps
  extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture' | 'code' | 'handler' | 'bundling' | 'environment'> {
  /** Entry file relative to the project root, e.g. `functions/api.ts`; it must export `handler`. */
  entry: string;
  logRetentionDays: number;
  environment?: Partial<Record<EnvName, string>>;
}

/**
 * Every zip function of the stack: Node 24 on arm64, ESM bundle with source maps, its own log group,
 * MODE=aws (X-Ray tracing only with the `xrayTracing` setting: `enableTracing`). `bind*()` grant IAM and set the env var in one call, so a function's
 * permissions are exactly the resources it was told about.
 */
export class HouseFunction extends NodejsFunction {
  readonly entryPath: string;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    const { entry, logRetentionDays, environment, ...rest } = props;
    const entryPath = join(projectRoot, entry);
    const bundled = Stack.of(scope).bundlingRequired;
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logRetentionDays as logs.RetentionDays,
      // Operational logs expire anyway; orphaned log groups after a teardown help nobody.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      memorySize: 512,
      timeout: Duration.seconds(30),
      ...rest,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      logGroup,
      environment: { MODE: 'aws', NODE_OPTIONS: '--enable-source-maps', ...environment },
      ...(bundled
        ? {
            entry: entryPath,
            handler: 'handler',
            projectRoot,
            depsLockFilePath: join(projectRoot, 'package-lock.json'),
            bundling: {
              target: houseBundle.target,
              format: OutputFormat.ESM,
              mainFields: houseBundle.mainFields,
              minify: houseBundle.minify,
              sourceMap: houseBundle.sourceMap,
              sourcesContent: houseBundle.sourcesContent,
              banner: houseBundle.banner,
              externalModules: houseBundle.externalModules,
            },
          }
        : { code: lambda.Code.fromInline(UNBUNDLED_PLACEHOLDER), handler: 'index.handler' }),
    });
    this.entryPath = entryPath;
  }

  private setEnv(name: EnvName, value: string): this {
    this.addEnvironment(name, value);
    return this;
  }

  bindQueueSender(queue: IQueue, envName: EnvName): this {
    queue.grantSendMessages(this);
    return this.setEnv(envName, queue.queueUrl);
  }

  /** Consumes a queue with partial batch responses, so one bad message never redelivers its batch. */
  bindQueueConsumer(queue: IQueue, options: { batchSize?: number; maxConcurrency?: number; maxBatchingWindow?: Duration } = {}): this {
    this.addEventSource(
      new SqsEventSource(queue, {
        batchSize: options.batchSize ?? 10,
        reportBatchItemFailures: true,
        ...(options.maxBatchingWindow ? { maxBatchingWindow: options.maxBatchingWindow } : {}),
        ...(options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {}),
      }),
    );
    return this;
  }

  bindSecret(secret: ISecret, envName: EnvName): this {
    secret.grantRead(this);
    return this.setEnv(envName, secret.secretArn);
  }

  /**
   * Database credentials plus a security-group rule to the cluster's port. A container serves one
   * event at a time, so `poolMax` stays small: Aurora's connection limit is shared by every container
   * of every function (the README's connection budget).
   */
  bindDatabase(database: { secret: ISecret; connections: ec2.Connections }, poolMax: number): this {
    database.connections.allowDefaultPortFrom(this, `from ${this.node.id}`);
    this.setEnv('DATABASE_POOL_MAX', String(poolMax));
    return this.bindSecret(database.secret, 'DATABASE_SECRET_ARN');
  }

  bindCache(cache: { url: string; securityGroup: ec2.ISecurityGroup; ports: ec2.Port[] }): this {
    for (const port of cache.ports) cache.securityGroup.connections.allowFrom(this, port, `from ${this.node.id}`);
    return this.setEnv('REDIS_URL', cache.url);
  }

  bindTable(table: ITableV2, access: 'read' | 'readWrite'): this {
    if (access === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    return this.setEnv('CONNECTIONS_TABLE', table.tableName);
  }

  /** `keys` narrows the grant to matching object keys (e.g. `answers/*`). */
  bindBucket(bucket: IBucket, access: 'read' | 'write' | 'readWrite', keys?: string): this {
    if (access === 'read') bucket.grantRead(this, keys);
    else if (access === 'write') bucket.grantPut(this, keys);
    else bucket.grantReadWrite(this, keys);
    return this.setEnv('BLOB_BUCKET', bucket.bucketName);
  }

  /** Posts to WebSocket connections through the stage's management API. */
  bindWebSocketPush(stage: WebSocketStage): this {
    stage.grantManagementApiAccess(this);
    return this.setEnv('WS_ENDPOINT', stage.callbackUrl);
  }

  /** SES send limited to one sender address (the identity ARN wildcard covers sandbox recipients). */
  bindMailSender(from: string): this {
    const stack = Stack.of(this);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })],
        conditions: { StringEquals: { 'ses:FromAddress': from } },
      }),
    );
    return this.setEnv('SES_FROM', from);
  }
}

/**
 * X-Ray active tracing for every function of the stack (the `xrayTracing` setting; off by default:
 * at one trace per invocation it cost about as much as the whole check pipeline).
 */
export function enableTracing(scope: Construct): void {
  for (const node of scope.node.findAll()) {
    if (!(node instanceof lambda.Function)) continue;
    (node.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
    node.addToRolePolicy(new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }));
  }
}
