// Tools function (outside the VPC: probes reach the internet), invoked by the API for /api/v1/tools/*.
import { createToolsHandler } from '../layers/handlers/tools.ts';
import { awsToolsContext } from '../layers/platform/aws-context/tools.ts';

export const handler = createToolsHandler(awsToolsContext);
