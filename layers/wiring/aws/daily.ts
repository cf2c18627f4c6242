import type { ServiceContext } from '../../services/context.ts';
import { createAwsSecrets } from '../../platform/aws/secrets.ts';
import { createSqsQueue } from '../../platform/aws/sqs-queue.ts';
import { awsConfig, memo, serviceContext } from './base.ts';
import { awsDatabase } from './database.ts';

/** The daily sweep (in the VPC): database and the check queue. */
export const awsDailyContext = memo(async (): Promise<ServiceContext> => {
  const config = awsConfig();
  return serviceContext(config, { sql: await awsDatabase(config, createAwsSecrets(config)), queue: createSqsQueue(config) });
});
