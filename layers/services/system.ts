import { ping } from '../repositories/db.ts';
import { migrate } from '../repositories/migrate.ts';
import type { ServiceContext } from './context.ts';

export async function checkHealth(ctx: ServiceContext): Promise<void> {
  await ping(ctx.sql);
}

/** Applies the migrations not yet applied (idempotent); returns their names. */
export async function applyMigrations(ctx: ServiceContext): Promise<string[]> {
  const applied = await migrate(ctx.sql);
  ctx.log.info('migrations applied', { applied });
  return applied;
}
