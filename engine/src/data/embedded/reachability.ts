import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../../logger.js';
import {
  ancestorDirectories,
  canExecute,
  untraversableDirectories,
  type PathModeInfo,
  type ProcessIdentity,
} from './access.js';
import { relocateBinaries, type PostgresBinaries } from './binaries.js';
import { SYSTEM_USER } from './system-user.js';

const run = promisify(execFile);

async function modeInfo(target: string): Promise<PathModeInfo> {
  const stats = await fs.stat(target);
  return { path: target, mode: stats.mode, uid: stats.uid, gid: stats.gid };
}

async function ancestorModes(target: string): Promise<PathModeInfo[]> {
  return Promise.all(ancestorDirectories(target).map(modeInfo));
}

/**
 * Lets the system user pass through every directory above `target` (typically a home of mode 700).
 * Prefers an ACL entry for that user alone; falls back to o+x, which opens the directory to everyone.
 */
export async function grantTraverse(target: string, identity: ProcessIdentity, logger: Logger): Promise<void> {
  for (const directory of untraversableDirectories(await ancestorModes(target), identity)) {
    try {
      await run('setfacl', ['-m', `u:${SYSTEM_USER}:x`, directory]);
      // Debug only: mode bits do not show ACLs, so this runs (harmlessly) on every start.
      logger.debug({ directory }, `granted ${SYSTEM_USER} traverse permission with setfacl`);
    } catch {
      const stats = await fs.stat(directory);
      await fs.chmod(directory, (stats.mode & 0o7777) | 0o001);
      logger.warn(
        { directory },
        `made ${directory} traversable by all users (chmod o+x) so that ${SYSTEM_USER} can reach ` +
          'the PostgreSQL data directory; install setfacl (package "acl") to grant only that user',
      );
    }
  }
}

/**
 * Binaries the system user can execute: the installed ones when reachable, else a root-owned copy
 * of the whole native directory under `runtimeRoot`, made once per version (bin, lib, share; the
 * libraries' symlinks are kept as symlinks).
 */
export async function ensureReachableBinaries(
  binaries: PostgresBinaries,
  runtimeRoot: string,
  identity: ProcessIdentity,
  logger: Logger,
): Promise<PostgresBinaries> {
  const reachable = await Promise.all(
    [binaries.postgres, binaries.initdb].map(async (file) =>
      canExecute(await ancestorModes(file), await modeInfo(file), identity),
    ),
  );
  if (reachable.every(Boolean)) return binaries;

  const copyDir = path.join(runtimeRoot, `pg-${binaries.version}`);
  const copied = relocateBinaries(binaries, copyDir);
  if (!existsSync(copied.postgres)) await copyNativeDir(binaries.nativeDir, runtimeRoot, copyDir, logger);
  await grantTraverse(runtimeRoot, identity, logger);
  return copied;
}

async function copyNativeDir(nativeDir: string, runtimeRoot: string, copyDir: string, logger: Logger): Promise<void> {
  logger.info(
    { from: nativeDir, to: copyDir },
    `${SYSTEM_USER} cannot reach the PostgreSQL binaries; copying them`,
  );
  await fs.mkdir(runtimeRoot, { recursive: true, mode: 0o755 });
  await fs.chmod(runtimeRoot, 0o755);
  // Copy next to the target and rename, so an interrupted copy is never mistaken for a complete one.
  const partial = await fs.mkdtemp(path.join(runtimeRoot, '.partial-'));
  try {
    await fs.cp(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    await fs.chmod(partial, 0o755);
    await fs.rename(partial, copyDir).catch((error: unknown) => {
      if (!existsSync(copyDir)) throw error; // else another engine finished first
    });
  } finally {
    await fs.rm(partial, { recursive: true, force: true });
  }
}

/** Gives the data directory to the system user; recursive only when it belongs to someone else. */
export async function ensureOwnedBy(directory: string, identity: ProcessIdentity): Promise<void> {
  const stats = await fs.stat(directory);
  if (stats.uid === identity.uid && stats.gid === identity.gid) return;
  await run('chown', ['-R', `${identity.uid}:${identity.gid}`, directory]);
}
