import type { ServiceContext } from '../../services/context.ts';
import { createLambdaBrowserRunner, createLambdaProber } from '../aws/lambda-prober.ts';
import { createAwsSecrets } from '../aws/secrets.ts';
import { createSqsQueue } from '../aws/sqs-queue.ts';
import { awsConfig, awsJwtSecret, memo, serviceContext } from './base.ts';
import { awsCache } from './cache.ts';
import { awsDatabase } from './database.ts';

/** The HTTP API (in the VPC): database, cache, the notifications queue, "check now" through the checker. */
export const awsApiContext = memo(async (): Promise<ServiceContext> => {
  const config = awsConfig();
  const secrets = createAwsSecrets(config);
  return serviceContext(config, {
    sql: await awsDatabase(config, secrets),
    cache: awsCache(config),
    queue: createSqsQueue(config),
    prober: config.CHECKER_FUNCTION_NAME ? createLambdaProber(config.CHECKER_FUNCTION_NAME, config.AWS_REGION) : undefined,
    browser: config.BROWSER_FUNCTION_NAME ? createLambdaBrowserRunner(config.BROWSER_FUNCTION_NAME, config.AWS_REGION) : undefined,
    jwtSecret: await awsJwtSecret(config, secrets),
  });
});
