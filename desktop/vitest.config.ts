import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'desktop',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // A Docker engine, the test images and a local registry for every desktop test (test/docker/).
    globalSetup: ['./test/docker/global-setup.ts'],
    // Containers start, become healthy and are removed within tests; building the images happens once.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
