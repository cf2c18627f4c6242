import { fileURLToPath } from 'node:url';
import type { Config } from '../../config.ts';
import { createApiHandler } from '../../endpoints/api-handler.ts';
import { createLocalContext, type LocalContext, type LocalContextOptions } from './context.ts';
import { startLocalServer } from './server.ts';

export const frontendDir = fileURLToPath(new URL('../../../frontend/', import.meta.url));

export interface LocalSystem {
  ctx: LocalContext;
  url: string;
  close(): Promise<void>;
}

/** Starts the whole system on one machine: the same handlers as on AWS, behind node:http and timers. */
export async function startLocalSystem(config: Config, opts: LocalContextOptions = {}): Promise<LocalSystem> {
  const ctx = await createLocalContext(config, opts);
  const api = createApiHandler(async () => ctx);
  const http = await startLocalServer({ api, frontendDir, host: config.HOST, port: config.PORT, log: ctx.log });
  let closed = false;
  return {
    ctx,
    url: http.url,
    async close() {
      if (closed) return;
      closed = true;
      await http.close();
      await ctx.close();
    },
  };
}
