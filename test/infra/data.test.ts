import { Match } from 'aws-cdk-lib/assertions';
import * as rds from 'aws-cdk-lib/aws-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployConfigSchema } from '../../lib/config.ts';
import { functionId, resourcesOf, synthStack } from './synth.ts';

let template: ReturnType<typeof synthStack>['template'];
beforeAll(() => {
  template = synthStack().template;
});

describe('network', () => {
  it('has no NAT gateway, internet gateway or public subnet by default', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    for (const subnet of Object.values(resourcesOf(template, 'AWS::EC2::Subnet'))) {
      expect(subnet.Properties?.['MapPublicIpOnLaunch']).not.toBe(true);
    }
  });

  it('reaches SQS and Secrets Manager through interface endpoints and S3/DynamoDB through gateways, and has no Lambda endpoint', () => {
    // The API reaches the tools and browser functions by queue and S3 (services/queued-answers.ts).
    const interfaces = Object.values(resourcesOf(template, 'AWS::EC2::VPCEndpoint')).filter((e) => e.Properties?.['VpcEndpointType'] === 'Interface');
    expect(interfaces.map((e) => e.Properties?.['ServiceName']).sort()).toEqual(['com.amazonaws.us-east-1.secretsmanager', 'com.amazonaws.us-east-1.sqs']);
    for (const service of ['sqs', 'secretsmanager']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        ServiceName: `com.amazonaws.us-east-1.${service}`,
        SubnetIds: Match.anyValue(),
      });
    }
    for (const service of ['s3', 'dynamodb']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] },
      });
    }
  });

  it('puts interface endpoints in one AZ unless configured otherwise', () => {
    const subnetsOf = (t: typeof template) =>
      Object.values(resourcesOf(t, 'AWS::EC2::VPCEndpoint'))
        .filter((e) => e.Properties?.['VpcEndpointType'] === 'Interface')
        .map((e) => (e.Properties?.['SubnetIds'] as unknown[]).length);
    expect(subnetsOf(template)).toEqual([1, 1]);
    expect(subnetsOf(synthStack({ vpcEndpointAzs: '2' }).template)).toEqual([2, 2]);
  });

  it('adds NAT and moves every function into private subnets when natGateways is set', () => {
    const withNat = synthStack({ natGateways: '1' }).template;
    withNat.resourceCountIs('AWS::EC2::NatGateway', 1);
    withNat.resourceCountIs('AWS::EC2::InternetGateway', 1);
    const fns = Object.values(resourcesOf(withNat, 'AWS::Lambda::Function')).filter((f) =>
      JSON.stringify(f.Properties?.['Environment'] ?? {}).includes('"MODE":"aws"'),
    );
    expect(fns).toHaveLength(10);
    for (const f of fns) expect(f.Properties?.['VpcConfig'], String(f.Properties?.['Description'])).toBeDefined();
  });
});

describe('Aurora PostgreSQL Serverless v2', () => {
  it('scales from 0 ACU with auto-pause, credentials in Secrets Manager', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: '17.9',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2, SecondsUntilAutoPause: 600 },
      StorageEncrypted: true,
      MasterUserPassword: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('resolve:secretsmanager')])] },
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', PubliclyAccessible: false });
    template.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
  });

  it('protects the cluster from deletion while data is retained, and not otherwise', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', { DeletionProtection: true });
    const disposable = synthStack({ retainData: 'false' }).template;
    disposable.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtection: false }) });
  });

  it('defaults to an engine version the installed aws-cdk-lib knows as a released Aurora PostgreSQL version', () => {
    // Offline, the nearest proof that AWS offers it; the README says how to check the region's list.
    const known = Object.getOwnPropertyNames(rds.AuroraPostgresEngineVersion).filter((n) => n.startsWith('VER_'));
    const { dbEngineVersion } = deployConfigSchema.parse({});
    expect(known).toContain(`VER_${dbEngineVersion.replace('.', '_')}`);
  });

  it('takes the engine version from configuration and refuses one that is not a version', () => {
    synthStack({ dbEngineVersion: '16.13' }).template.hasResourceProperties('AWS::RDS::DBCluster', {
      EngineVersion: '16.13',
      DBClusterParameterGroupName: 'default.aurora-postgresql16',
    });
    template.hasResourceProperties('AWS::RDS::DBCluster', { DBClusterParameterGroupName: 'default.aurora-postgresql17' });
    expect(() => synthStack({ dbEngineVersion: 'latest' })).toThrow(/dbEngineVersion/);
  });

  it('restores the same cluster resource from a snapshot when configured, with a new password for its user', () => {
    const restored = synthStack({ dbSnapshotIdentifier: 'pymonitor-final-snapshot' }).template;
    const clusterIds = (t: typeof template) => Object.keys(resourcesOf(t, 'AWS::RDS::DBCluster'));
    expect(clusterIds(restored)).toEqual(clusterIds(template));
    restored.hasResourceProperties('AWS::RDS::DBCluster', {
      SnapshotIdentifier: 'pymonitor-final-snapshot',
      EngineVersion: '17.9',
      DeletionProtection: true,
      MasterUserPassword: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('resolve:secretsmanager')])] },
    });
    const cluster = Object.values(resourcesOf(restored, 'AWS::RDS::DBCluster'))[0];
    expect(cluster?.Properties?.['DatabaseName']).toBeUndefined();
    // The same secret shape as a new cluster's: the attachment fills in host, port and database.
    restored.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: JSON.stringify({ username: 'pymonitor' }) }),
    });
    restored.resourceCountIs('AWS::SecretsManager::SecretTargetAttachment', 1);
  });

  it('lets CloudFormation name the secrets, so a redeploy after a destroy does not collide', () => {
    const secrets = Object.values(resourcesOf(template, 'AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(2);
    for (const secret of secrets) expect(secret.Properties?.['Name']).toBeUndefined();
  });

  it('takes the ACU range from configuration', () => {
    const custom = synthStack({ dbMinAcu: '0.5', dbMaxAcu: '8' }).template;
    custom.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 },
    });
  });

  it('rejects a maximum below the minimum', () => {
    expect(() => synthStack({ dbMinAcu: '4', dbMaxAcu: '2' })).toThrow(/dbMaxAcu/);
  });
});

describe('ElastiCache Serverless', () => {
  it('runs Valkey in the VPC with usage limits and a locked-down security group', () => {
    template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      Engine: 'valkey',
      CacheUsageLimits: { DataStorage: { Maximum: 1, Unit: 'GB' }, ECPUPerSecond: { Maximum: 5000 } },
      SubnetIds: Match.anyValue(),
      SecurityGroupIds: [Match.anyValue()],
    });
    const url = JSON.stringify(resourcesOf(template, 'AWS::Lambda::Function'));
    expect(url).toContain('rediss://');
  });
});

describe('WebSocket connections table', () => {
  it('is on-demand with TTL and a GSI for users and projects', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'gsi1' })],
    });
  });
});

describe('blob bucket', () => {
  it('is private, TLS-only, expires screenshots and request answers, and is retained on teardown', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({ Prefix: 'screenshots/', ExpirationInDays: 30, Status: 'Enabled' }),
            Match.objectLike({ Prefix: 'answers/', ExpirationInDays: 1, Status: 'Enabled' }),
          ],
        },
      }),
    });
  });
});

describe('migrations', () => {
  it('run on deploy through a custom resource keyed by the migrations hash', () => {
    template.hasResourceProperties('Custom::PyMonitorMigrations', {
      migrationsHash: Match.stringLikeRegexp('^[0-9a-f]{64}$'),
      ServiceToken: Match.anyValue(),
    });
  });

  it("wait for the migrator's own database ingress rule, and only its own", () => {
    const [migrationId] = Object.keys(resourcesOf(template, 'Custom::PyMonitorMigrations'));
    const dependsOn = resourcesOf(template)[migrationId ?? '']?.DependsOn ?? [];
    const ingress = resourcesOf(template, 'AWS::EC2::SecurityGroupIngress');
    const fromMigrator = Object.entries(ingress)
      .filter(([, r]) => JSON.stringify(r.Properties?.['SourceSecurityGroupId']).includes('MigrationsMigrateFunctionSecurityGroup'))
      .map(([id]) => id);
    expect(fromMigrator).toHaveLength(1);
    expect(dependsOn).toEqual(expect.arrayContaining(fromMigrator));
    expect(dependsOn.filter((d) => d in ingress)).toEqual(fromMigrator);
  });

  it('run before the functions that use the schema', () => {
    const [migrationId] = Object.keys(resourcesOf(template, 'Custom::PyMonitorMigrations'));
    const api = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).find((f) =>
      String(f.Properties?.['Description']).startsWith('REST API'),
    ) as unknown as { DependsOn?: string[] } | undefined;
    expect(api?.DependsOn).toContain(migrationId);
  });
});

describe('alarms', () => {
  it('watch errors of every function but the migrator, throttles where nothing else sees them, and send to one SNS topic', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    const watched = (metric: string) =>
      alarms
        .filter((a) => a.Properties?.['MetricName'] === metric)
        .map((a) => String((a.Properties?.['Dimensions'] as { Value: { Ref: string } }[])[0]?.Value.Ref))
        .sort();
    const fns = (...descriptions: string[]) => descriptions.map((d) => functionId(template, d)).sort();
    const all = ['REST API', 'Ad-hoc probing tools', 'WebSocket', 'Every minute', 'Probes targets', 'Chromium checks', 'Records results', 'Delivers email', 'Daily:'];
    expect(watched('Errors')).toEqual(fns(...all));
    // A throttled queue consumer shows in its queue's backlog alarm, a throttled daily run in its DLQ's.
    expect(watched('Throttles')).toEqual(fns('REST API', 'WebSocket', 'Every minute', 'Probes targets', 'Chromium checks'));
    // Dead-letter queues (five queues and the daily rule's) and backlogs (five queues).
    expect(alarms).toHaveLength(9 + 5 + 6 + 5);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribe the alarm email when configured', () => {
    synthStack({ alarmEmail: 'ops@example.com' }).template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});

describe('CloudFormation validation', () => {
  it('passes the built-in template validation', () => {
    expect(() => synthStack({ '@aws-cdk/core:validateAgainstDefaultRules': true }, { validate: true })).not.toThrow();
  });
});
