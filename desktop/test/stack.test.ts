import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OllamaModels } from '../src/core/models.js';
import { imageIsPresent, layerFraction, pullImage } from '../src/core/pull.js';
import { SecretStore } from '../src/core/secrets.js';
import { LABEL_STACK, type StackManifest } from '../src/core/stack-manifest.js';
import { Stack, StackStartError } from '../src/core/stack.js';
import { TaskManager, type TaskContext, type TaskProgress } from '../src/core/tasks.js';
import { dockerFromContext, pushImageToRegistry } from './docker/context.js';

const { docker, postgresImage, ollamaImage } = dockerFromContext();
const manifest: StackManifest = { formatVersion: 1, postgres: { image: postgresImage }, ollama: { image: ollamaImage } };

/** A task context that keeps every progress report. */
function recordingContext(): TaskContext & { reports: TaskProgress[] } {
  const reports: TaskProgress[] = [];
  return { signal: new AbortController().signal, report: (progress) => reports.push(progress), reports };
}

/** Removes everything a stack created, volumes included (only tests ever do that). */
async function removeStack(name: string): Promise<void> {
  const filters = { label: [`${LABEL_STACK}=${name}`] };
  for (const container of await docker.listContainers({ all: true, filters })) await docker.getContainer(container.Id).remove({ force: true }).catch(() => {});
  for (const network of await docker.listNetworks({ filters })) await docker.getNetwork(network.Id).remove().catch(() => {});
  for (const volume of (await docker.listVolumes({ filters })).Volumes ?? []) await docker.getVolume(volume.Name).remove({ force: true }).catch(() => {});
}

describe('the container stack', () => {
  let directory: string;
  let name: string;
  let blocker: net.Server;
  beforeAll(async () => {
    // 55432 is the port the manager prefers: taken here, so the stack must pick another.
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(55432, '127.0.0.1', resolve).once('error', () => resolve()));
  });
  afterAll(() => new Promise((resolve) => blocker.close(resolve)));
  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-stack-'));
    name = `fptest-${Math.random().toString(36).slice(2, 8)}`;
  });
  afterEach(async () => {
    await removeStack(name);
    await fs.rm(directory, { recursive: true, force: true });
  });

  const stackOf = (options: Partial<ConstructorParameters<typeof Stack>[0]> = {}) =>
    new Stack({ docker, name, manifest, withOllama: false, secrets: new SecretStore(directory), stateDir: directory, healthTimeoutMs: 90_000, ...options });

  it('starts PostgreSQL on a private network, labelled, on a free loopback port, and keeps its data across down and up', async () => {
    const stack = stackOf();
    const context = recordingContext();
    const status = await stack.up(context);
    expect(status).toMatchObject({ healthy: true, alreadyRunning: false, services: [{ service: 'postgres', state: 'running', ready: true }] });
    const port = status.services[0]!.hostPort!;
    expect(port).not.toBe(55432);
    expect(context.reports.some((report) => report.message.startsWith('Waiting for postgres'))).toBe(true);

    const info = await docker.getContainer(`${name}-postgres`).inspect();
    expect(info.Config.Labels).toMatchObject({ 'com.forprompt.managed': 'true', 'com.forprompt.stack': name, 'com.forprompt.service': 'postgres' });
    expect(info.HostConfig.PortBindings?.['5432/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(port) }]);
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([`${name}-net`]);
    expect(info.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(info.Config.Healthcheck?.Test?.join(' ')).toContain('pg_isready');
    expect((await fs.stat(path.join(directory, 'secrets.json'))).mode & 0o777).toBe(0o600);

    const client = new pg.Client({ connectionString: status.databaseUrl });
    await client.connect();
    await client.query(`create table kept (note text); insert into kept values ('survives down')`);
    await client.end();

    const again = await stack.up(recordingContext());
    expect(again.alreadyRunning).toBe(true);

    await stack.down();
    expect(await docker.listContainers({ all: true, filters: { label: [`${LABEL_STACK}=${name}`] } })).toEqual([]);
    const volumes = (await docker.listVolumes({ filters: { label: [`${LABEL_STACK}=${name}`] } })).Volumes ?? [];
    expect(volumes.map((volume) => volume.Name)).toEqual([`${name}-pgdata`]);

    const restarted = await stack.up(recordingContext());
    expect(restarted.services[0]!.hostPort).toBe(port); // remembered
    const reader = new pg.Client({ connectionString: restarted.databaseUrl });
    await reader.connect();
    expect((await reader.query('select note from kept')).rows).toEqual([{ note: 'survives down' }]);
    await reader.end();
  });

  it('gives up on a container that does not become healthy, shows its logs, removes it and keeps the volume', async () => {
    // The Ollama image has no pg_isready: as "postgres" it never becomes healthy.
    const stack = stackOf({ manifest: { ...manifest, postgres: { image: ollamaImage } }, healthTimeoutMs: 4_000 });
    const error = await stack.up(recordingContext()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StackStartError);
    expect((error as Error).message).toMatch(/postgres did not become healthy within 4 s/);
    expect((error as StackStartError).logs.postgres).toBeDefined();
    expect(await docker.listContainers({ all: true, filters: { label: [`${LABEL_STACK}=${name}`] } })).toEqual([]);
    const volumes = (await docker.listVolumes({ filters: { label: [`${LABEL_STACK}=${name}`] } })).Volumes ?? [];
    expect(volumes.map((volume) => volume.Name)).toContain(`${name}-pgdata`);
  });

  it('runs Ollama beside PostgreSQL; models are listed, pulled with streamed progress and deleted', async () => {
    const stack = stackOf({ withOllama: true });
    const status = await stack.up(recordingContext());
    expect(status.services.map((service) => [service.service, service.ready])).toEqual([['postgres', true], ['ollama', true]]);
    const models = new OllamaModels(status.ollamaUrl!);
    expect(await models.list()).toEqual([]);
    const tasks = new TaskManager();
    const progress: TaskProgress[] = [];
    tasks.on('change', (task) => progress.push(task.progress));
    await tasks.run('model-pull', 'Pull', (context) => models.pull('llama3.1', context)).result;
    const fractions = progress.map((report) => report.fraction).filter((fraction): fraction is number => fraction !== undefined);
    expect(fractions.length).toBeGreaterThan(2);
    expect(Math.max(...fractions)).toBe(1);
    expect(await models.has('llama3.1')).toBe(true);
    await models.remove('llama3.1');
    expect(await models.has('llama3.1')).toBe(false);
    await expect(tasks.run('model-pull', 'Pull', (context) => models.pull('does-not-exist', context)).result).rejects.toThrow(/Pulling the model does-not-exist failed/);
  });
});

describe('image pulls', () => {
  it('report per-layer bytes until every layer is complete', async () => {
    const image = await pushImageToRegistry({ layerCount: 3, layerBytes: 2 * 1024 * 1024 });
    expect(await imageIsPresent(docker, image.reference)).toBe(false);
    const reports: TaskProgress[] = [];
    await pullImage(docker, image.reference, { onProgress: (progress) => reports.push(progress) });
    expect(await imageIsPresent(docker, image.reference)).toBe(true);
    const last = reports.at(-1)!;
    expect(Object.keys(last.layers ?? {})).toHaveLength(image.layerCount);
    expect(reports.some((report) => Object.values(report.layers ?? {}).some((layer) => layer.total && layer.current && layer.current < layer.total))).toBe(true);
    expect(layerFraction(last.layers!)).toBe(1);
    await docker.getImage(image.reference).remove({ force: true });
  });

  it('fail with the registry’s reason for an image that does not exist, without retrying forever', async () => {
    const { registryAddress } = dockerFromContext();
    await expect(pullImage(docker, `${registryAddress}/forprompt-test/missing:nope`, { retries: 1 })).rejects.toThrow(/Pulling .*missing:nope failed/);
  });
});
