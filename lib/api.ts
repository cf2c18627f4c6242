import { Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HttpApi, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { AccessLog } from './access-logs.ts';
import type { QueueKey, QueueWithDlq } from './checks.ts';
import type { DeployConfig } from './config.ts';
import { DATABASE_POOL_MAX, type Data } from './data.ts';
import { HouseFunction } from './house-function.ts';
import { forProbes, inVpc } from './placement.ts';
import { ANSWER_KEYS, PAGE_KEYS } from '../layers/services/queued-answers.ts';

/** API Gateway's integration timeout for an HTTP API is 30 s (29 s for REST APIs): the API function stops first. */
export const API_TIMEOUT_SECONDS = 29;
/** A tool ends within 20 s; the API waits 25 s for its answer (ANSWER_WAIT_MS). */
export const TOOLS_TIMEOUT_SECONDS = 25;

/**
 * HTTP API: every route goes to `functions/api.ts` (in the VPC), which checks the session (token
 * version, active account) on each. The tools routes probe arbitrary targets, so the API queues the
 * probe for `functions/tools.ts`, outside the VPC, and reads its answer from the blob bucket (no
 * Lambda interface endpoint: services/queued-answers.ts).
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly apiFunction: HouseFunction;
  readonly toolsFunction: HouseFunction;
  readonly stage: HttpStage;
  readonly accessLog: AccessLog;
  /** Host name of the API, for the CloudFront origin. */
  readonly domainName: string;
  /** The /metrics bearer token, when `prometheusMetrics` is on. */
  readonly metricsToken: secretsmanager.Secret | undefined;

  constructor(
    scope: Construct,
    id: string,
    props: { config: DeployConfig; data: Data; queues: Record<QueueKey, QueueWithDlq> },
  ) {
    super(scope, id);
    const { config, data, queues } = props;
    this.toolsFunction = new HouseFunction(this, 'ToolsFunction', {
      entry: 'functions/tools.ts',
      description: 'Ad-hoc probing tools (/api/v1/tools/*, queued by the API)',
      memorySize: 512,
      // A tool's own timeouts end sooner (20 s at most); the API waits 25 s for the answer.
      timeout: Duration.seconds(TOOLS_TIMEOUT_SECONDS),
      logRetentionDays: config.logRetentionDays,
      ...forProbes(data, config),
    })
      // No batching window: the API is waiting.
      .bindQueueConsumer(queues.tools.queue, { batchSize: 10 })
      .bindBucket(data.blobBucket, 'write', ANSWER_KEYS);

    this.apiFunction = new HouseFunction(this, 'ApiFunction', {
      entry: 'functions/api.ts',
      description: 'REST API (spec sections 3-13)',
      memorySize: 1024,
      // API Gateway gives up after 29 s; no request waits longer than syncWaitSeconds for work it queued.
      timeout: Duration.seconds(API_TIMEOUT_SECONDS),
      logRetentionDays: config.logRetentionDays,
      environment: {
        ALLOW_REGISTRATION: String(config.allowRegistration),
        SYNC_WAIT_SECONDS: String(config.syncWaitSeconds),
        // Browser runs on demand are admitted by the browser function's reserved executions (services/jobs.ts).
        BROWSER_CONCURRENCY: String(config.browserConcurrency),
      },
      ...inVpc(data),
    })
      .bindDatabase({ secret: data.databaseSecret, connections: data.cluster.connections }, DATABASE_POOL_MAX.api)
      .bindSecret(data.jwtSecret, 'JWT_SECRET_ARN')
      .bindCache({ url: data.cacheUrl, securityGroup: data.cacheSecurityGroup, ports: data.cachePorts })
      // The outbox and status changes made through the API go out through the notifier.
      .bindQueueSender(queues.notifications.queue, 'NOTIFY_QUEUE_URL')
      // Check now goes to the checker, and deep check now, screenshots and journey runs to the Chromium
      // function, by their queues, as jobs (layers/services/jobs.ts): the request waits syncWaitSeconds
      // for the result, then answers 202 and the results consumer finishes the job in the database.
      .bindQueueSender(queues.checks.queue, 'CHECK_QUEUE_URL')
      .bindQueueSender(queues.browser.queue, 'BROWSER_QUEUE_URL')
      // The tools routes: the session is checked here, the probe runs outside the VPC (by the tools queue).
      .bindQueueSender(queues.tools.queue, 'TOOLS_QUEUE_URL')
      // Screenshots are served from the blob bucket; subscribers decide whether a status push is sent.
      // GET .../reports/sla.pdf: the API leaves the report page under answers/, the Chromium function
      // (by the browser queue) prints it with every request refused and leaves the PDF there.
      .bindBucket(data.blobBucket, 'read')
      .bindTable(data.connectionsTable, 'read');
    data.blobBucket.grantPut(this.apiFunction, PAGE_KEYS);

    if (config.prometheusMetrics) {
      // GET /metrics (layers/endpoints/routes/metrics.ts) answers a scraper with this token.
      this.metricsToken = new secretsmanager.Secret(this, 'MetricsToken', {
        description: 'Py_Monitor /metrics bearer token: JSON {"token": "..."}',
        generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'token', passwordLength: 48, excludePunctuation: true },
      });
      this.apiFunction.bindSecret(this.metricsToken, 'METRICS_BEARER_TOKEN_ARN');
    }

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Py_Monitor REST API',
      defaultIntegration: new HttpLambdaIntegration('Api', this.apiFunction),
      createDefaultStage: false,
    });
    this.accessLog = new AccessLog(this, 'AccessLog', { kind: 'http', retentionDays: config.logRetentionDays });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
      accessLogSettings: this.accessLog.settings,
    });
    const stack = Stack.of(this);
    this.domainName = `${this.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
  }
}
