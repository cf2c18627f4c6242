import type { NotifierContext } from '../../services/notifier.ts';
import { createApiGatewayPush } from '../../platform/aws/apigw-push.ts';
import { createDynamoStores } from '../../platform/aws/dynamo-stores.ts';
import { createSesMailer } from '../../platform/aws/ses-mailer.ts';
import { createSqsQueue } from '../../platform/aws/sqs-queue.ts';
import { awsConfig, awsLogger, memo, missing } from './base.ts';

/** The notifier (outside the VPC): SES, WebSocket pushes, the delivery log; outcomes go back on the results queue. */
export const awsNotifierContext = memo(async (): Promise<NotifierContext> => {
  const config = awsConfig();
  const dynamo = createDynamoStores(config);
  return {
    queue: createSqsQueue(config),
    mailer: createSesMailer(config) ?? missing('mailer'),
    push: createApiGatewayPush(config) ?? missing('push'),
    connections: dynamo?.connections ?? missing('connections'),
    deliveries: dynamo?.deliveryLog ?? missing('deliveries'),
    log: awsLogger(config),
    allowPrivateTargets: config.ALLOW_PRIVATE_TARGETS,
    publicUrl: config.PUBLIC_URL,
  };
});
