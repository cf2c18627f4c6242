// WebSocket API: $connect (JWT in ?token=, user_id in ?user_id=), $disconnect, $default.
import { createWsHandler } from '../layers/handlers/ws.ts';
import { awsServiceContext } from '../layers/platform/aws-context.ts';

export const handler = createWsHandler(awsServiceContext);
