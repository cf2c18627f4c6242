import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionId, resourcesOf, synthStack } from './synth.ts';

let template: ReturnType<typeof synthStack>['template'];
beforeAll(() => {
  template = synthStack().template;
});

const consumers = {
  Check: 'Probes targets',
  Browser: 'Chromium checks',
  Results: 'Records results',
  Notify: 'Delivers email',
  Tools: 'Ad-hoc probing tools',
} as const;

describe('schedules', () => {
  it('ticks the scheduler every minute without retries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId(template, 'Every minute'), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
  });

  it('runs the daily function once a day', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(15 3 * * ? *)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId(template, 'Daily:'), 'Arn'] } })],
    });
  });

  it('keeps a failed daily run in a dead-letter queue, delivered or not, and alarms on it', () => {
    const dlqId = Object.keys(resourcesOf(template, 'AWS::SQS::Queue')).find((k) => k.startsWith('ChecksDailyDlq'));
    expect(dlqId).toBeDefined();
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(15 3 * * ? *)',
      Targets: [Match.objectLike({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } }, RetryPolicy: { MaximumRetryAttempts: 2 } })],
    });
    // Function errors after Lambda's two asynchronous retries go to the same queue.
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Daily:'),
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlqId }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } })]) },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
    });
  });

  it('runs the anomaly job every hour on the daily function, with its own input and the same dead-letter queue', () => {
    const dlqId = Object.keys(resourcesOf(template, 'AWS::SQS::Queue')).find((k) => k.startsWith('ChecksDailyDlq'));
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(2 * * * ? *)',
      Targets: [Match.objectLike({
        Arn: { 'Fn::GetAtt': [functionId(template, 'Daily:'), 'Arn'] },
        Input: JSON.stringify({ job: 'anomalies' }),
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 2 },
      })],
    });
  });

  it('takes schedules from configuration', () => {
    const custom = synthStack({ checkSchedule: 'rate(2 minutes)', dailySchedule: 'cron(0 1 * * ? *)' }).template;
    custom.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(2 minutes)' });
    custom.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 1 * * ? *)' });
  });
});

describe('queues', () => {
  it('gives each of the five queues a dead-letter queue', () => {
    // Five queues, their five dead-letter queues and the daily rule's.
    template.resourceCountIs('AWS::SQS::Queue', 11);
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    for (const name of Object.keys(consumers)) {
      const [id, queue] = Object.entries(queues).find(([k]) => k.startsWith(`Checks${name}Queue`)) ?? [];
      const dlqId = Object.keys(queues).find((k) => k.startsWith(`Checks${name}Dlq`));
      expect(id, name).toBeDefined();
      expect(queue?.Properties?.['RedrivePolicy'], name).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
        maxReceiveCount: 3,
      });
    }
  });

  it('alarms when any dead-letter queue holds a message', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    for (const name of Object.keys(consumers)) {
      const dlqId = Object.keys(queues).find((k) => k.startsWith(`Checks${name}Dlq`));
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp('AlarmsTopic') })],
      });
    }
  });

  it('consumes every queue with partial batch responses', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 5);
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    for (const [name, description] of Object.entries(consumers)) {
      const queueId = Object.keys(queues).find((k) => k.startsWith(`Checks${name}Queue`));
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        FunctionName: { Ref: functionId(template, description) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
  });

  it('alarms when the oldest message of any queue waits too long', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    const maxAge = { Check: 300, Browser: 600, Results: 300, Notify: 300, Tools: 300 };
    for (const [name, seconds] of Object.entries(maxAge)) {
      const queueId = Object.keys(queues).find((k) => k.startsWith(`Checks${name}Queue`));
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateAgeOfOldestMessage',
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: seconds,
        AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp('AlarmsTopic') })],
      });
    }
    const ageAlarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).filter((a) => a.Properties?.['MetricName'] === 'ApproximateAgeOfOldestMessage');
    expect(ageAlarms).toHaveLength(5);
  });

  it('keeps messages invisible for six times the consumer timeout', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    const check = Object.entries(queues).find(([k]) => k.startsWith('ChecksCheckQueue'))?.[1];
    expect(check?.Properties?.['VisibilityTimeout']).toBe(720);
  });
});

describe('check concurrency (spec 6.2)', () => {
  it('reserves ten concurrent checkers and caps their queue poller at ten', () => {
    const checker = functionId(template, 'Probes targets');
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Probes targets'), ReservedConcurrentExecutions: 10 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: checker },
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  it('reserves two browser functions, one message each', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Chromium checks'),
      ReservedConcurrentExecutions: 2,
      PackageType: 'Image',
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId(template, 'Chromium checks') },
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it("tells the API the browser function's reserved executions, which bound the browser runs it admits on demand", () => {
    const apiEnv = (t: typeof template) =>
      (resourcesOf(t)[functionId(t, 'REST API')]?.Properties?.['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(apiEnv(template)['BROWSER_CONCURRENCY']).toBe('2');
    expect(apiEnv(synthStack({ browserConcurrency: '17' }).template)['BROWSER_CONCURRENCY']).toBe('17');
  });

  it('caps the results consumer, whose every container holds database connections', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId(template, 'Records results') },
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('takes the limits from configuration', () => {
    const custom = synthStack({ checkerConcurrency: '25', browserConcurrency: '4', resultsConcurrency: '8' }).template;
    custom.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId(custom, 'Records results') },
      ScalingConfig: { MaximumConcurrency: 8 },
    });
    custom.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Probes targets'), ReservedConcurrentExecutions: 25 });
    custom.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Chromium checks'), ReservedConcurrentExecutions: 4 });
    custom.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId(custom, 'Chromium checks') },
      ScalingConfig: { MaximumConcurrency: 4 },
    });
  });

  it('refuses a browserConcurrency below 2, where no maximum concurrency could hold the pollers to the reservation', () => {
    expect(() => synthStack({ browserConcurrency: '1' })).toThrow(/browserConcurrency/);
  });
});

describe('placement', () => {
  it('keeps the probing functions outside the VPC and the data functions inside', () => {
    const fns = resourcesOf(template, 'AWS::Lambda::Function');
    const inVpc = (description: string) => fns[functionId(template, description)]?.Properties?.['VpcConfig'] !== undefined;
    for (const d of ['Probes targets', 'Chromium checks', 'Delivers email', 'Ad-hoc probing tools']) expect(inVpc(d), d).toBe(false);
    for (const d of ['Every minute', 'Records results', 'Daily:', 'REST API', 'WebSocket', 'Applies database migrations']) expect(inVpc(d), d).toBe(true);
  });

  it('builds the browser function from a container image on x86_64', () => {
    const browser = resourcesOf(template)[functionId(template, 'Chromium checks')];
    expect(browser?.Properties?.['Architectures']).toEqual(['x86_64']);
    expect(browser?.Properties?.['Code']).toHaveProperty('ImageUri');
  });

  it("sizes each function's database pool", () => {
    const poolOf = (description: string) =>
      (resourcesOf(template)[functionId(template, description)]?.Properties?.['Environment'] as { Variables: Record<string, unknown> }).Variables[
        'DATABASE_POOL_MAX'
      ];
    expect(poolOf('REST API')).toBe('2');
    expect(poolOf('WebSocket')).toBe('1');
    expect(poolOf('Every minute')).toBe('2');
    expect(poolOf('Records results')).toBe('2');
    expect(poolOf('Daily:')).toBe('2');
    expect(poolOf('Applies database migrations')).toBe('2');
  });

  it('runs zip functions on Node 24 arm64, without X-Ray tracing by default', () => {
    const zips = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).filter(
      (f) => JSON.stringify(f.Properties?.['Environment'] ?? {}).includes('"MODE":"aws"') && f.Properties?.['PackageType'] !== 'Image',
    );
    expect(zips.length).toBe(9);
    for (const f of zips) {
      expect(f.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
      expect(f.Properties?.['TracingConfig']).toBeUndefined();
    }
    const policies = JSON.stringify(resourcesOf(template, 'AWS::IAM::Policy'));
    expect(policies).not.toContain('xray:PutTraceSegments');
  });

  it("runs every Node.js function of the template on nodejs24.x, CDK's own custom-resource handlers included (issue 13.7)", () => {
    const runtimes = Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))
      .map(([id, f]) => [id, String(f.Properties?.['Runtime'] ?? f.Properties?.['PackageType'])] as const);
    const node = runtimes.filter(([, runtime]) => runtime.startsWith('nodejs'));
    // Ours (9), the migration provider's framework, and CDK's handlers for the default security group and auto-deleted objects.
    expect(node.length).toBeGreaterThanOrEqual(12);
    for (const [id, runtime] of node) expect(runtime, id).toBe('nodejs24.x');
    // The rest: the Chromium container (Node 24 base image, test/infra/browser-image.test.ts) and the dashboard upload (Python).
    expect(runtimes.filter(([, r]) => !r.startsWith('nodejs')).map(([, r]) => r).sort()).toEqual(['Image', expect.stringMatching(/^python3\./)]);
  });

  it('turns X-Ray tracing on for every function, the browser too, with xrayTracing=true', () => {
    const traced = synthStack({ xrayTracing: 'true' }).template;
    const fns = Object.values(resourcesOf(traced, 'AWS::Lambda::Function')).filter((f) => JSON.stringify(f.Properties?.['Environment'] ?? {}).includes('"MODE":"aws"'));
    expect(fns.length).toBe(10);
    for (const f of fns) expect(f.Properties?.['TracingConfig']).toEqual({ Mode: 'Active' });
    traced.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' })]) },
    });
  });
});

describe('batching (issue 18)', () => {
  it('gathers check messages and results for five seconds before invoking their consumers', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId(template, 'Probes targets') },
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 5,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId(template, 'Records results') },
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 5,
    });
  });

  it('gives the checker two minutes (a batch spans 20 s of due times) at 128 MB, and lets it put checks back on its queue', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Probes targets'), Timeout: 120, MemorySize: 128 });
    const checker = resourcesOf(template)[functionId(template, 'Probes targets')];
    const env = (checker?.Properties?.['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['CHECK_QUEUE_URL', 'RESULTS_QUEUE_URL']));
  });

  it('takes the checker memory from checkerMemoryMb, and refuses less than Lambda allows', () => {
    synthStack({ checkerMemoryMb: '640' }).template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Probes targets'), MemorySize: 640 });
    expect(() => synthStack({ checkerMemoryMb: '64' })).toThrow(/checkerMemoryMb/);
  });
});
