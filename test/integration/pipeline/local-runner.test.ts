import { describe, expect, it } from 'vitest';
import { startTestApp } from '../../support/app.ts';
import type { Logger } from '../../../layers/platform/ports.ts';

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return {
    errors,
    debug: () => {},
    info: () => {},
    warn: (msg, data) => errors.push(`warn ${msg} ${JSON.stringify(data ?? {})}`),
    error: (msg, data) => errors.push(`error ${msg} ${JSON.stringify(data ?? {})}`),
  };
}

describe('the local runner', () => {
  it('lets a scheduler tick in flight finish before close() takes the database away', async () => {
    const log = recordingLogger();
    // The scheduler's first tick starts as the system starts; close at once, while it runs.
    const app = await startTestApp({ SCHEDULER_ENABLED: 'true' }, { log });
    await app.close();
    expect(log.errors).toEqual([]);
  });
});
