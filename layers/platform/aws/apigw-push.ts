import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { Config } from '../../config.ts';
import type { Push, PushOutcome } from '../ports.ts';
import { clientOptions } from './client-options.ts';

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
      if (isGone(err)) return 'gone';
      throw err;
    }
  }

  async close(connectionId: string): Promise<void> {
    try {
      await this.client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }
}

const isGone = (err: unknown) => err instanceof GoneException || (err instanceof Error && err.name === 'GoneException');

/** Present with WS_ENDPOINT. */
export function createApiGatewayPush(config: Config): ApiGatewayPush | undefined {
  return config.WS_ENDPOINT
    ? new ApiGatewayPush(new ApiGatewayManagementApiClient({ ...clientOptions(config), endpoint: config.WS_ENDPOINT }))
    : undefined;
}
