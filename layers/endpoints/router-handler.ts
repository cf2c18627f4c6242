import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ServiceContext } from '../services/context.ts';
import { errorResponse, type HttpEvent, type HttpResponse } from './http.ts';
import type { Router } from './router.ts';

/** An HTTP API Lambda handler over a router, for any context. The onError hook is the last line. */
export function createRouterHandler(getContext: () => Promise<ServiceContext>, router: Router) {
  return middy<HttpEvent, HttpResponse, Error, Context>()
    .use({
      onError: async (request) => {
        request.response = errorResponse(request.error);
      },
    })
    .handler(async (event) => router.handle(await getContext(), event));
}
