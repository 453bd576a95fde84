import type { TestProject } from 'vitest/node';
import { ensureDockerEngine } from './engine.js';
import { buildTestImages } from './images.js';
import { startLocalRegistry } from './registry.js';
import { isLeftover, removeLabelled, TEST_LABEL, TEST_RUN_LABEL } from './resources.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dockerHost: string;
    postgresImage: string;
    postgres15Image: string;
    ollamaImage: string;
    registryAddress: string;
    /** This run's id (the vitest process id), for the com.forprompt.test.run label. */
    testRunId: string;
  }
}

const log = (line: string) => process.stderr.write(`[desktop docker] ${line}\n`);

/**
 * The desktop tests run against a real Docker engine (issue 8): find or start one, build the test
 * images once (later runs reuse them), start a local registry, and hand all of it to the tests
 * (context.ts). Without an engine this throws: the tests fail, they never skip.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const engine = await ensureDockerEngine(log);
  // Code under test discovers the engine through DOCKER_HOST, as the manager does on a user's machine
  // (and a DOCKER_HOST that did not answer must not send it elsewhere than the tests).
  process.env.DOCKER_HOST = engine.dockerHost;
  const runId = String(process.pid);
  let stopRegistry = async () => {};
  try {
    await removeLabelled(engine.docker, TEST_LABEL, isLeftover); // from interrupted runs; concurrent runs keep theirs
    const images = await buildTestImages(engine.docker, log);
    const registry = await startLocalRegistry();
    stopRegistry = registry.stop;
    project.provide('dockerHost', engine.dockerHost);
    project.provide('postgresImage', images.postgresImage);
    project.provide('postgres15Image', images.postgres15Image);
    project.provide('ollamaImage', images.ollamaImage);
    project.provide('registryAddress', registry.address);
    project.provide('testRunId', runId);
  } catch (error) {
    await stopRegistry();
    await engine.release();
    throw error;
  }
  return async () => {
    await removeLabelled(engine.docker, `${TEST_RUN_LABEL}=${runId}`);
    await stopRegistry();
    await engine.release();
  };
}
