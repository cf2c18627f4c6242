// Tools function (outside the VPC: probes reach the internet), invoked by the API for /api/v1/tools/*
// after it checked the session: the probes only; no database, no shared cache, no JWT key.
import { runTool } from '../layers/checks/index.ts';
import { createToolsHandler } from '../layers/handlers/tools.ts';
import { awsConfig, memo, serviceContext } from '../layers/wiring/aws/context.ts';

const config = awsConfig();

export const context = memo(async () => serviceContext(config, { tools: { run: runTool } }));

export const handler = createToolsHandler(context);
