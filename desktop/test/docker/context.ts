import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { inject } from 'vitest';
import { dockerClient } from './engine.js';
import { pushFreshImage, type PushedImage } from './registry.js';
import { removeLabelled, TEST_LABEL, TEST_RUN_LABEL, TEST_SCOPE_LABEL } from './resources.js';

export { TEST_LABEL } from './resources.js';

// What a desktop test needs to work against Docker (global-setup.ts provides it):
//   const { docker, postgresImage } = dockerFromContext();
//   const scope = createTestScope(docker);
//   afterAll(() => scope.cleanup());
//   await docker.createContainer({ Image: postgresImage, Labels: scope.labels, ... });

/** What global-setup.ts found or built for this run. */
export interface DockerTestContext {
  docker: Docker;
  /** In DOCKER_HOST form; also set as process.env.DOCKER_HOST for code that discovers the engine itself. */
  dockerHost: string;
  /** Stands in for postgres:16-alpine (same environment contract, pg_isready on PATH). */
  postgresImage: string;
  /** The same contract from Debian's PostgreSQL 15, with pg_dump, pg_restore and psql inside (for the pg_dump backup format). */
  postgres15Image: string;
  /** Stands in for ollama/ollama (same API subset, port, volume path, `ollama list`). */
  ollamaImage: string;
  /** `127.0.0.1:<port>` of a local registry; see pushImageToRegistry. */
  registryAddress: string;
}

export function dockerFromContext(): DockerTestContext {
  const dockerHost = inject('dockerHost');
  return {
    docker: dockerClient(dockerHost),
    dockerHost,
    postgresImage: inject('postgresImage'),
    postgres15Image: inject('postgres15Image'),
    ollamaImage: inject('ollamaImage'),
    registryAddress: inject('registryAddress'),
  };
}

/** An image only the local registry has: `docker.pull(reference)` downloads each of its layers. */
export function pushImageToRegistry(options?: { layerCount?: number; layerBytes?: number }): Promise<PushedImage> {
  const { docker, registryAddress } = dockerFromContext();
  return pushFreshImage(docker, registryAddress, options);
}

/**
 * Labels and names for what one test file creates, and its cleanup. Put `labels` on every container,
 * volume and network, call `cleanup()` in afterAll (global teardown also removes what this run
 * labelled, in case a worker died; the next run removes what an interrupted run left).
 */
export interface TestScope {
  labels: Record<string, string>;
  /** A unique name such as `forprompt-test-pg-1a2b3c4d`. */
  name(purpose: string): string;
  cleanup(): Promise<void>;
}

export function createTestScope(docker: Docker): TestScope {
  const scope = randomUUID().slice(0, 8);
  return {
    labels: { [TEST_LABEL]: '1', [TEST_RUN_LABEL]: inject('testRunId'), [TEST_SCOPE_LABEL]: scope },
    name: (purpose) => `forprompt-test-${purpose}-${scope}-${randomUUID().slice(0, 4)}`,
    cleanup: () => removeLabelled(docker, `${TEST_SCOPE_LABEL}=${scope}`),
  };
}

/** The 127.0.0.1 port Docker published for `containerPort` (e.g. '5432/tcp'). */
export async function publishedPort(container: Docker.Container, containerPort: string): Promise<number> {
  const { NetworkSettings } = await container.inspect();
  const binding = NetworkSettings.Ports[containerPort]?.find((candidate) => candidate.HostIp === '127.0.0.1');
  if (!binding) throw new Error(`${containerPort} is not published on 127.0.0.1`);
  return Number(binding.HostPort);
}

/** Waits for the container's health check to pass; fails with its last probe output and logs otherwise. */
export async function waitForHealthy(container: Docker.Container, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { State } = await container.inspect();
    if (State.Health?.Status === 'healthy') return;
    if (!State.Running || Date.now() > deadline) {
      const probes = (State.Health?.Log ?? []).map((probe) => probe.Output.trim()).join('\n');
      const logs = (await container.logs({ stdout: true, stderr: true, tail: 30 })).toString('utf8');
      throw new Error(`container ${State.Running ? 'not healthy in time' : 'stopped'}: ${State.Health?.Status}\n${probes}\n${logs}`);
    }
    await sleep(250);
  }
}

/** Runs a command in a running container (`docker exec`) and collects its exit code and output. */
export async function execIn(container: Docker.Container, command: string[]) {
  const exec = await container.exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const output = { stdout: new PassThrough(), stderr: new PassThrough() };
  const text = { stdout: '', stderr: '' };
  output.stdout.on('data', (chunk: Buffer) => (text.stdout += chunk.toString('utf8')));
  output.stderr.on('data', (chunk: Buffer) => (text.stderr += chunk.toString('utf8')));
  container.modem.demuxStream(stream, output.stdout, output.stderr);
  await finished(stream, { writable: false });
  const { ExitCode } = await exec.inspect();
  return { exitCode: ExitCode ?? -1, ...text };
}
