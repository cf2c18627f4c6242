// Results queue consumer (in the VPC): records results, runs the alert state machine, writes the outbox.
import { createResultsHandler } from '../layers/handlers/results.ts';
import { awsResultsContext } from '../layers/wiring/aws/results.ts';

export const handler = createResultsHandler(awsResultsContext);
