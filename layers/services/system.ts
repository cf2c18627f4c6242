import { DomainError } from '../errors.ts';
import { ping } from '../repositories/db.ts';
import { migrate } from '../repositories/migrate.ts';
import type { ServiceContext } from './context.ts';

/** How long the health check waits for the database before calling it down. */
const HEALTH_TIMEOUT_MS = 3_000;

/** Throws UNAVAILABLE (503) while the database does not answer, so load balancers can tell. */
export async function checkHealth(ctx: ServiceContext): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
  });
  try {
    await Promise.race([ping(ctx.sql), timeout]);
  } catch (err) {
    ctx.log.warn('health check: database unreachable', { error: err instanceof Error ? err.message : String(err) });
    throw new DomainError('UNAVAILABLE', 'database unreachable');
  } finally {
    clearTimeout(timer);
  }
}

/** Applies the migrations not yet applied (idempotent); returns their names. */
export async function applyMigrations(ctx: ServiceContext): Promise<string[]> {
  const applied = await migrate(ctx.sql);
  ctx.log.info('migrations applied', { applied });
  return applied;
}
