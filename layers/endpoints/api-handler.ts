import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ServiceContext } from '../services/context.ts';
import { errorResponse, type HttpEvent, type HttpResponse } from './http.ts';
import { createApiRouter } from './index.ts';

/**
 * The HTTP API Lambda handler, for any context: AWS builds one from its environment, the local
 * runner passes its own. The router answers every request; the onError hook is the last line.
 */
export function createApiHandler(getContext: () => Promise<ServiceContext>) {
  const router = createApiRouter();
  return middy<HttpEvent, HttpResponse, Error, Context>()
    .use({
      onError: async (request) => {
        request.response = errorResponse(request.error);
      },
    })
    .handler(async (event) => router.handle(await getContext(), event));
}
