// Results queue consumer (in the VPC): records results, runs the alert state machine, writes the outbox.
import { createResultsHandler } from '../layers/handlers/results.ts';
import { awsServiceContext } from '../layers/platform/aws-context.ts';

export const handler = createResultsHandler(awsServiceContext);
