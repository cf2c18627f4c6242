// HTTP API (API Gateway HTTP API, in the VPC).
import { createApiHandler } from '../layers/endpoints/api-handler.ts';
import { awsServiceContext } from '../layers/platform/aws-context.ts';

export const handler = createApiHandler(awsServiceContext);
