import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The tool reporter counts tests skipped for a missing Debian tool (test/support/tools.ts).
    reporters: ['default', './test/support/tool-reporter.ts'],
    benchmark: { include: ['test/**/*.bench.ts'] },
  },
});
