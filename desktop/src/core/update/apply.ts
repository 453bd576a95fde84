import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { backupInstall, restoreInstall } from '../backups.js';
import type { Manager } from '../manager.js';
import { followDockerStream } from '../pull.js';
import { probeEngine } from '../runtime.js';
import { errorMessage, throwIfCancelled, type TaskContext } from '../tasks.js';
import { verifyAndStageBundle, type UpdateManifest } from './bundle.js';
import { updatePublicKey } from './public-key.js';
import { activeVersion, appRoot, compareVersions, installedVersion, installVersion, switchVersion } from './versions.js';

export interface UpdateResult {
  from: string;
  to: string;
  backupFile: string;
}

export class UpdateRolledBackError extends Error {
  constructor(
    message: string,
    readonly backupFile: string,
  ) {
    super(message);
    this.name = 'UpdateRolledBackError';
  }
}

/**
 * Applies a `.fpupdate`: verify (signature, checksums, newer version) → pre-update backup → load the
 * new images → install the app beside the old one → stop the engine → switch → migrate → start →
 * health check. Any failure after the backup rolls back to the previous app, images and the
 * pre-update backup, and says so; data is never lost.
 */
export async function applyUpdateBundle(manager: Manager, file: string, context: TaskContext, publicKey = updatePublicKey()): Promise<UpdateResult> {
  const from = await activeVersion(manager.home);
  const staging = path.join(appRoot(manager.home), `staging-${process.pid}-${Date.now()}`);
  try {
    context.report({ message: 'Checking the update’s signature and checksums' });
    const update = await verifyAndStageBundle(file, publicKey, staging, context.signal);
    if (compareVersions(update.appVersion, from) <= 0) {
      throw new Error(`This bundle holds ForPrompt ${update.appVersion}, and ${from} is installed: nothing to update`);
    }
    return await applyStaged(manager, update, staging, from, context);
  } finally {
    await fsp.rm(staging, { recursive: true, force: true });
  }
}

async function applyStaged(manager: Manager, update: UpdateManifest, staging: string, from: string, context: TaskContext): Promise<UpdateResult> {
  const wasRunning = (await probeEngine(manager.home)).state === 'running';
  context.report({ message: 'Backing up before the update' });
  const backup = await backupInstall(manager, context);
  throwIfCancelled(context.signal);
  const settings = await manager.settings();
  const plan = await manager.planDatabase(settings);
  if (plan.kind === 'container') {
    for (const [index, image] of update.images.entries()) {
      context.report({ message: `Loading image ${image.ref}`, fraction: index / update.images.length });
      await followDockerStream(plan.engine.docker, await plan.engine.docker.loadImage(fs.createReadStream(path.join(staging, image.file))));
    }
  }
  context.report({ message: `Installing ForPrompt ${update.appVersion} beside ${from}` });
  await installVersion(manager.home, update.appVersion, staging);
  const previous = { version: await installedVersion(manager.home), manifest: settings.manifest };
  try {
    context.report({ message: 'Stopping the engine' });
    await manager.stopEngine();
    await switchVersion(manager.home, update.appVersion);
    await manager.updateSettings({ manifest: update.stack });
    await manager.provision(context); // new images, then the new version's migrations
    context.report({ message: 'Starting the new version' });
    await manager.startEngine();
    const health = await probeEngine(manager.home);
    if (health.state !== 'running') throw new Error(`the new version is not healthy (${health.state})`);
    if (!wasRunning) await manager.stopEngine();
    return { from, to: update.appVersion, backupFile: backup.file };
  } catch (error) {
    context.report({ message: `The update failed (${errorMessage(error)}); rolling back to ${from}` });
    await rollBack(manager, previous, backup.file, wasRunning, context);
    throw new UpdateRolledBackError(
      `Updating to ${update.appVersion} failed and was rolled back to ${from}; the data was restored from the pre-update backup ${backup.file}. Reason: ${errorMessage(error)}`,
      backup.file,
    );
  }
}

async function rollBack(
  manager: Manager,
  previous: { version: string | undefined; manifest: UpdateManifest['stack'] },
  backupFile: string,
  wasRunning: boolean,
  context: TaskContext,
): Promise<void> {
  // Not cancellable: a half rollback is worse than a slow one.
  const uncancellable: TaskContext = { signal: new AbortController().signal, report: context.report };
  await manager.stopEngine().catch(() => {});
  await switchVersion(manager.home, previous.version);
  await manager.updateSettings({ manifest: previous.manifest });
  const plan = await manager.planDatabase();
  if (plan.kind === 'container') await plan.stack.up(uncancellable);
  await restoreInstall(manager, backupFile, uncancellable);
  if (wasRunning) await manager.startEngine();
}
