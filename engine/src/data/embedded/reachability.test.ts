import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { relocateBinaries, resolvePostgresBinaries } from './binaries.js';
import { ensureReachableBinaries } from './reachability.js';
import { ensureSystemUser } from './system-user.js';

const logger = pino({ level: 'silent' });
const directories: string[] = [];

afterEach(async () => {
  await Promise.all(directories.splice(0).map((directory) => fs.rm(directory, { recursive: true, force: true })));
});

async function temporaryDirectory(): Promise<string> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'forprompt-runtime-'));
  directories.push(directory);
  return directory;
}

describe('ensureReachableBinaries', { timeout: 60_000 }, () => {
  it.runIf(process.getuid?.() === 0)('copies binaries the system user cannot reach, once, keeping symlinks', async () => {
    const identity = await ensureSystemUser('', logger);
    const installed = await resolvePostgresBinaries();
    // Stand-in for a repository cloned under /root: the same package behind a 0700 directory.
    const privateRepo = await temporaryDirectory();
    await fs.chmod(privateRepo, 0o700);
    const hiddenNative = path.join(privateRepo, 'native');
    await fs.cp(installed.nativeDir, hiddenNative, { recursive: true, verbatimSymlinks: true });
    const hidden = relocateBinaries(installed, hiddenNative);
    const home = await temporaryDirectory();

    const usable = await ensureReachableBinaries(hidden, path.join(home, 'runtime'), identity, logger);

    expect(usable.nativeDir).toBe(path.join(home, 'runtime', `pg-${installed.version}`));
    expect((await fs.stat(usable.nativeDir)).mode & 0o777).toBe(0o755);
    expect((await fs.lstat(path.join(usable.nativeDir, 'lib', 'libicuuc.so.60'))).isSymbolicLink()).toBe(true);
    const version = spawnSync(usable.postgres, ['--version'], { uid: identity.uid, gid: identity.gid, encoding: 'utf8' });
    expect(version.stdout).toContain(`PostgreSQL) ${installed.major}`);

    const copiedAt = (await fs.stat(usable.postgres)).mtimeMs;
    const again = await ensureReachableBinaries(hidden, path.join(home, 'runtime'), identity, logger);
    expect(again.postgres).toBe(usable.postgres);
    expect((await fs.stat(again.postgres)).mtimeMs).toBe(copiedAt);
  });

  it('uses the installed binaries when the system user can reach them', async () => {
    const installed = await resolvePostgresBinaries();
    // A copy in a world-traversable place, whatever the mode of the directory this repository sits in.
    const openRepo = await temporaryDirectory();
    await fs.chmod(openRepo, 0o755);
    await fs.cp(installed.nativeDir, path.join(openRepo, 'native'), { recursive: true, verbatimSymlinks: true });
    const reachable = relocateBinaries(installed, path.join(openRepo, 'native'));
    const nobody = { uid: 65534, gid: 65534 };
    const usable = await ensureReachableBinaries(reachable, path.join(await temporaryDirectory(), 'runtime'), nobody, logger);
    expect(usable).toEqual(reachable);
  });
});
