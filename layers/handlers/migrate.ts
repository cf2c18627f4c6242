import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ServiceContext } from '../services/context.ts';
import { applyMigrations } from '../services/system.ts';

/** Custom resource (Provider framework): Create and Update migrate; Delete keeps the data. */
export function createMigrateHandler(getContext: () => Promise<ServiceContext>) {
  return middy<{ RequestType?: string; PhysicalResourceId?: string }, { PhysicalResourceId: string; Data: Record<string, string> }, Error, Context>().handler(
    async (event) => {
      const physicalId = event.PhysicalResourceId ?? 'py-monitor-migrations';
      const none: Record<string, string> = {};
      if (event.RequestType === 'Delete') return { PhysicalResourceId: physicalId, Data: none };
      const applied = await applyMigrations(await getContext());
      return { PhysicalResourceId: physicalId, Data: { applied: applied.join(',') } };
    },
  );
}
