import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { choosePort } from '../../src/core/ports.js';
import { followDockerStream } from '../../src/core/pull.js';
import { TEST_LABEL } from './resources.js';

/** Debian's docker-registry (the CNCF distribution registry, v2 API). */
const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface LocalRegistry {
  /** `127.0.0.1:<port>`: Docker allows plain HTTP to registries on 127.0.0.0/8 without configuration. */
  address: string;
  stop(): Promise<void>;
}

/** Starts a registry on a free 127.0.0.1 port with its storage in a temporary directory. */
export async function startLocalRegistry(): Promise<LocalRegistry> {
  if (!(await access(REGISTRY_BINARY, constants.X_OK).then(() => true, () => false))) {
    throw new Error(`${REGISTRY_BINARY} is missing; the pull-progress tests need it (apt-get install docker-registry)`);
  }
  const directory = await mkdtemp(join(tmpdir(), 'forprompt-test-registry-'));
  const address = `127.0.0.1:${await choosePort(undefined)}`;
  const configPath = join(directory, 'config.yml');
  await writeFile(
    configPath,
    ['version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${join(directory, 'storage')}`,
      '  delete:', '    enabled: true', 'http:', `  addr: ${address}`, ''].join('\n'),
  );
  const logPath = join(directory, 'registry.log');
  const logFile = await open(logPath, 'a');
  const child = spawn(REGISTRY_BINARY, ['serve', configPath], { stdio: ['ignore', logFile.fd, logFile.fd] });
  await logFile.close();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(directory, { recursive: true, force: true });
  };
  for (const deadline = Date.now() + 15_000; !(await answers(address)); await sleep(100)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = await readFile(logPath, 'utf8').catch(() => '');
      await stop();
      throw new Error(`docker-registry did not start on ${address}:\n${log.split('\n').slice(-20).join('\n')}`);
    }
  }
  return { address, stop };
}

async function answers(address: string): Promise<boolean> {
  try {
    return (await fetch(`http://${address}/v2/`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

export interface PushedImage {
  /** `127.0.0.1:<port>/forprompt-test/pull-progress:<unique tag>`, absent from the engine's image store. */
  reference: string;
  layerCount: number;
}

/**
 * Builds a small image of `layerCount` layers of random bytes (so no layer exists locally), pushes it
 * to the registry and removes it locally: pulling `reference` then downloads every layer.
 */
export async function pushFreshImage(
  docker: Docker,
  registryAddress: string,
  { layerCount = 3, layerBytes = 4 * 1024 * 1024 } = {},
): Promise<PushedImage> {
  const reference = `${registryAddress}/forprompt-test/pull-progress:${randomUUID().slice(0, 8)}`;
  const context = tar.pack();
  const layers = Array.from({ length: layerCount }, (_, index) => `layer-${index + 1}`);
  context.entry({ name: 'Dockerfile' }, ['FROM scratch', ...layers.map((layer) => `COPY ${layer} /${layer}`), ''].join('\n'));
  for (const layer of layers) context.entry({ name: layer }, randomBytes(layerBytes));
  context.finalize();
  await followDockerStream(docker, await docker.buildImage(Readable.from(context, { objectMode: false }), { t: reference, labels: { [TEST_LABEL]: '1' }, rm: true }));
  // An empty auth config: the registry needs none, but older engines refuse a push without the header.
  await followDockerStream(docker, await docker.getImage(reference).push({ authconfig: {} }));
  await docker.getImage(reference).remove({ force: true });
  return { reference, layerCount };
}
