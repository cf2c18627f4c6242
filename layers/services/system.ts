import { ping } from '../repositories/db.ts';
import type { ServiceContext } from './context.ts';

export async function checkHealth(ctx: ServiceContext): Promise<void> {
  await ping(ctx.sql);
}
