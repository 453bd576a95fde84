import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'e2e',
    include: ['**/*.test.ts'],
    testTimeout: 60_000,
    // beforeAll creates a database and boots the engine (which may take up to 30 s to be ready).
    hookTimeout: 60_000,
    globalSetup: ['../engine/test/global-setup.ts'],
  },
});
