// HTTP API (API Gateway HTTP API, in the VPC).
import { createApiHandler } from '../layers/endpoints/api-handler.ts';
import { awsApiContext } from '../layers/wiring/aws/api.ts';

export const handler = createApiHandler(awsApiContext);
