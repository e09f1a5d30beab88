import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A partition thread that sleeps unwoken while it could run fails its run instead of waking 50 ms late
    // (src/backplane/shared-window.ts): a lost wake-up is a bug the tests must see, not slowness.
    env: { SYSPLEX_EMU_STRICT_WAKE: '1' },
    // The tool reporter counts tests skipped for a missing Debian tool (test/support/tools.ts).
    reporters: ['default', './test/support/tool-reporter.ts'],
    benchmark: { include: ['test/**/*.bench.ts'] },
  },
});
