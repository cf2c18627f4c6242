// Tools routes /api/v1/tools/* (outside the VPC: probes reach the internet; token-only auth).
import { createApiHandler } from '../layers/endpoints/api-handler.ts';
import { awsEdgeContext } from '../layers/platform/aws-context.ts';

export const handler = createApiHandler(awsEdgeContext);
