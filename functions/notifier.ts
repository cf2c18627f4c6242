// Notifications queue consumer (outside the VPC): email (SES), webhooks, WebSocket pushes, the
// delivery log; outcomes go back on the results queue.
import { createNotifierHandler } from '../layers/handlers/pipeline.ts';
import type { NotifierContext } from '../layers/services/notifier.ts';
import { createApiGatewayPush } from '../layers/platform/aws/apigw-push.ts';
import { createDynamoStores } from '../layers/platform/aws/dynamo-stores.ts';
import { createSesMailer } from '../layers/platform/aws/ses-mailer.ts';
import { createSqsQueue } from '../layers/platform/aws/sqs-queue.ts';
import { awsConfig, awsLogger, missing } from '../layers/wiring/aws/context.ts';

const config = awsConfig();
const dynamo = createDynamoStores(config);
const notifier: NotifierContext = {
  queue: createSqsQueue(config),
  mailer: createSesMailer(config) ?? missing('mailer'),
  push: createApiGatewayPush(config) ?? missing('push'),
  connections: dynamo?.connections ?? missing('connections'),
  deliveries: dynamo?.deliveryLog ?? missing('deliveries'),
  log: awsLogger(config),
  allowPrivateTargets: config.ALLOW_PRIVATE_TARGETS,
  dnsServers: config.DNS_SERVERS,
  publicUrl: config.PUBLIC_URL,
};

export const context = async () => notifier;

export const handler = createNotifierHandler(context);
