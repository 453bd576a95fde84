import { defineConfig } from 'vitest/config';

// `npm test` runs every workspace's tests and the browser tests in one vitest run.
export default defineConfig({
  test: {
    projects: ['engine', 'sdk', 'sdk/cli', 'desktop', 'ui', 'e2e'],
    // Two cores: more workers only compete with the PostgreSQL servers the tests talk to.
    maxWorkers: 2,
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
