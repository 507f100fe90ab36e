import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Property tests print how many schedules they explored; keep that visible.
    reporters: ['default'],
  },
});
