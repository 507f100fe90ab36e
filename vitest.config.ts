import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // The suite's checks must not depend on failures saved by earlier runs (.semverify/failures/):
    // tests of that database turn it on for themselves.
    env: { SEMVERIFY_SAVE: '0' },
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Property tests print how many schedules they explored; keep that visible.
    reporters: ['default'],
  },
});
