import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DeployConfig } from './config.ts';

/** Operational alarms (not the product's alerts): DLQs, function errors and throttles, queue backlogs. */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, config: DeployConfig) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Py_Monitor operational alarms', enforceSSL: true });
    if (config.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    this.action = new actions.SnsAction(this.topic);
  }

  private add(id: string, metric: cloudwatch.IMetric, description: string, threshold = 1): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }

  /** Any message in a dead-letter queue means work was given up on. */
  watchDeadLetterQueue(name: string, dlq: sqs.IQueue): void {
    this.add(
      `${name}DlqNotEmpty`,
      dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      `${name} dead-letter queue is not empty`,
    );
  }

  /** Messages waiting longer than this mean the queue's consumer falls behind: it needs more concurrency. */
  watchBacklog(name: string, queue: sqs.IQueue, maxAge: Duration): void {
    this.add(
      `${name}Backlog`,
      queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      `${name} queue has messages older than ${maxAge.toHumanString()}`,
      maxAge.toSeconds(),
    );
  }

  /** Errors always; throttles where nothing else would see them (see the stack's list). */
  watchFunction(name: string, fn: lambda.IFunction, opts: { throttles: boolean }): void {
    const period = Duration.minutes(5);
    this.add(`${name}Errors`, fn.metricErrors({ period, statistic: 'Sum' }), `${name} function errors`);
    if (opts.throttles) this.add(`${name}Throttles`, fn.metricThrottles({ period, statistic: 'Sum' }), `${name} function throttled`);
  }
}
