import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/scratch-root.ts'],
    // Integration tests start real containers; two cores cannot run many at once.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});
