// Tools function (outside the VPC: probes reach the internet): the tools queue's consumer, fed by the API
// for /api/v1/tools/* after it checked the session; it leaves each answer in the blob bucket. The probes
// only; no database, no shared cache, no JWT key.
import { runTool } from '../layers/checks/index.ts';
import { createToolsHandler } from '../layers/handlers/tools.ts';
import { createS3Blobs } from '../layers/platform/aws/s3-blobs.ts';
import { awsConfig, awsLogger, memo, serviceContext } from '../layers/wiring/aws/context.ts';

const config = awsConfig();
const blobs = createS3Blobs(config);

export const context = memo(async () => {
  if (!blobs) throw new Error('BLOB_BUCKET is not set: the tools function answers through the blob bucket');
  return { ...serviceContext(config, { tools: { run: runTool }, blobs }), blobs, log: awsLogger(config) };
});

export const handler = createToolsHandler(context);
