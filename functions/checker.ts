// Check queue consumer (outside the VPC): probes and hands results to the results queue.
import { createCheckerHandler } from '../layers/handlers/checker.ts';
import { awsCheckerContext } from '../layers/wiring/aws/checker.ts';

export const handler = createCheckerHandler(awsCheckerContext);
