import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DeployConfig } from './config.ts';
import { projectRoot } from './house-function.ts';
import type { Placement } from './placement.ts';

/** Paths kept out of the image build context (the Dockerfile bundles from the project root). */
export const BROWSER_IMAGE_EXCLUDE = ['node_modules', 'cdk.out', '.data', '.git', 'test', 'bench', 'frontend', 'events', '*.md'];

/**
 * The Chromium container function (browser metrics, screenshots, synthetic journeys). The image is
 * built by `cdk deploy` from functions/browser/Dockerfile; synth without bundling (tests) or with
 * `skipBrowserImage` references a placeholder image instead, so no Docker and no staging.
 */
export class Browser extends Construct {
  readonly fn: lambda.DockerImageFunction;

  constructor(
    scope: Construct,
    id: string,
    props: { config: DeployConfig; queue: IQueue; resultsQueue: IQueue; blobBucket: IBucket; placement: Placement },
  ) {
    super(scope, id);
    const { config } = props;
    const skipImage = config.skipBrowserImage || !Stack.of(this).bundlingRequired;
    const code = skipImage
      ? lambda.DockerImageCode.fromEcr(ecr.Repository.fromRepositoryName(this, 'PlaceholderRepository', 'py-monitor-browser-placeholder'))
      : lambda.DockerImageCode.fromImageAsset(projectRoot, {
          file: 'functions/browser/Dockerfile',
          platform: Platform.LINUX_AMD64,
          exclude: BROWSER_IMAGE_EXCLUDE,
        });

    // x86_64: @sparticuz/chromium ships an x64 build only.
    this.fn = new lambda.DockerImageFunction(this, 'Function', {
      code,
      description: 'Chromium checks: browser metrics, screenshots, synthetic journeys',
      architecture: lambda.Architecture.X86_64,
      memorySize: 2048,
      timeout: Duration.seconds(120),
      reservedConcurrentExecutions: config.browserConcurrency,
      logGroup: new logs.LogGroup(this, 'Logs', { retention: config.logRetentionDays as logs.RetentionDays, removalPolicy: RemovalPolicy.DESTROY }),
      environment: {
        MODE: 'aws',
        BLOB_BUCKET: props.blobBucket.bucketName,
        RESULTS_QUEUE_URL: props.resultsQueue.queueUrl,
      },
      ...props.placement,
    });
    props.blobBucket.grantPut(this.fn);
    props.resultsQueue.grantSendMessages(this.fn);
    this.fn.addEventSource(
      new SqsEventSource(props.queue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        // No more pollers' invocations than reserved executions: a throttled receive counts toward the DLQ.
        maxConcurrency: config.browserConcurrency,
      }),
    );
  }
}
