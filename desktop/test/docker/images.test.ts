import type Docker from 'dockerode';
import { Ollama } from 'ollama';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { followDockerStream } from '../../src/core/pull.js';
import { createTestScope, dockerFromContext, execIn, publishedPort, pushImageToRegistry, waitForHealthy } from './context.js';

const { docker, postgresImage, ollamaImage } = dockerFromContext();
const scope = createTestScope(docker);
afterAll(() => scope.cleanup());

/** Starts `image` with `containerPort` published on a free 127.0.0.1 port, the way the manager does. */
async function startContainer(image: string, containerPort: string, options: { env?: string[]; binds?: string[]; healthcheck?: Docker.HealthConfig }) {
  const container = await docker.createContainer({
    name: scope.name('image'),
    Image: image,
    Env: options.env,
    Labels: scope.labels,
    ExposedPorts: { [containerPort]: {} },
    Healthcheck: options.healthcheck,
    HostConfig: { PortBindings: { [containerPort]: [{ HostIp: '127.0.0.1', HostPort: '' }] }, Binds: options.binds },
  });
  await container.start();
  return { container, port: await publishedPort(container, containerPort) };
}

async function createVolume(purpose: string): Promise<string> {
  const volume = await docker.createVolume({ Name: scope.name(purpose), Labels: scope.labels });
  return volume.name;
}

describe('the PostgreSQL test image', () => {
  const credentials = { user: 'forprompt', password: 'correct horse', database: 'forprompt_app' };
  const environment = (password: string) => [`POSTGRES_USER=${credentials.user}`, `POSTGRES_PASSWORD=${password}`, `POSTGRES_DB=${credentials.database}`];

  async function startPostgres(volume: string, password = credentials.password) {
    const binds = [`${volume}:/var/lib/postgresql/data`];
    const started = await startContainer(postgresImage, '5432/tcp', { env: environment(password), binds });
    await waitForHealthy(started.container);
    return started;
  }

  async function connect(port: number, password = credentials.password) {
    const client = new pg.Client({ host: '127.0.0.1', port, user: credentials.user, password, database: credentials.database });
    await client.connect();
    return client;
  }

  test('becomes healthy, accepts POSTGRES_USER with its password on POSTGRES_DB, and refuses a wrong password', async () => {
    const { container, port } = await startPostgres(await createVolume('pgdata'));
    expect((await container.inspect()).State.Health?.Status).toBe('healthy');
    const client = await connect(port);
    const { rows } = await client.query(
      "SELECT current_user AS user, current_database() AS database, rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname = current_user",
    );
    await client.end();
    expect(rows).toEqual([{ user: credentials.user, database: credentials.database, scram: true }]);
    await expect(connect(port, 'wrong')).rejects.toThrow(/password authentication failed/);
  });

  test('runs as the non-root postgres user with pg_isready on its PATH', async () => {
    const { container } = await startPostgres(await createVolume('pgdata'));
    expect(await execIn(container, ['id', '-u'])).toMatchObject({ exitCode: 0, stdout: '999\n' });
    expect((await execIn(container, ['pg_isready', '-U', credentials.user])).exitCode).toBe(0);
    expect((await docker.getImage(postgresImage).inspect()).Config.Healthcheck?.Test?.join(' ')).toContain('pg_isready');
  });

  test('keeps its data on the named volume when the container is removed and created again', async () => {
    const volume = await createVolume('pgdata');
    const first = await startPostgres(volume);
    const client = await connect(first.port);
    await client.query("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('survives')");
    await client.end();
    await first.container.remove({ force: true });

    // An initialised PGDATA is not initialised again: the new password is ignored, the old one still works.
    const second = await startPostgres(volume, 'another password');
    const again = await connect(second.port);
    const { rows } = await again.query('SELECT note FROM kept');
    await again.end();
    expect(rows).toEqual([{ note: 'survives' }]);
  });

  test('refuses to initialise without POSTGRES_PASSWORD', async () => {
    const container = await docker.createContainer({ name: scope.name('pg'), Image: postgresImage, Env: ['POSTGRES_USER=forprompt'], Labels: scope.labels });
    await container.start();
    expect(await container.wait()).toMatchObject({ StatusCode: 1 });
    expect((await container.logs({ stderr: true })).toString('utf8')).toContain('superuser password is not specified');
  });
});

describe('the Ollama test image', () => {
  // The manager's health check; it works the same in ollama/ollama.
  const healthcheck = { Test: ['CMD', 'ollama', 'list'], Interval: 1_000_000_000, Timeout: 5_000_000_000, Retries: 30 };

  async function startOllama(volume: string) {
    const started = await startContainer(ollamaImage, '11434/tcp', { binds: [`${volume}:/root/.ollama`], healthcheck });
    await waitForHealthy(started.container);
    return { ...started, ollama: new Ollama({ host: `http://127.0.0.1:${started.port}` }) };
  }

  test('streams pull progress line by line as Ollama does, then lists the model', async () => {
    const { port, ollama } = await startOllama(await createVolume('ollama'));
    expect((await ollama.list()).models).toEqual([]);
    const response = await fetch(`http://127.0.0.1:${port}/api/pull`, { method: 'POST', body: JSON.stringify({ model: 'llama3.2' }) });
    const lines = (await response.text()).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toEqual({ status: 'pulling manifest' });
    expect(lines.slice(-3)).toEqual([{ status: 'verifying sha256 digest' }, { status: 'writing manifest' }, { status: 'success' }]);
    const progress = lines.filter((line) => typeof line.total === 'number');
    expect(progress.length).toBeGreaterThanOrEqual(5);
    for (const line of progress) expect(line.status).toBe(`pulling ${(line.digest as string).slice(7, 19)}`);
    const models = (await ollama.list()).models;
    expect(models.map((model) => model.name)).toEqual(['llama3.2:latest']);
    expect(models[0]?.details).toMatchObject({ format: 'gguf', family: 'llama' });
  });

  test('reports an unknown model as an error line, and a missing one on delete as 404', async () => {
    const { ollama } = await startOllama(await createVolume('ollama'));
    await expect(ollama.pull({ model: 'does-not-exist' })).rejects.toThrow('pull model manifest: file does not exist');
    const stream = await ollama.pull({ model: 'does-not-exist', stream: true });
    await expect((async () => { for await (const _ of stream) void _; })()).rejects.toThrow('file does not exist');
    await expect(ollama.delete({ model: 'qwen2.5:0.5b' })).rejects.toMatchObject({ status_code: 404 });
  });

  test('deletes a pulled model', async () => {
    const { ollama } = await startOllama(await createVolume('ollama'));
    await ollama.pull({ model: 'qwen2.5:0.5b' });
    await ollama.delete({ model: 'qwen2.5:0.5b' });
    expect((await ollama.list()).models).toEqual([]);
  });

  test('answers chats with an echo of the last user message, whole or streamed', async () => {
    const { ollama } = await startOllama(await createVolume('ollama'));
    await ollama.pull({ model: 'llama3.1' });
    const messages = [{ role: 'user', content: 'Say hello' }];
    const whole = await ollama.chat({ model: 'llama3.1', messages });
    expect(whole.message.content).toBe('Echo: Say hello');
    expect(whole.eval_count).toBeGreaterThan(0);
    expect(whole.prompt_eval_count).toBeGreaterThan(0);
    let streamed = '';
    for await (const part of await ollama.chat({ model: 'llama3.1', messages, stream: true })) streamed += part.message.content;
    expect(streamed).toBe('Echo: Say hello');
    expect((await ollama.generate({ model: 'llama3.1', prompt: 'Hi' })).response).toBe('Echo: Hi');
  });

  test('keeps pulled models on its volume when the container is removed and created again', async () => {
    const volume = await createVolume('ollama');
    const first = await startOllama(volume);
    await first.ollama.pull({ model: 'tinyllama' });
    await first.container.remove({ force: true });
    const second = await startOllama(volume);
    expect((await second.ollama.list()).models.map((model) => model.name)).toEqual(['tinyllama:latest']);
    expect(await execIn(second.container, ['ollama', 'list'])).toMatchObject({ exitCode: 0, stdout: expect.stringContaining('tinyllama:latest') });
  });
});

describe('the local registry', () => {
  test('serves pulls that report download progress for every layer', async () => {
    const { reference, layerCount } = await pushImageToRegistry();
    const events = await followDockerStream(docker, await docker.pull(reference));
    await docker.getImage(reference).remove({ force: true });
    const layerIds = new Set(events.filter((event) => event.status === 'Pulling fs layer').map((event) => event.id));
    expect(layerIds.size).toBe(layerCount);
    for (const id of layerIds) {
      const downloading = events.filter((event) => event.id === id && event.status === 'Downloading');
      expect(downloading.length).toBeGreaterThan(0);
      expect(downloading.at(-1)?.progressDetail?.total).toBeGreaterThan(0);
      expect(events.some((event) => event.id === id && event.status === 'Pull complete')).toBe(true);
    }
  });
});
