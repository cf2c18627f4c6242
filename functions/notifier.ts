// Notifications queue consumer (outside the VPC): email, webhooks, WebSocket pushes.
import { createNotifierHandler } from '../layers/handlers/notifier.ts';
import { awsNotifierContext } from '../layers/wiring/aws/notifier.ts';

export const handler = createNotifierHandler(awsNotifierContext);
