import { GoneException, PostToConnectionCommand, type ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { Push, PushOutcome } from '../ports.ts';

/**
 * The Push port on API Gateway WebSocket connections. The client's endpoint is the stage's
 * callback URL (WS_ENDPOINT). A connection that closed answers 410 Gone: reported, not thrown.
 */
export class ApiGatewayPush implements Push {
  constructor(private readonly client: ApiGatewayManagementApiClient) {}

  async post(connectionId: string, data: unknown): Promise<PushOutcome> {
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    try {
      await this.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: new TextEncoder().encode(text) }));
      return 'ok';
    } catch (err) {
      if (err instanceof GoneException || (err instanceof Error && err.name === 'GoneException')) return 'gone';
      throw err;
    }
  }
}
