import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import asar from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const electronBuilder = path.join(root, 'node_modules/electron-builder/cli.js');

/** What `npm run build` produces and the package is made of. */
const builtInputs = ['engine/dist/main.js', 'ui/dist/index.html', 'sdk/dist/index.js', 'desktop/dist/electron/main/index.js', 'desktop/dist/electron/preload.cjs', 'desktop/dist/renderer/index.html'];

/**
 * An unpacked Electron for linux as electron-builder expects it (there is no Electron binary here and
 * none can be downloaded): the `electron` executable it renames to the app's, `resources/`, `locales/`.
 */
function fakeElectronDist(directory: string): void {
  fs.mkdirSync(path.join(directory, 'resources'), { recursive: true });
  fs.mkdirSync(path.join(directory, 'locales'));
  fs.writeFileSync(path.join(directory, 'locales', 'en-US.pak'), '');
  fs.writeFileSync(path.join(directory, 'electron'), '#!/bin/sh\necho "a stand-in for Electron"\n', { mode: 0o755 });
}

describe('electron-builder packaging (linux dir, offline)', () => {
  let work: string;
  let app: string;
  let resources: string;
  let asarFiles: Set<string>;

  beforeAll(async () => {
    const missing = builtInputs.filter((file) => !fs.existsSync(path.join(root, file)));
    if (missing.length > 0) throw new Error(`Not built: ${missing.join(', ')}. Run "npm run build" (the desktop package builds with desktop/build.mjs).`);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'forprompt-package-'));
    fakeElectronDist(path.join(work, 'electron'));
    // Any attempt to reach the network goes to a closed port and fails: packaging must not need it.
    const offline = { HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', npm_config_offline: 'true', ELECTRON_BUILDER_CACHE: path.join(work, 'cache'), CI: 'true' };
    await run(process.execPath, [electronBuilder, '--linux', 'dir', `-c.electronDist=${path.join(work, 'electron')}`, `-c.directories.output=${path.join(work, 'out')}`], {
      cwd: root,
      env: { ...process.env, ...offline },
      maxBuffer: 16 * 1024 * 1024,
    });
    app = path.join(work, 'out', 'linux-unpacked');
    resources = path.join(app, 'resources');
    asarFiles = new Set(asar.listPackage(path.join(resources, 'app.asar'), { isPack: false }).map((file) => file.split(path.sep).join('/')));
  }, 120_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('names the executable after the app', () => {
    expect(fs.statSync(path.join(app, 'forprompt')).mode & 0o111).not.toBe(0);
  });

  it('packs the Electron main, the preload, the renderer and the core into app.asar, with main as the entry', () => {
    for (const file of ['/dist/electron/main/index.js', '/dist/electron/main/app.js', '/dist/electron/preload.cjs', '/dist/renderer/index.html', '/dist/core/manager.js', '/dist/cli.js', '/assets/tray.png']) {
      expect(asarFiles, file).toContain(file);
    }
    expect([...asarFiles].some((file) => /^\/dist\/renderer\/assets\/index-.*\.js$/.test(file))).toBe(true);
    const manifest = JSON.parse(asar.extractFile(path.join(resources, 'app.asar'), 'package.json').toString()) as { main: string; type: string };
    expect(manifest).toMatchObject({ main: 'dist/electron/main/index.js', type: 'module' });
    expect([...asarFiles].filter((file) => file.startsWith('/dist/') && (file.endsWith('.map') || file.endsWith('.test.js')))).toEqual([]);
  });

  it('packs the main process’s production dependencies, not the build tools', () => {
    for (const dependency of ['dockerode', 'pg', 'electron-updater', 'ollama', 'tar-stream', 'zod']) expect(asarFiles, dependency).toContain(`/node_modules/${dependency}/package.json`);
    for (const tool of ['electron', 'electron-builder', 'vite', 'typescript']) expect(asarFiles, tool).not.toContain(`/node_modules/${tool}/package.json`);
  });

  it('packs the engine, its migrations and the built dashboard as resources, where the code looks for them', () => {
    expect(fs.existsSync(path.join(resources, 'engine/dist/main.js'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(resources, 'engine/package.json'), 'utf8'))).toMatchObject({ name: '@forprompt/engine', type: 'module' });
    expect(fs.existsSync(path.join(resources, 'ui/dist/index.html'))).toBe(true);
    const journal = JSON.parse(fs.readFileSync(path.join(resources, 'engine/drizzle/meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    expect(journal.entries.length).toBeGreaterThan(0);
    for (const { tag } of journal.entries) expect(fs.existsSync(path.join(resources, `engine/drizzle/${tag}.sql`)), tag).toBe(true);
    // desktop/src/core finds the engine (engine-process.ts) and the journal (backup/schema-version.ts) relative to itself.
    const core = path.join(resources, 'app.asar/dist/core');
    expect(path.resolve(core, '../../../engine/dist/main.js')).toBe(path.join(resources, 'engine/dist/main.js'));
    expect(path.resolve(core, 'backup', '../../../../engine/drizzle/meta/_journal.json')).toBe(path.join(resources, 'engine/drizzle/meta/_journal.json'));
  });

  it('gives the engine every package it imports, so it runs from the resources alone', async () => {
    expect(fs.existsSync(path.join(resources, 'engine/node_modules/@forprompt/sdk/dist/index.js'))).toBe(true);
    expect(fs.existsSync(path.join(resources, 'engine/node_modules/@forprompt/sdk/src'))).toBe(false);
    const engine = pathToFileURL(path.join(resources, 'engine/dist')).href;
    const script = `
      await import('${engine}/http/app.js');
      await import('${engine}/data/postgres/ports/job-queue.js');
      const { resolvePostgresBinaries } = await import('${engine}/data/embedded/binaries.js');
      console.log(JSON.stringify(await resolvePostgresBinaries()));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: work });
    const binaries = JSON.parse(stdout.trim().split('\n').pop()!) as { postgres: string };
    expect(binaries.postgres.startsWith(path.join(resources, 'engine/node_modules/'))).toBe(true);
    expect(fs.statSync(binaries.postgres).mode & 0o111).not.toBe(0);
  });

  it('writes the generic update feed electron-updater reads', () => {
    const feed = fs.readFileSync(path.join(resources, 'app-update.yml'), 'utf8');
    expect(feed).toContain('provider: generic');
    expect(feed).toContain('url: https://updates.example.invalid/forprompt');
  });
});
