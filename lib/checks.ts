import { Duration } from 'aws-cdk-lib';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Browser } from './browser.ts';
import type { DeployConfig } from './config.ts';
import { DATABASE_POOL_MAX, type Data } from './data.ts';
import { HouseFunction } from './house-function.ts';
import { forProbes, inVpc } from './placement.ts';

export type QueueKey = 'checks' | 'browser' | 'results' | 'notifications' | 'tools';

export interface QueueWithDlq {
  queue: sqs.Queue;
  dlq: sqs.Queue;
}

/** A message that failed this many receives moves to the dead-letter queue. */
const MAX_RECEIVE_COUNT = 3;
/** The checker's time limit; a check's budget is capped below what an invocation has left of it. */
export const CHECKER_TIMEOUT_SECONDS = 120;
/** Batching windows of the check and results queues (functions/scheduler.ts sends checks this much early). */
export const CHECK_BATCHING_WINDOW_SECONDS = 5;
export const RESULTS_BATCHING_WINDOW_SECONDS = 5;

/**
 * The check pipeline: EventBridge -> scheduler -> check/browser queues -> checker/browser (outside
 * the VPC) -> results queue -> results (in the VPC) -> notifications queue -> notifier (outside).
 * The tools queue takes the API's network tools to the tools function (lib/api.ts).
 * Every queue has a DLQ; every consumer reports partial batch failures.
 */
export class Checks extends Construct {
  readonly queues: Record<QueueKey, QueueWithDlq>;
  readonly scheduler: HouseFunction;
  readonly checker: HouseFunction;
  readonly results: HouseFunction;
  readonly notifier: HouseFunction;
  readonly daily: HouseFunction;
  /** Daily rule invocations that failed after their retries. */
  readonly dailyDlq: sqs.Queue;
  readonly browser: Browser;

  constructor(
    scope: Construct,
    id: string,
    props: { config: DeployConfig; data: Data; wsStage: WebSocketStage; mailFrom: string },
  ) {
    super(scope, id);
    const { config, data } = props;
    const db = { secret: data.databaseSecret, connections: data.cluster.connections };
    const logRetentionDays = config.logRetentionDays;

    // Visibility timeout is six times the consumer's timeout, as Lambda's SQS guidance asks.
    const timeouts: Record<QueueKey, Duration> = {
      // A batch spans up to 20 s of due times, and each check's budget is capped by what is left.
      checks: Duration.seconds(CHECKER_TIMEOUT_SECONDS),
      browser: Duration.seconds(120),
      results: Duration.seconds(60),
      notifications: Duration.seconds(60),
      // The tools function (lib/api.ts): a tool ends within 20 s.
      tools: Duration.seconds(25),
    };
    const makeQueue = (key: QueueKey, name: string): QueueWithDlq => {
      const dlq = new sqs.Queue(this, `${name}Dlq`, {
        retentionPeriod: Duration.days(14),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      const queue = new sqs.Queue(this, `${name}Queue`, {
        visibilityTimeout: Duration.seconds(timeouts[key].toSeconds() * 6),
        retentionPeriod: Duration.days(4),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: dlq, maxReceiveCount: MAX_RECEIVE_COUNT },
      });
      return { queue, dlq };
    };
    this.queues = {
      checks: makeQueue('checks', 'Check'),
      browser: makeQueue('browser', 'Browser'),
      results: makeQueue('results', 'Results'),
      notifications: makeQueue('notifications', 'Notify'),
      tools: makeQueue('tools', 'Tools'),
    };
    const q = this.queues;

    this.scheduler = new HouseFunction(this, 'Scheduler', {
      entry: 'functions/scheduler.ts',
      description: 'Every minute: enqueue the checks that are due',
      timeout: Duration.seconds(50),
      logRetentionDays,
      ...inVpc(data),
    })
      .bindDatabase(db, DATABASE_POOL_MAX.scheduler)
      .bindQueueSender(q.checks.queue, 'CHECK_QUEUE_URL')
      // Each tick re-sends due outbox deliveries, and every 6th cycle queues the deep browser check and journeys.
      .bindQueueSender(q.notifications.queue, 'NOTIFY_QUEUE_URL')
      .bindQueueSender(q.browser.queue, 'BROWSER_QUEUE_URL');
    new events.Rule(this, 'EveryMinute', {
      description: 'Py_Monitor scheduler tick',
      schedule: events.Schedule.expression(config.checkSchedule),
      // A missed tick is covered by the next one; retrying would only double-enqueue.
      targets: [new targets.LambdaFunction(this.scheduler, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });

    this.checker = new HouseFunction(this, 'Checker', {
      entry: 'functions/checker.ts',
      description: 'Probes targets (HTTP, SSL, DNS, TCP/UDP, content, headers, API)',
      timeout: timeouts.checks,
      // Mostly waiting on sockets and due times: 128 MB (~0.07 vCPU) carries ~17 checks/s (bench/cost/checker.ts).
      memorySize: config.checkerMemoryMb,
      reservedConcurrentExecutions: config.checkerConcurrency,
      logRetentionDays,
      ...forProbes(data, config),
    })
      // The window gathers the batch messages due close together into one invocation; the scheduler
      // sends each that much early (the checker waits for each check's due time).
      .bindQueueConsumer(q.checks.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(CHECK_BATCHING_WINDOW_SECONDS),
        maxConcurrency: config.checkerConcurrency,
      })
      .bindQueueSender(q.results.queue, 'RESULTS_QUEUE_URL')
      // Checks an invocation has no time left to start go back on the queue.
      .bindQueueSender(q.checks.queue, 'CHECK_QUEUE_URL');

    this.browser = new Browser(this, 'Browser', {
      config,
      queue: q.browser.queue,
      resultsQueue: q.results.queue,
      blobBucket: data.blobBucket,
      placement: forProbes(data, config),
    });

    this.results = new HouseFunction(this, 'Results', {
      entry: 'functions/results.ts',
      description: 'Records results, evaluates alerts, writes the outbox',
      timeout: timeouts.results,
      // Mostly waiting on the database: 256 MB costs the least per result (bench/cost/results.ts:
      // 0.84 / 1.38 / 3.11 ms per result at 512 / 256 / 128 MB, ~0.2 ms of CPU each).
      memorySize: 256,
      logRetentionDays,
      ...inVpc(data),
    })
      // Capped: every consumer holds database connections, and a backlog would otherwise scale it up to Aurora's limit.
      .bindQueueConsumer(q.results.queue, { batchSize: 10, maxBatchingWindow: Duration.seconds(RESULTS_BATCHING_WINDOW_SECONDS), maxConcurrency: config.resultsConcurrency })
      .bindDatabase(db, DATABASE_POOL_MAX.results)
      .bindQueueSender(q.notifications.queue, 'NOTIFY_QUEUE_URL')
      // Status pushes are queued only while someone subscribes to the project.
      .bindTable(data.connectionsTable, 'read');

    this.notifier = new HouseFunction(this, 'Notifier', {
      entry: 'functions/notifier.ts',
      description: 'Delivers email (SES), webhooks and WebSocket pushes; reports outcomes',
      timeout: timeouts.notifications,
      logRetentionDays,
      ...forProbes(data, config),
    })
      .bindQueueConsumer(q.notifications.queue, { batchSize: 10 })
      .bindMailSender(props.mailFrom)
      .bindWebSocketPush(props.wsStage)
      .bindTable(data.connectionsTable, 'readWrite')
      .bindQueueSender(q.results.queue, 'RESULTS_QUEUE_URL');

    // A daily run that fails lands here, whether EventBridge could not deliver it or the function
    // failed Lambda's two asynchronous retries.
    this.dailyDlq = new sqs.Queue(this, 'DailyDlq', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.daily = new HouseFunction(this, 'Daily', {
      entry: 'functions/daily.ts',
      description: 'Daily: retention cleanup and partitions; enqueues SSL/domain expiry probes; hourly: anomaly detection',
      timeout: Duration.minutes(5),
      deadLetterQueue: this.dailyDlq,
      logRetentionDays,
      ...inVpc(data),
    })
      .bindDatabase(db, DATABASE_POOL_MAX.daily)
      .bindQueueSender(q.checks.queue, 'CHECK_QUEUE_URL');
    new events.Rule(this, 'DailyRule', {
      description: 'Py_Monitor daily maintenance',
      schedule: events.Schedule.expression(config.dailySchedule),
      targets: [new targets.LambdaFunction(this.daily, { retryAttempts: 2, deadLetterQueue: this.dailyDlq })],
    });
    // Anomaly detection (spec 8.2) over the hour just ended: the same function with another input.
    new events.Rule(this, 'HourlyRule', {
      description: 'Py_Monitor hourly anomaly detection',
      schedule: events.Schedule.expression(config.hourlySchedule),
      targets: [new targets.LambdaFunction(this.daily, { event: events.RuleTargetInput.fromObject({ job: 'anomalies' }), retryAttempts: 2, deadLetterQueue: this.dailyDlq })],
    });
  }
}
