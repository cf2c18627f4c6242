import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DeployConfig } from './config.ts';
import { ANSWERS_PREFIX } from '../layers/services/queued-answers.ts';

export const DATABASE_NAME = 'pymonitor';
const DATABASE_USER = 'pymonitor';
/**
 * Connections one container of each function may open (DATABASE_POOL_MAX). Two where a transaction may
 * run beside another query; the WebSocket handler runs single queries.
 */
export const DATABASE_POOL_MAX = { api: 2, ws: 1, scheduler: 2, results: 2, daily: 2, migrate: 2 } as const;
/** WebSocket connection and subscription items expire with TTL (API Gateway caps a connection at 2 h). */
export const CONNECTIONS_TTL_ATTRIBUTE = 'expiresAt';

/**
 * Network and state: a VPC without NAT (isolated subnets plus endpoints), Aurora PostgreSQL
 * Serverless v2, ElastiCache Serverless (Valkey), the WebSocket connections table, the blob bucket
 * and the JWT signing secret.
 */
export class Data extends Construct {
  readonly vpc: ec2.Vpc;
  /** Subnets for in-VPC functions: isolated without NAT, private-with-egress with it. */
  readonly functionSubnets: ec2.SubnetSelection;
  readonly cluster: rds.DatabaseCluster | rds.DatabaseClusterFromSnapshot;
  /** The cluster's security group, which holds one ingress rule per function bound to the database. */
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  readonly databaseSecret: secretsmanager.ISecret;
  readonly jwtSecret: secretsmanager.Secret;
  readonly cacheUrl: string;
  readonly cacheSecurityGroup: ec2.SecurityGroup;
  readonly cachePorts = [ec2.Port.tcp(6379), ec2.Port.tcp(6380)];
  readonly connectionsTable: dynamodb.TableV2;
  readonly blobBucket: s3.Bucket;
  /** Endpoints the migration must wait for before it can read its secret. */
  readonly endpoints: Construct[] = [];

  /** The database ingress rules that admit `from` (one per security group of it). */
  databaseIngressFrom(from: ec2.IConnectable): ec2.CfnSecurityGroupIngress[] {
    const sources = new Set(from.connections.securityGroups.map((sg) => sg.securityGroupId));
    const rules = this.databaseSecurityGroup.node
      .findAll()
      .filter((c): c is ec2.CfnSecurityGroupIngress => c instanceof ec2.CfnSecurityGroupIngress)
      .filter((rule) => rule.sourceSecurityGroupId !== undefined && sources.has(rule.sourceSecurityGroupId));
    if (rules.length === 0) throw new Error(`no database ingress rule admits ${from.connections.securityGroups.length} security group(s)`);
    return rules;
  }

  constructor(scope: Construct, id: string, config: DeployConfig) {
    super(scope, id);
    const retain = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const withNat = config.natGateways > 0;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: config.natGateways,
      subnetConfiguration: withNat
        ? [
            { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
            { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
          ]
        : [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
    });
    this.functionSubnets = { subnetType: withNat ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED };

    // Gateway endpoints are free; interface endpoints are billed per AZ-hour, hence vpcEndpointAzs.
    this.vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    this.vpc.addGatewayEndpoint('DynamoDbEndpoint', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
    if (!withNat) {
      const endpointSubnets: ec2.SubnetSelection = {
        subnetType: ec2.SubnetType.PRIVATE_ISOLATED,
        availabilityZones: this.vpc.availabilityZones.slice(0, config.vpcEndpointAzs),
      };
      for (const [name, service] of [
        ['SqsEndpoint', ec2.InterfaceVpcEndpointAwsService.SQS],
        ['SecretsManagerEndpoint', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
        // No Lambda endpoint: the API reaches the tools and browser functions by queue, their answers
        // come back through S3 (services/queued-answers.ts).
      ] as const) {
        this.endpoints.push(this.vpc.addInterfaceEndpoint(name, { service, subnets: endpointSubnets, privateDnsEnabled: true }));
      }
    }

    this.databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc: this.vpc,
      description: 'Aurora PostgreSQL: reachable only from the functions bound to it',
      allowAllOutbound: false,
    });
    const clusterProps = {
      engine: rds.DatabaseClusterEngine.auroraPostgres({
        version: rds.AuroraPostgresEngineVersion.of(config.dbEngineVersion, config.dbEngineVersion.split('.')[0] ?? config.dbEngineVersion),
      }),
      writer: rds.ClusterInstance.serverlessV2('writer', { publiclyAccessible: false }),
      serverlessV2MinCapacity: config.dbMinAcu,
      serverlessV2MaxCapacity: config.dbMaxAcu,
      ...(config.dbMinAcu === 0 ? { serverlessV2AutoPauseDuration: Duration.minutes(config.dbAutoPauseMinutes) } : {}),
      vpc: this.vpc,
      vpcSubnets: this.functionSubnets,
      securityGroups: [this.databaseSecurityGroup],
      backup: { retention: Duration.days(config.dbBackupRetentionDays) },
      removalPolicy: config.retainData ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
      // Kept data is also protected from a delete or a replacing update; turn it off to tear down (README).
      deletionProtection: config.retainData,
    };
    // No secret names: CloudFormation generates them, so a redeploy after a destroy does not meet the
    // old names, which Secrets Manager keeps reserved during its recovery window.
    this.cluster = config.dbSnapshotIdentifier
      ? new rds.DatabaseClusterFromSnapshot(this, 'Database', {
          ...clusterProps,
          snapshotIdentifier: config.dbSnapshotIdentifier,
          // A new password for the snapshot's user. As for a new cluster, the secret's attachment adds the
          // connection details, the database name included, from the cluster.
          snapshotCredentials: rds.SnapshotCredentials.fromGeneratedSecret(DATABASE_USER),
        })
      : new rds.DatabaseCluster(this, 'Database', {
          ...clusterProps,
          credentials: rds.Credentials.fromGeneratedSecret(DATABASE_USER),
          defaultDatabaseName: DATABASE_NAME,
          storageEncrypted: true,
        });
    if (!this.cluster.secret) throw new Error('the cluster was created without a generated secret');
    this.databaseSecret = this.cluster.secret;

    this.cacheSecurityGroup = new ec2.SecurityGroup(this, 'CacheSecurityGroup', {
      vpc: this.vpc,
      description: 'ElastiCache Serverless: reachable only from the functions bound to it',
      allowAllOutbound: false,
    });
    const cache = new elasticache.CfnServerlessCache(this, 'Cache', {
      serverlessCacheName: `${Stack.of(this).stackName.toLowerCase()}-cache`,
      engine: 'valkey',
      majorEngineVersion: '8',
      description: 'Py_Monitor cache and rate limits',
      subnetIds: this.vpc.selectSubnets(this.functionSubnets).subnetIds,
      securityGroupIds: [this.cacheSecurityGroup.securityGroupId],
      cacheUsageLimits: {
        dataStorage: { maximum: config.cacheMaxDataGb, unit: 'GB' },
        ecpuPerSecond: { maximum: config.cacheMaxEcpuPerSecond },
      },
    });
    // Serverless caches accept TLS connections only.
    this.cacheUrl = `rediss://${cache.attrEndpointAddress}:${cache.attrEndpointPort}`;

    this.connectionsTable = new dynamodb.TableV2(this, 'Connections', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: CONNECTIONS_TTL_ATTRIBUTE,
      billing: dynamodb.Billing.onDemand(),
      globalSecondaryIndexes: [
        {
          indexName: 'gsi1',
          partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
        },
      ],
      // Connections are ephemeral: nothing to keep.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.blobBucket = new s3.Bucket(this, 'Blobs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [
        { prefix: 'screenshots/', expiration: Duration.days(config.screenshotRetentionDays) },
        // Tool answers and PDF reports are read within the request that asked for them.
        { prefix: ANSWERS_PREFIX, expiration: Duration.days(1) },
      ],
      removalPolicy: retain,
      autoDeleteObjects: !config.retainData,
    });

    this.jwtSecret = new secretsmanager.Secret(this, 'JwtSecret', {
      description: 'Py_Monitor JWT signing key: JSON {"secret": "..."}',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'secret',
        passwordLength: 64,
        excludePunctuation: true,
      },
    });
  }
}
