import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Most suites share one CPU-heavy wasm engine; two workers match CI's two cores.
    maxWorkers: 2,
  },
});
