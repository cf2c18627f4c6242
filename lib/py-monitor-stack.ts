import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ApiGatewayLogRole } from './access-logs.ts';
import { Alarms } from './alarms.ts';
import { Alerts } from './alerts.ts';
import { Api } from './api.ts';
import { Checks, type QueueKey, type QueueWithDlq } from './checks.ts';
import type { DeployConfig } from './config.ts';
import { Data } from './data.ts';
import { enableTracing } from './house-function.ts';
import { Migrations } from './migrations.ts';
import { Realtime } from './realtime.ts';
import { Web } from './web.ts';
import { PAGE_KEYS } from '../layers/services/queued-answers.ts';

export interface PyMonitorStackProps extends StackProps {
  config: DeployConfig;
}

/** How long a message may wait in each queue before its consumer counts as falling behind. */
export const QUEUE_MAX_AGE: Record<QueueKey, Duration> = {
  checks: Duration.minutes(5),
  // Deep checks come every sixth cycle, so a wait of ten minutes means a whole round is late.
  browser: Duration.minutes(10),
  results: Duration.minutes(5),
  notifications: Duration.minutes(5),
  // A tool request unanswered after 25 s is dropped by the tools function; a backlog means it is not running.
  tools: Duration.minutes(5),
};

/** The whole deployment; each concern is one construct in lib/. */
export class PyMonitorStack extends Stack {
  readonly data: Data;
  readonly api: Api;
  readonly realtime: Realtime;
  readonly checks: Checks;
  readonly web: Web;
  readonly migrations: Migrations;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: PyMonitorStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.data = new Data(this, 'Data', config);
    const alerts = new Alerts(this, 'Alerts', config);
    this.realtime = new Realtime(this, 'Realtime', { config, data: this.data });
    // WebSocket stages cannot log before the region's API Gateway log role is set.
    const logRole = config.apiGatewayLogRole ? new ApiGatewayLogRole(this, 'ApiGatewayLogRole') : undefined;
    this.checks = new Checks(this, 'Checks', {
      config,
      data: this.data,
      wsStage: this.realtime.stage,
      mailFrom: alerts.fromAddress,
    });
    this.api = new Api(this, 'Api', { config, data: this.data, queues: this.checks.queues });
    // PDF reports: the browser function reads the page the API left and writes the answer (services/queued-answers.ts).
    this.checks.browser.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.data.blobBucket.arnForObjects(PAGE_KEYS)] }));
    if (logRole) {
      this.realtime.stage.node.addDependency(logRole.account);
      this.api.stage.node.addDependency(logRole.account);
    }
    const wsHost = `${this.realtime.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`;
    this.web = new Web(this, 'Web', { config, apiDomainName: this.api.domainName, wsUrl: this.realtime.stage.url, wsHost });
    this.api.apiFunction.addEnvironment('VIEWER_ADDRESS_KEY', this.web.originKey);
    this.migrations = new Migrations(this, 'Migrations', { config, data: this.data });

    // Links in emails and webhooks point at the dashboard.
    const publicUrl = `https://${config.domainNames[0] ?? this.web.distribution.distributionDomainName}`;
    for (const fn of [this.api.apiFunction, this.checks.results, this.checks.notifier, this.checks.daily]) {
      fn.addEnvironment('PUBLIC_URL', publicUrl);
    }
    // Migrations first, so no function meets a schema older than its code.
    for (const fn of [this.api.apiFunction, this.realtime.wsFunction, this.checks.scheduler, this.checks.results, this.checks.daily]) {
      fn.node.addDependency(this.migrations.resource);
    }

    if (config.xrayTracing) enableTracing(this);

    this.alarms = new Alarms(this, 'Alarms', config);
    const names: Record<QueueKey, string> = { checks: 'Check', browser: 'Browser', results: 'Results', notifications: 'Notify', tools: 'Tools' };
    for (const [key, { dlq }] of Object.entries(this.checks.queues) as [QueueKey, QueueWithDlq][]) {
      this.alarms.watchDeadLetterQueue(names[key], dlq);
    }
    this.alarms.watchDeadLetterQueue('Daily', this.checks.dailyDlq);
    for (const [key, { queue }] of Object.entries(this.checks.queues) as [QueueKey, QueueWithDlq][]) {
      this.alarms.watchBacklog(names[key], queue, QUEUE_MAX_AGE[key]);
    }
    const functions = {
      Api: this.api.apiFunction,
      Tools: this.api.toolsFunction,
      Ws: this.realtime.wsFunction,
      Scheduler: this.checks.scheduler,
      Checker: this.checks.checker,
      Browser: this.checks.browser.fn,
      Results: this.checks.results,
      Notifier: this.checks.notifier,
      Daily: this.checks.daily,
      Migrate: this.migrations.fn,
    };
    // Throttle alarms where a throttle is seen nowhere else: the reserved checker and browser, the
    // synchronous API and WebSocket, and the scheduler (a throttled tick queues nothing). A throttled
    // queue consumer shows in its queue's backlog alarm, a throttled daily run in the daily DLQ's; the
    // migrator runs only during a deploy, which fails and rolls back with it (no alarms: each costs $0.10 a month).
    const throttleAlarms = new Set(['Api', 'Ws', 'Scheduler', 'Checker', 'Browser']);
    for (const [name, fn] of Object.entries(functions)) {
      if (name !== 'Migrate') this.alarms.watchFunction(name, fn, { throttles: throttleAlarms.has(name) });
    }

    new CfnOutput(this, 'DashboardUrl', { value: publicUrl });
    new CfnOutput(this, 'DistributionDomainName', {
      value: this.web.distribution.distributionDomainName,
      description: 'Target of the alias (or CNAME) record of each custom domain name',
    });
    new CfnOutput(this, 'HttpApiUrl', { value: this.api.httpApi.apiEndpoint });
    new CfnOutput(this, 'WebSocketUrl', { value: this.realtime.stage.url });
    if (this.api.metricsToken) {
      new CfnOutput(this, 'MetricsUrl', { value: `${this.api.httpApi.apiEndpoint}/metrics`, description: 'Prometheus scrape target (bearer token: MetricsTokenSecretArn)' });
      new CfnOutput(this, 'MetricsTokenSecretArn', {
        value: this.api.metricsToken.secretArn,
        description: 'aws secretsmanager get-secret-value --secret-id <this> --query SecretString: {"token": ...}',
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'DatabaseSecretArn', { value: this.data.databaseSecret.secretArn });
    new CfnOutput(this, 'DatabaseClusterId', {
      value: this.data.cluster.clusterIdentifier,
      description: 'For turning deletion protection off before a teardown, and for snapshots',
    });
    alerts.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, { value: `${record.name} CNAME ${record.value}`, description: 'Add to the sender domain DNS' });
    });
    const logGroups: Record<string, ILogGroup> = {
      ...Object.fromEntries(Object.entries(functions).map(([name, fn]) => [name, fn.logGroup])),
      HttpApiAccess: this.api.accessLog.logGroup,
      WebSocketAccess: this.realtime.accessLog.logGroup,
    };
    for (const [name, logGroup] of Object.entries(logGroups)) {
      new CfnOutput(this, `${name}LogGroup`, { value: logGroup.logGroupName });
    }
    for (const [key, { dlq }] of Object.entries(this.checks.queues) as [QueueKey, QueueWithDlq][]) {
      new CfnOutput(this, `${names[key]}DlqUrl`, { value: dlq.queueUrl });
    }
    new CfnOutput(this, 'DailyDlqUrl', { value: this.checks.dailyDlq.queueUrl });
  }
}
