import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../../config.ts';
import type { ConnectOptions } from '../../repositories/db.ts';
import type { Blobs, ConnectionStore, DeliveryLog, Mailer, Push, Queue } from '../ports.ts';
import { ApiGatewayPush } from './apigw-push.ts';
import { DynamoConnectionStore } from './dynamo-connection-store.ts';
import { DynamoDeliveryLog } from './dynamo-delivery-log.ts';
import { S3Blobs } from './s3-blobs.ts';
import { databaseSecretSchema, JsonSecrets, jwtSecretSchema } from './secrets.ts';
import { SesMailer } from './ses-mailer.ts';
import { SqsQueue } from './sqs-queue.ts';

export { ApiGatewayPush, DynamoConnectionStore, DynamoDeliveryLog, JsonSecrets, S3Blobs, SesMailer, SqsQueue };

export interface AwsPorts {
  queue: Queue;
  /** Present when the function was bound to the bucket (BLOB_BUCKET). */
  blobs?: Blobs;
  /** Present with SES_FROM. */
  mailer?: Mailer;
  /** Present with WS_ENDPOINT. */
  push?: Push;
  /** Present with CONNECTIONS_TABLE. */
  connections?: ConnectionStore;
  deliveryLog?: DeliveryLog;
  /** Aurora credentials as postgres.js options (TLS on); needs DATABASE_SECRET_ARN. */
  databaseOptions(): Promise<ConnectOptions>;
  /** The JWT signing key; needs JWT_SECRET_ARN. */
  jwtSecret(): Promise<Uint8Array>;
}

/**
 * Builds the AWS adapters a function's config asks for. Clients use the Lambda's region and role;
 * nothing here reads process.env (the SDK's own credential chain aside).
 */
export function createAwsPorts(config: Config): AwsPorts {
  const region = config.AWS_REGION;
  const base = region ? { region } : {};
  const secrets = new JsonSecrets(new SecretsManagerClient(base));
  const dynamo = config.CONNECTIONS_TABLE ? new DynamoDBClient(base) : undefined;
  return {
    queue: new SqsQueue(new SQSClient(base), {
      checks: config.CHECK_QUEUE_URL,
      browser: config.BROWSER_QUEUE_URL,
      results: config.RESULTS_QUEUE_URL,
      notifications: config.NOTIFY_QUEUE_URL,
    }),
    ...(config.BLOB_BUCKET ? { blobs: new S3Blobs(new S3Client(base), config.BLOB_BUCKET) } : {}),
    ...(config.SES_FROM ? { mailer: new SesMailer(new SESClient(base), config.SES_FROM) } : {}),
    ...(config.WS_ENDPOINT ? { push: new ApiGatewayPush(new ApiGatewayManagementApiClient({ ...base, endpoint: config.WS_ENDPOINT })) } : {}),
    ...(dynamo && config.CONNECTIONS_TABLE
      ? {
          connections: new DynamoConnectionStore({ client: dynamo, tableName: config.CONNECTIONS_TABLE }),
          deliveryLog: new DynamoDeliveryLog({ client: dynamo, tableName: config.CONNECTIONS_TABLE }),
        }
      : {}),
    async databaseOptions() {
      if (!config.DATABASE_SECRET_ARN) throw new Error('DATABASE_SECRET_ARN is not set');
      const s = await secrets.read(config.DATABASE_SECRET_ARN, databaseSecretSchema);
      return { host: s.host, port: s.port, user: s.username, password: s.password, database: s.dbname, max: config.DATABASE_POOL_MAX, ssl: true };
    },
    async jwtSecret() {
      if (!config.JWT_SECRET_ARN) throw new Error('JWT_SECRET_ARN is not set');
      const s = await secrets.read(config.JWT_SECRET_ARN, jwtSecretSchema);
      return new TextEncoder().encode(s.secret);
    },
  };
}
