// Check queue consumer (outside the VPC): probes and hands results to the results queue. No database.
import { createCheckerHandler } from '../layers/handlers/pipeline.ts';
import type { CheckerContext } from '../layers/services/checker.ts';
import { createSqsQueue } from '../layers/platform/aws/sqs-queue.ts';
import { awsConfig, awsLogger } from '../layers/wiring/aws/context.ts';

const config = awsConfig();
const checker: CheckerContext = {
  queue: createSqsQueue(config),
  log: awsLogger(config),
  allowPrivateTargets: config.ALLOW_PRIVATE_TARGETS,
  dnsServers: config.DNS_SERVERS,
  rdapBootstrapUrl: config.RDAP_BOOTSTRAP_URL,
  whoisServer: config.WHOIS_SERVER,
  checksPerInvocation: config.CHECKS_PER_INVOCATION,
  // As the results queue's batching window: fewer, fuller messages, no later recording.
  resultFlushMs: 5000,
};

export const context = async () => checker;

export const handler = createCheckerHandler(context);
