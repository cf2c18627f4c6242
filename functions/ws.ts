// WebSocket API: $connect (JWT in ?token=, user_id in ?user_id=), $disconnect, $default.
import { createWsHandler } from '../layers/handlers/ws.ts';
import { awsWsContext } from '../layers/wiring/aws/ws.ts';

export const handler = createWsHandler(awsWsContext);
