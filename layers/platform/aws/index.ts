import type { Config } from '../../config.ts';
import type { Blobs, ConnectionStore, DeliveryLog, Mailer, Push, Queue } from '../ports.ts';
import { ApiGatewayPush, createApiGatewayPush } from './apigw-push.ts';
import { DynamoConnectionStore } from './dynamo-connection-store.ts';
import { DynamoDeliveryLog } from './dynamo-delivery-log.ts';
import { createDynamoStores } from './dynamo-stores.ts';
import { createS3Blobs, S3Blobs } from './s3-blobs.ts';
import { createAwsSecrets, JsonSecrets, type AwsSecrets } from './secrets.ts';
import { createSesMailer, SesMailer } from './ses-mailer.ts';
import { createSqsQueue, SqsQueue } from './sqs-queue.ts';

export { ApiGatewayPush, DynamoConnectionStore, DynamoDeliveryLog, JsonSecrets, S3Blobs, SesMailer, SqsQueue };

// Every adapter at once, for the browser container and tests. The zip functions import the
// factories they need from the adapter modules (layers/wiring/aws/), so a bundle holds
// only the SDK clients its function uses.

export interface AwsPorts extends AwsSecrets {
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
}

/** Builds the AWS adapters a function's config asks for. */
export function createAwsPorts(config: Config): AwsPorts {
  const secrets = createAwsSecrets(config);
  const blobs = createS3Blobs(config);
  const mailer = createSesMailer(config);
  const push = createApiGatewayPush(config);
  const dynamo = createDynamoStores(config);
  return {
    queue: createSqsQueue(config),
    ...(blobs ? { blobs } : {}),
    ...(mailer ? { mailer } : {}),
    ...(push ? { push } : {}),
    ...(dynamo ? { connections: dynamo.connections, deliveryLog: dynamo.deliveryLog } : {}),
    databaseOptions: () => secrets.databaseOptions(),
    jwtSecret: () => secrets.jwtSecret(),
    metricsToken: () => secrets.metricsToken(),
  };
}
