import type { CheckerContext } from '../../services/checker.ts';
import { createSqsQueue } from '../../platform/aws/sqs-queue.ts';
import { awsConfig, awsLogger, memo } from './base.ts';

/** The checker (outside the VPC): probes, then hands results (and browser deep checks) to the queues. */
export const awsCheckerContext = memo(async (): Promise<CheckerContext> => {
  const config = awsConfig();
  return {
    queue: createSqsQueue(config),
    log: awsLogger(config),
    allowPrivateTargets: config.ALLOW_PRIVATE_TARGETS,
    dnsServers: config.DNS_SERVERS?.split(',').map((s) => s.trim()).filter(Boolean),
    rdapBootstrapUrl: config.RDAP_BOOTSTRAP_URL,
    whoisServer: config.WHOIS_SERVER,
  };
});
