// Tools routes /api/v1/tools/* (outside the VPC: probes reach the internet; token-only auth).
import { createToolsHandler } from '../layers/endpoints/tools-handler.ts';
import { awsToolsContext } from '../layers/wiring/aws/tools.ts';

export const handler = createToolsHandler(awsToolsContext);
