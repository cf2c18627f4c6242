import { runTool } from '../../checks/index.ts';
import type { ServiceContext } from '../../services/context.ts';
import { awsConfig, memo, serviceContext } from './base.ts';

/** The tools function (outside the VPC): the probes only; the API authenticated the caller. */
export const awsToolsContext = memo(async (): Promise<ServiceContext> => serviceContext(awsConfig(), { tools: { run: runTool } }));
