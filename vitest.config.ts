import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'scenarios/**/*.test.ts', 'bench/**/*.test.ts'],
    // Scenarios start real superclusters: one file at a time keeps 2 cores from being swamped.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
