import { z } from 'zod';
import type { Config } from '../../layers/config.ts';
import type { Blobs, Queue } from '../../layers/platform/ports.ts';

// The results queue and blob store on AWS come from the SQS and S3 adapters in layers/platform/aws/
// (AWS SDK code lives only there). They are loaded on first use so this function's tests and local
// runs never touch the SDK.

/** Module that must export `createAwsPorts(config)` returning at least `{ queue, blobs }`. */
export const AWS_PORTS_MODULE = '../../layers/platform/aws/index.ts';

const portsSchema = z.object({
  queue: z.custom<Queue>((v) => typeof v === 'object' && v !== null && 'send' in v && typeof v.send === 'function'),
  blobs: z.custom<Blobs>((v) => typeof v === 'object' && v !== null && 'put' in v && typeof v.put === 'function'),
});
const moduleSchema = z.object({
  createAwsPorts: z.custom<(config: Config) => unknown>((v) => typeof v === 'function'),
});

export async function loadAwsPorts(config: Config, moduleName: string = AWS_PORTS_MODULE): Promise<{ queue: Queue; blobs: Blobs }> {
  const loaded: unknown = await import(/* @vite-ignore */ moduleName);
  const { createAwsPorts } = moduleSchema.parse(loaded);
  return portsSchema.parse(await createAwsPorts(config));
}
