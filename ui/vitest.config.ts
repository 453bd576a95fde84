import { defineConfig } from 'vitest/config';

// The dashboard's pure functions (formatting, parsing); the pages themselves are tested in a browser (e2e/).
export default defineConfig({
  test: {
    name: 'ui',
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
