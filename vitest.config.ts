import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Files share one machine's PostgreSQL and Chromium; two workers suit the 2-core target.
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
  },
});
