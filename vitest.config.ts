import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test-ts/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['test-ts/setup-yield.ts'],
  },
});
