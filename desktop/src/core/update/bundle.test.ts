import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tar from 'tar-stream';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Manager } from '../manager.js';
import { TaskManager } from '../tasks.js';
import { defaultStackManifest } from '../stack-manifest.js';
import { applyUpdateBundle } from './apply.js';
import { createUpdateBundle, UpdateBundleError, verifyAndStageBundle } from './bundle.js';
import { builtInVersion, compareVersions, installVersion, installedEngineEntry, switchVersion } from './versions.js';

const keys = generateKeyPairSync('ed25519');
const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('update bundles', () => {
  let directory: string;
  let bundle: string;
  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-update-'));
    const appDir = path.join(directory, 'app');
    await fs.mkdir(path.join(appDir, 'engine', 'dist'), { recursive: true });
    await fs.writeFile(path.join(appDir, 'engine', 'dist', 'main.js'), 'console.log("new engine")\n');
    await fs.writeFile(path.join(directory, 'image.tar'), Buffer.alloc(64 * 1024, 7));
    bundle = path.join(directory, 'forprompt-9.0.0.fpupdate');
    await createUpdateBundle({ out: bundle, appVersion: '9.0.0', appDir, stack: defaultStackManifest, images: [{ ref: 'postgres:16-alpine', tarFile: path.join(directory, 'image.tar') }], privateKey: keys.privateKey });
  });
  afterEach(() => fs.rm(directory, { recursive: true, force: true }));

  it('verifies a signed bundle and stages its app and images', async () => {
    const staging = path.join(directory, 'staging');
    const manifest = await verifyAndStageBundle(bundle, publicPem, staging);
    expect(manifest).toMatchObject({ appVersion: '9.0.0', images: [{ ref: 'postgres:16-alpine', file: 'images/image-0.tar' }] });
    expect((await fs.stat(path.join(staging, 'images', 'image-0.tar'))).size).toBe(64 * 1024);
    const home = path.join(directory, 'home');
    await installVersion(home, '9.0.0', staging);
    await switchVersion(home, '9.0.0');
    expect(await fs.readFile(installedEngineEntry(home)!, 'utf8')).toContain('new engine');
    await switchVersion(home, undefined);
    expect(installedEngineEntry(home)).toBeUndefined();
  });

  it('refuses a bundle signed with another key', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await expect(verifyAndStageBundle(bundle, other, path.join(directory, 's'))).rejects.toThrow(/invalid signature/);
  });

  it('refuses a bundle whose contents were altered after signing', async () => {
    const bytes = await fs.readFile(bundle);
    const at = bytes.lastIndexOf(Buffer.alloc(512, 7)); // inside the image
    bytes[at] = 8;
    await fs.writeFile(bundle, bytes);
    await expect(verifyAndStageBundle(bundle, publicPem, path.join(directory, 's'))).rejects.toThrow(/does not match its signed checksum/);
  });

  it('refuses an unsigned bundle', async () => {
    // Re-pack without the signature entry.
    const unsigned = path.join(directory, 'unsigned.fpupdate');
    const extract = tar.extract();
    const pack = tar.pack();
    extract.on('entry', (header, stream, next) => {
      if (header.name === 'update.json.sig') {
        stream.resume();
        stream.on('end', next);
        return;
      }
      stream.pipe(pack.entry(header, next));
    });
    extract.on('finish', () => pack.finalize());
    await Promise.all([pipeline(createReadStream(bundle), extract), pipeline(pack, createWriteStream(unsigned))]);
    const error = await verifyAndStageBundle(unsigned, publicPem, path.join(directory, 's')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpdateBundleError);
    expect((error as Error).message).toMatch(/not signed/);
  });

  it('never offers an update to the installed version', async () => {
    const home = path.join(directory, 'home');
    const same = path.join(directory, 'same.fpupdate');
    await createUpdateBundle({ out: same, appVersion: builtInVersion, appDir: path.join(directory, 'app'), stack: defaultStackManifest, images: [], privateKey: keys.privateKey });
    const manager = new Manager({ home });
    const tasks = new TaskManager();
    const task = tasks.run('update', 'Update', (context) => applyUpdateBundle(manager, same, context, publicPem));
    await expect(task.result).rejects.toThrow(`This bundle holds ForPrompt ${builtInVersion}, and ${builtInVersion} is installed: nothing to update`);
    await expect(fs.access(path.join(home, 'backups'))).rejects.toThrow(); // refused before any backup
  });

  it('orders versions as semver does', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBe(1);
    expect(compareVersions('1.0.0-rc.1', '1.0.0')).toBe(-1);
    expect(compareVersions('0.1.0', '0.1.0')).toBe(0);
    expect(compareVersions('1.0.0-beta.9', '1.0.0-beta.10')).toBe(-1);
    expect(compareVersions('1.0.0-beta', '1.0.0-beta.1')).toBe(-1);
  });
});
