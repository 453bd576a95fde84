import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { CancellationToken } from 'electron-updater';
import { TaskManager } from '../../core/tasks.js';
import { createUpdater, type AutoUpdater } from './updater.js';

/** electron-updater's autoUpdater, answering `latest` from the feed. */
function fakeAutoUpdater(latest: string | null) {
  const emitter = new EventEmitter();
  const double = Object.assign(emitter, {
    autoDownload: true,
    autoInstallOnAppQuit: true,
    allowDowngrade: true,
    setFeedURL: vi.fn(),
    checkForUpdates: vi.fn(async () => (latest ? { updateInfo: { version: latest } } : null)),
    downloadUpdate: vi.fn(async (_token?: CancellationToken) => {
      emitter.emit('download-progress', { percent: 40, transferred: 40, total: 100, bytesPerSecond: 10, delta: 40 });
      emitter.emit('download-progress', { percent: 100, transferred: 100, total: 100, bytesPerSecond: 10, delta: 60 });
      return ['/tmp/ForPrompt.AppImage'];
    }),
    quitAndInstall: vi.fn(),
  });
  return double;
}

function setup(latest: string | null, options: { enabled?: boolean } = {}) {
  const autoUpdater = fakeAutoUpdater(latest);
  const tasks = new TaskManager();
  const backupBeforeInstall = vi.fn(async () => ({ file: '/backups/pre-update.fpbackup' }));
  const cancel = vi.fn();
  const updater = createUpdater({
    autoUpdater: autoUpdater as unknown as AutoUpdater,
    newCancellationToken: () => ({ cancel }) as unknown as CancellationToken,
    currentVersion: '1.2.0',
    enabled: options.enabled ?? true,
    feedUrl: 'https://updates.example/forprompt',
    tasks,
    backupBeforeInstall,
  });
  const finish = async (taskId: string) => {
    while (tasks.get(taskId)?.state === 'running') await new Promise((resolve) => setTimeout(resolve, 5));
    return tasks.get(taskId)!;
  };
  return { autoUpdater, tasks, updater, backupBeforeInstall, cancel, finish };
}

describe('the updater', () => {
  it('uses the generic feed URL and downloads only inside its task', () => {
    const { autoUpdater } = setup('1.2.0');
    expect(autoUpdater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://updates.example/forprompt' });
    expect(autoUpdater).toMatchObject({ autoDownload: false, autoInstallOnAppQuit: false, allowDowngrade: false });
  });

  it('never offers an update to the version already running', async () => {
    const { updater, autoUpdater, finish } = setup('1.2.0');
    const task = await finish(updater.check().taskId);
    expect(task).toMatchObject({ kind: 'update', state: 'done', outcome: 'Up to date (1.2.0)' });
    expect(autoUpdater.downloadUpdate).not.toHaveBeenCalled();
    expect(updater.state()).toMatchObject({ downloadedVersion: undefined, lastCheck: { latestVersion: '1.2.0', upToDate: true } });
    await expect(updater.install()).rejects.toThrow(/check for updates first/);
  });

  it('does not offer an older version either', async () => {
    const { updater, autoUpdater, finish } = setup('1.1.9');
    expect((await finish(updater.check().taskId)).state).toBe('done');
    expect(autoUpdater.downloadUpdate).not.toHaveBeenCalled();
  });

  it('downloads a newer version with progress, then installs it after a backup', async () => {
    const { updater, autoUpdater, tasks, backupBeforeInstall, finish } = setup('1.3.0');
    const fractions: number[] = [];
    tasks.on('change', (task) => task.kind === 'update' && task.progress.fraction !== undefined && fractions.push(task.progress.fraction));
    const task = await finish(updater.check().taskId);
    expect(task).toMatchObject({ state: 'done', outcome: 'ForPrompt 1.3.0 is ready: restart to install it' });
    expect(fractions).toEqual(expect.arrayContaining([0.4, 1]));
    expect(updater.state().downloadedVersion).toBe('1.3.0');
    await updater.install();
    expect(backupBeforeInstall).toHaveBeenCalledOnce();
    expect(tasks.list().find((entry) => entry.kind === 'backup')).toMatchObject({ state: 'done', title: 'Backup before updating to 1.3.0' });
    expect(autoUpdater.quitAndInstall).toHaveBeenCalledOnce();
  });

  it('does not install when the pre-update backup fails', async () => {
    const { updater, autoUpdater, backupBeforeInstall, finish } = setup('1.3.0');
    await finish(updater.check().taskId);
    backupBeforeInstall.mockRejectedValueOnce(new Error('disk full'));
    await expect(updater.install()).rejects.toThrow('disk full');
    expect(autoUpdater.quitAndInstall).not.toHaveBeenCalled();
  });

  it('cancels the download when its task is cancelled', async () => {
    const { updater, autoUpdater, tasks, cancel, finish } = setup('2.0.0');
    autoUpdater.downloadUpdate.mockImplementationOnce(() => new Promise((_resolve, reject) => cancel.mockImplementation(() => reject(new Error('cancelled')))));
    const { taskId } = updater.check();
    await vi.waitFor(() => expect(autoUpdater.downloadUpdate).toHaveBeenCalled());
    tasks.cancel(taskId);
    expect((await finish(taskId)).state).toBe('cancelled');
    expect(cancel).toHaveBeenCalled();
  });

  it('fails plainly when the app runs from source', async () => {
    const { updater, autoUpdater, finish } = setup('9.9.9', { enabled: false });
    const task = await finish(updater.check().taskId);
    expect(task.state).toBe('failed');
    expect(task.error).toMatch(/runs from source/);
    expect(autoUpdater.checkForUpdates).not.toHaveBeenCalled();
  });
});
