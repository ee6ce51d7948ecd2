import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The real agent CLIs, installed once into the test-tools cache before the files run.
    globalSetup: ['tests/support/installAgentClis.ts'],
    // Integration tests start real tmux servers and host processes: give them room on a
    // two-core machine, and never let one hang the suite.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
