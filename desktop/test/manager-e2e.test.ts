/**
 * The desktop issue's end-to-end story, through the CLI as an admin runs it, against a real Docker
 * engine: up → migrations → engine ready → data through the API → backup → down (volumes kept) → up →
 * data present → restore an older backup → data matches it → an update whose migration fails → rolled
 * back, data intact → doctor all green. And: no container engine → the embedded database.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choosePort } from '../src/core/ports.js';
import { LABEL_STACK } from '../src/core/stack-manifest.js';
import { readBackupManifest } from '../src/core/backup/index.js';
import { createUpdateBundle } from '../src/core/update/bundle.js';
import { builtInVersion } from '../src/core/update/versions.js';
import { dockerFromContext } from './docker/context.js';
import { runCli } from './helpers/cli.js';
import { aiTasks } from '../../engine/src/ai/instruction-defaults.js';

const repository = fileURLToPath(new URL('../../', import.meta.url));
const { docker, dockerHost, postgresImage, ollamaImage } = dockerFromContext();
const apiKey = `fp_proj_${randomBytes(16).toString('hex')}`;
const signing = generateKeyPairSync('ed25519');

async function writeSettings(home: string, settings: Record<string, unknown>): Promise<void> {
  await fs.mkdir(path.join(home, 'manager'), { recursive: true });
  await fs.writeFile(path.join(home, 'manager', 'settings.json'), JSON.stringify(settings, null, 2));
}

async function api(url: string, pathname: string, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(pathname, url), { ...init, headers: { 'x-api-key': apiKey, 'content-type': 'application/json', ...init.headers } });
}

async function promptKeys(url: string): Promise<string[]> {
  const response = await api(url, '/api/v1/prompts?limit=100');
  expect(response.status).toBe(200);
  return ((await response.json()) as { prompts: { key: string }[] }).prompts.map((prompt) => prompt.key).sort();
}

async function createPrompt(url: string, key: string): Promise<void> {
  const response = await api(url, '/api/v1/prompts', { method: 'POST', body: JSON.stringify({ key, template: `You help with ${key}.` }) });
  expect(response.status).toBe(201);
}

/**
 * The running app as a new version whose extra migration fails. engine/dist is copied; a real bundle
 * also carries node_modules, which this test instead links beside the install (a bundle's own
 * symlinks must stay inside it), where Node's module resolution finds them.
 */
/** Appends a migration to the app's copy of the engine's migrations. */
async function addMigration(appDir: string, tag: string, sql: string): Promise<void> {
  const journalFile = path.join(appDir, 'engine', 'drizzle', 'meta', '_journal.json');
  const journal = JSON.parse(await fs.readFile(journalFile, 'utf8')) as { entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[] };
  const last = journal.entries.at(-1)!;
  journal.entries.push({ idx: last.idx + 1, version: last.version, when: last.when + 1000, tag, breakpoints: true });
  await fs.writeFile(journalFile, JSON.stringify(journal, null, 2));
  await fs.writeFile(path.join(appDir, 'engine', 'drizzle', `${tag}.sql`), sql);
}

async function updateBundle(directory: string, version: string, { broken }: { broken: boolean }): Promise<string> {
  const appDir = path.join(directory, `update-app-${version}`);
  await fs.symlink(path.join(repository, 'node_modules'), path.join(directory, 'node_modules')).catch(() => {});
  await fs.cp(path.join(repository, 'engine', 'dist'), path.join(appDir, 'engine', 'dist'), { recursive: true });
  await fs.cp(path.join(repository, 'engine', 'drizzle'), path.join(appDir, 'engine', 'drizzle'), { recursive: true });
  await fs.copyFile(path.join(repository, 'engine', 'package.json'), path.join(appDir, 'engine', 'package.json'));
  await fs.cp(path.join(repository, 'ui', 'dist'), path.join(appDir, 'ui', 'dist'), { recursive: true });
  const rootPackage = JSON.parse(await fs.readFile(path.join(repository, 'package.json'), 'utf8')) as Record<string, unknown>;
  await fs.writeFile(path.join(appDir, 'package.json'), JSON.stringify({ ...rootPackage, version }));
  const bundle = path.join(directory, `forprompt-${version}.fpupdate`);
  const stack = { formatVersion: 1 as const, postgres: { image: postgresImage }, ollama: { image: ollamaImage } };
  if (broken) {
    await addMigration(appDir, '9999_broken_on_purpose', 'ALTER TABLE prompts ADD COLUMN upgraded boolean;\n--> statement-breakpoint\nSELECT no_such_function();\n');
    await createUpdateBundle({ out: bundle, appVersion: version, appDir, stack, images: [], privateKey: signing.privateKey });
    return bundle;
  }
  // A new version with a migration of its own: backups taken after the update name its schema.
  await addMigration(appDir, '9998_update_marker', 'CREATE TABLE update_marker (note text);\n');
  // The new version ships its PostgreSQL image under a tag this engine does not have (docker save), as a
  // release for air-gapped installs does: the update must load it and move the database container onto it.
  const newImage = `forprompt-test/postgres:update-${version}`;
  await docker.getImage(postgresImage).tag({ repo: 'forprompt-test/postgres', tag: `update-${version}` });
  const imageTar = path.join(directory, `postgres-${version}.tar`);
  await pipeline((await docker.getImage(newImage).get()) as NodeJS.ReadableStream, createWriteStream(imageTar));
  await docker.getImage(newImage).remove(); // only the tag: the layers stay under the original name
  await createUpdateBundle({ out: bundle, appVersion: version, appDir, stack: { ...stack, postgres: { image: newImage } }, images: [{ ref: newImage, tarFile: imageTar }], privateKey: signing.privateKey });
  await fs.rm(imageTar);
  return bundle;
}

describe('forprompt-manager with containers', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  const stackName = `fpe2e-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-manager-e2e-'));
    env = {
      FORPROMPT_HOME: home,
      DOCKER_HOST: dockerHost,
      FORPROMPT_UPDATE_PUBLIC_KEY: signing.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
    await writeSettings(home, {
      database: 'container',
      stackName,
      manifest: { formatVersion: 1, postgres: { image: postgresImage }, ollama: { image: ollamaImage } },
      withOllama: true,
      ollamaModel: 'llama3.1',
      enginePort: await choosePort(undefined),
      engineEnv: { FORPROMPT_INIT_USER_EMAIL: 'admin@example.com', FORPROMPT_INIT_USER_PASSWORD: 'correct horse battery staple', FORPROMPT_INIT_ORG_NAME: 'Acme', FORPROMPT_INIT_PROJECT_NAME: 'Web', FORPROMPT_INIT_PROJECT_API_KEY: apiKey, LOG_LEVEL: 'info' },
    });
  });

  afterAll(async () => {
    await runCli(['down'], env, 120_000).catch(() => {});
    await docker.getImage('forprompt-test/postgres:update-99.0.1').remove().catch(() => {});
    const filters = { label: [`${LABEL_STACK}=${stackName}`] };
    for (const container of await docker.listContainers({ all: true, filters })) await docker.getContainer(container.Id).remove({ force: true }).catch(() => {});
    for (const volume of (await docker.listVolumes({ filters })).Volumes ?? []) await docker.getVolume(volume.Name).remove({ force: true }).catch(() => {});
    await fs.rm(home, { recursive: true, force: true });
  });

  it('runs the whole life of an install: up, backup, down, up, restore, a failed update rolled back, doctor', async () => {
    const up = await runCli(['up', '--json'], env);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const { url } = up.json<{ url: string }>();
    expect((await fetch(new URL('/readyz', url))).status).toBe(200);
    const runtime = JSON.parse(await fs.readFile(path.join(home, 'runtime.json'), 'utf8')) as Record<string, unknown>;
    expect(runtime).toMatchObject({ mode: 'serve', dataProvider: 'postgresql', stack: 'container' });

    await createPrompt(url, 'welcome');
    const first = await runCli(['backup', '--json', '--out', path.join(home, 'first.fpbackup')], env);
    expect(first.code, first.stderr).toBe(0);
    await createPrompt(url, 'after-backup');
    expect(await promptKeys(url)).toEqual(['after-backup', 'welcome']);

    const down = await runCli(['down', '--json'], env);
    expect(down.code, down.stderr).toBe(0);
    expect((await runCli(['status', '--json'], env)).json<{ engine: { state: string } }>().engine.state).toBe('stopped');
    const volumes = (await docker.listVolumes({ filters: { label: [`${LABEL_STACK}=${stackName}`] } })).Volumes ?? [];
    expect(volumes.map((volume) => volume.Name).sort()).toEqual([`${stackName}-ollama`, `${stackName}-pgdata`]);

    const again = await runCli(['up', '--json'], env);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const url2 = again.json<{ url: string }>().url;
    expect(await promptKeys(url2)).toEqual(['after-backup', 'welcome']);

    const restore = await runCli(['restore', path.join(home, 'first.fpbackup'), '--yes', '--json'], env);
    expect(restore.code, restore.stderr).toBe(0);
    // 'welcome', and the AI instructions every engine seeds into its built-in system project before it is ready.
    expect(restore.json<{ tables: Record<string, number> }>().tables).toMatchObject({ prompts: 1 + aiTasks.length });
    const url3 = (await runCli(['status', '--json'], env)).json<{ engine: { runtime: { url: string } } }>().engine.runtime.url;
    expect(await promptKeys(url3)).toEqual(['welcome']);

    const update = await runCli(['update', '--bundle', await updateBundle(home, '99.0.0', { broken: true }), '--json'], env);
    expect(update.code).toBe(1);
    expect(update.json<{ error: string }>().error).toMatch(/Updating to 99\.0\.0 failed and was rolled back to .*Migration 9999_broken_on_purpose failed/s);
    const status = (await runCli(['status', '--json'], env)).json<{ engine: { state: string; runtime: { url: string; version: string } } }>();
    expect(status.engine).toMatchObject({ state: 'running', runtime: { version: builtInVersion } });
    expect(await promptKeys(status.engine.runtime.url)).toEqual(['welcome']);
    await expect(fs.readlink(path.join(home, 'app', 'current'))).rejects.toThrow();

    const good = await updateBundle(home, '99.0.1', { broken: false });
    const updated = await runCli(['update', '--bundle', good, '--json'], env);
    expect(updated.code, updated.stdout + updated.stderr).toBe(0);
    expect(updated.json()).toMatchObject({ from: builtInVersion, to: '99.0.1' });
    expect(await fs.readlink(path.join(home, 'app', 'current'))).toBe(path.join('versions', '99.0.1'));
    expect((await docker.getContainer(`${stackName}-postgres`).inspect()).Config.Image).toBe('forprompt-test/postgres:update-99.0.1');
    const afterUpdate = (await runCli(['status', '--json'], env)).json<{ engine: { state: string; runtime: { url: string; version: string } } }>();
    expect(afterUpdate.engine).toMatchObject({ state: 'running', runtime: { version: '99.0.1' } });
    expect(await promptKeys(afterUpdate.engine.runtime.url)).toEqual(['welcome']);
    // Backups now name the installed version and its schema (the update's own migration included).
    const afterUpdateBackup = await runCli(['backup', '--json', '--out', path.join(home, 'after-update.fpbackup')], env);
    expect(afterUpdateBackup.code, afterUpdateBackup.stdout + afterUpdateBackup.stderr).toBe(0);
    expect(await readBackupManifest(path.join(home, 'after-update.fpbackup'))).toMatchObject({ appVersion: '99.0.1', schemaVersion: { lastTag: '9998_update_marker' } });
    const again99 = await runCli(['update', '--bundle', good, '--json'], env);
    expect(again99.json<{ error: string }>().error).toBe('This bundle holds ForPrompt 99.0.1, and 99.0.1 is installed: nothing to update');

    const models = await runCli(['models', 'pull', 'llama3.1', '--json'], env);
    expect(models.code, models.stderr).toBe(0);
    const doctor = await runCli(['doctor', '--json', '--api-key', apiKey], env);
    const checks = doctor.json<{ checks: { name: string; status: string; detail: string }[] }>().checks;
    expect(checks.filter((check) => check.status !== 'pass'), JSON.stringify(checks)).toEqual([]);
    expect(doctor.code).toBe(0);
  }, 900_000);
});

describe('forprompt-manager without a container engine', () => {
  it('falls back to the embedded database and says so', async () => {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-manager-embedded-'));
    const env = { FORPROMPT_HOME: home };
    try {
      await writeSettings(home, { database: 'auto', containerHost: `unix://${path.join(home, 'no-engine.sock')}`, enginePort: await choosePort(undefined) });
      const status = await runCli(['status', '--json'], env);
      expect(status.json<{ database: string; reason: string }>()).toMatchObject({ database: 'embedded', reason: expect.stringContaining('embedded PostgreSQL') });
      const up = await runCli(['up', '--json'], env);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      const { url } = up.json<{ url: string }>();
      expect((await fetch(new URL('/readyz', url))).status).toBe(200);
      const runtime = JSON.parse(await fs.readFile(path.join(home, 'runtime.json'), 'utf8')) as Record<string, unknown>;
      expect(runtime).toMatchObject({ dataProvider: 'embedded', stack: 'embedded' });
      const backup = await runCli(['backup', '--json'], env);
      expect(backup.code, backup.stderr).toBe(0);
      const file = backup.json<{ file: string }>().file;
      expect(file).toMatch(/backups\/forprompt-.*\.fpbackup$/);
      const logs = await runCli(['logs'], env);
      expect(logs.stdout).toContain('is ready at');

      // A stopped install is restored in place and left stopped: the manager opens the database itself.
      expect((await runCli(['down', '--json'], env)).code).toBe(0);
      const restore = await runCli(['restore', file, '--yes', '--json'], env);
      expect(restore.code, restore.stdout + restore.stderr).toBe(0);
      expect(restore.json<{ tables: Record<string, number> }>().tables).toMatchObject({ users: 0, model_prices: expect.any(Number) });
      expect((await runCli(['status', '--json'], env)).json<{ engine: { state: string } }>().engine.state).toBe('stopped');
      const restarted = await runCli(['up', '--json'], env);
      expect(restarted.code, restarted.stdout + restarted.stderr).toBe(0);
    } finally {
      await runCli(['down'], env, 120_000);
      await fs.rm(home, { recursive: true, force: true });
    }
  }, 300_000);
});
