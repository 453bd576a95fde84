import type { AppUpdater, CancellationToken, ProgressInfo } from 'electron-updater';
import type { TaskContext, TaskManager } from '../../core/tasks.js';
import { compareVersions } from '../../core/update/versions.js';
import type { TaskStarted, UpdateState } from '../bridge.js';

/** The parts of electron-updater's `autoUpdater` this module uses (a test passes a double). */
export type AutoUpdater = Pick<AppUpdater, 'autoDownload' | 'autoInstallOnAppQuit' | 'allowDowngrade' | 'setFeedURL' | 'checkForUpdates' | 'downloadUpdate' | 'quitAndInstall' | 'on' | 'off'>;

export interface UpdaterOptions {
  autoUpdater: AutoUpdater;
  newCancellationToken: () => CancellationToken;
  currentVersion: string;
  /** Only a packaged app updates itself. */
  enabled: boolean;
  /** Overrides the generic publish URL built into the app (app-update.yml), e.g. an internal mirror. */
  feedUrl?: string;
  tasks: TaskManager;
  /** The automatic backup taken before the new version starts (and migrates the database). */
  backupBeforeInstall: (context: TaskContext) => Promise<unknown>;
}

export interface Updater {
  state(): UpdateState;
  /** Checks the feed and, when a newer version exists, downloads it: one task, with progress and a cancel. */
  check(): TaskStarted;
  /** Backs up, then quits and installs the downloaded version. */
  install(): Promise<void>;
}

export function createUpdater(options: UpdaterOptions): Updater {
  const { autoUpdater, tasks, currentVersion } = options;
  // Downloads run inside our task (progress, cancel); installs only after the pre-update backup.
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = false;
  autoUpdater.allowDowngrade = false;
  if (options.feedUrl) autoUpdater.setFeedURL({ provider: 'generic', url: options.feedUrl });

  let lastCheck: UpdateState['lastCheck'];
  let downloadedVersion: string | undefined;
  let checking: string | undefined;

  const download = async (version: string, context: TaskContext) => {
    const token = options.newCancellationToken();
    const cancel = () => token.cancel();
    const onProgress = (progress: ProgressInfo) =>
      context.report({ message: `Downloading ForPrompt ${version}`, fraction: Math.min(1, progress.percent / 100), layers: { [`ForPrompt ${version}`]: { status: 'downloading', current: progress.transferred, total: progress.total } } });
    context.signal.addEventListener('abort', cancel, { once: true });
    autoUpdater.on('download-progress', onProgress);
    try {
      await autoUpdater.downloadUpdate(token);
    } finally {
      autoUpdater.off('download-progress', onProgress);
      context.signal.removeEventListener('abort', cancel);
    }
  };

  const checkAndDownload = async (context: TaskContext): Promise<string> => {
    if (!options.enabled) throw new Error('This copy runs from source, not an installed app: update it with git pull and npm install');
    context.report({ message: 'Asking the update server for the latest version' });
    const latestVersion = (await autoUpdater.checkForUpdates())?.updateInfo.version;
    // Never offer an "update" to the version already running (or an older one).
    const upToDate = !latestVersion || compareVersions(latestVersion, currentVersion) <= 0;
    lastCheck = { at: new Date().toISOString(), latestVersion, upToDate };
    if (upToDate) return `Up to date (${currentVersion})`;
    if (downloadedVersion !== latestVersion) {
      await download(latestVersion, context);
      downloadedVersion = latestVersion;
    }
    return `ForPrompt ${latestVersion} is ready: restart to install it`;
  };

  return {
    state: () => ({ currentVersion, enabled: options.enabled, downloadedVersion, lastCheck }),
    check() {
      if (checking) return { taskId: checking };
      const task = tasks.run('update', 'Check for updates', checkAndDownload, (outcome) => outcome);
      checking = task.id;
      void task.result.catch(() => {}).finally(() => (checking = undefined));
      return { taskId: task.id };
    },
    async install() {
      if (!downloadedVersion) throw new Error('No update has been downloaded yet: check for updates first');
      await tasks.run('backup', `Backup before updating to ${downloadedVersion}`, options.backupBeforeInstall, () => 'Pre-update backup written').result;
      autoUpdater.quitAndInstall();
    },
  };
}
