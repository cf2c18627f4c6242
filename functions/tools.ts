// Tools routes /api/v1/tools/* (outside the VPC: probes reach the internet; token-only auth).
import { createApiHandler } from '../layers/endpoints/api-handler.ts';
import { awsToolsContext } from '../layers/platform/aws-context/tools.ts';

export const handler = createApiHandler(awsToolsContext);
