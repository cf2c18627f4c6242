import type { ServiceContext } from '../services/context.ts';
import { createApiRouter } from './index.ts';
import { createRouterHandler } from './router-handler.ts';

/**
 * The HTTP API Lambda handler, for any context: AWS builds one from its environment, the local
 * runner passes its own. The router answers every request.
 */
export function createApiHandler(getContext: () => Promise<ServiceContext>) {
  return createRouterHandler(getContext, createApiRouter());
}
