import type { ServiceContext } from '../services/context.ts';
import { Router } from './router.ts';
import { createRouterHandler } from './router-handler.ts';
import { toolRoutes } from './routes/tools.ts';

/**
 * The tools function's handler: API Gateway sends it /api/v1/tools/* only, so its router holds the
 * tools routes only (the same route objects as the full API's), and its bundle none of the others.
 */
export function createToolsHandler(getContext: () => Promise<ServiceContext>) {
  return createRouterHandler(getContext, new Router(toolRoutes));
}
