import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, dialog, ipcMain, safeStorage, shell, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { CancellationToken } from 'electron-updater';
import { backupInstall, startBackupSchedule } from '../../core/backups.js';
import { defaultHome } from '../../core/home.js';
import { Manager } from '../../core/manager.js';
import type { StatusView, TaskStarted } from '../bridge.js';
import { registerBridgeHandlers } from './ipc.js';
import { createOperations, statusView } from './operations.js';
import { safeStorageCipher } from './secret-cipher.js';
import { forwardTaskChanges } from './task-events.js';
import { createTray } from './tray.js';
import { createUpdater, type AutoUpdater } from './updater.js';
import { createMainWindow, decideNavigation } from './window.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Built layout: dist/electron/main (this), dist/electron/preload.cjs, dist/renderer, assets/. */
export const appFiles = {
  preload: path.join(here, '../preload.cjs'),
  renderer: path.join(here, '../../renderer/index.html'),
  trayIcon: path.join(here, '../../../assets/tray.png'),
};

const fileDialogs = {
  backup: { title: 'Restore from a backup', filters: [{ name: 'ForPrompt backup', extensions: ['fpbackup', 'dump'] }] },
  update: { title: 'Install an update file', filters: [{ name: 'ForPrompt update', extensions: ['fpupdate'] }] },
};

export interface ElectronUpdaterModule {
  autoUpdater: AutoUpdater;
  newCancellationToken: () => CancellationToken;
}

export interface AppOptions {
  /** FORPROMPT_HOME; default as the engine and the CLI find it. */
  home?: string;
  /** electron-updater, loaded when the app is ready (it reads the app's name and version). */
  loadUpdater?: () => Promise<ElectronUpdaterModule>;
  statusIntervalMs?: number;
}

async function loadElectronUpdater(): Promise<ElectronUpdaterModule> {
  const { default: electronUpdater } = await import('electron-updater');
  return { autoUpdater: electronUpdater.autoUpdater, newCancellationToken: () => new electronUpdater.CancellationToken() };
}

export interface RunningApp {
  manager: Manager;
  window(): BrowserWindow | undefined;
}

/**
 * The app's lifecycle: one instance (a second launch shows the first one's window), then on ready
 * the manager, the IPC handlers, the window, the tray, the updater and the backup schedule.
 * Resolves undefined when another instance already runs (this one quits) or the start failed.
 */
export function startApp(options: AppOptions = {}): Promise<RunningApp | undefined> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return Promise.resolve(undefined);
  }
  const rendererUrl = !app.isPackaged && process.env.FORPROMPT_RENDERER_URL ? process.env.FORPROMPT_RENDERER_URL : pathToFileURL(appFiles.renderer).href;
  let ready = false;
  let window: BrowserWindow | undefined;
  let engineUrl: string | undefined;

  const showWindow = () => {
    if (!ready) return; // the first window opens once the app is ready
    if (!window || window.isDestroyed()) window = createMainWindow({ preload: appFiles.preload, rendererUrl, engineUrl: () => engineUrl });
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  // Closing the window leaves the manager in the tray, still supervising the engine; Quit is in the tray.
  app.on('window-all-closed', () => {});

  return app
    .whenReady()
    .then(async () => {
      const manager = new Manager({
        home: options.home ?? defaultHome(),
        cipher: safeStorageCipher(safeStorage),
        // A restore restarts the engine through this, so the app knows it owns that engine too.
        startEngine: async () => {
          await startEngine().result;
        },
      });
      let ownsEngine = false;
      const startEngine = () => {
        const task = manager.up();
        task.result.then((started) => (ownsEngine ||= !started.alreadyRunning), () => {});
        return task;
      };
      await manager.tasks.load();

      const updaterModule = await (options.loadUpdater ?? loadElectronUpdater)();
      const updater = createUpdater({
        ...updaterModule,
        currentVersion: app.getVersion(),
        enabled: app.isPackaged,
        feedUrl: process.env.FORPROMPT_UPDATE_URL || undefined,
        tasks: manager.tasks,
        backupBeforeInstall: (context) => backupInstall(manager, context),
      });

      const tray = createTray(appFiles.trayIcon, {
        showWindow,
        openDashboard: () => void operations.openDashboard().catch((error: Error) => dialog.showErrorBox('ForPrompt', error.message)),
        backupNow: () => void operations.backupNow('fpbackup'),
        quit: () => app.quit(),
      });
      const onStatus = (status: StatusView) => {
        engineUrl = status.engine.state === 'stopped' ? undefined : status.engine.url;
        tray.update(status);
      };
      const refreshStatus = () => void statusView(manager).then(onStatus, () => {});

      const operations = createOperations({
        manager,
        updater,
        app: { version: app.getVersion(), packaged: app.isPackaged },
        chooseFile: async (kind) => {
          const dialogOptions = { ...fileDialogs[kind], properties: ['openFile' as const] };
          const chosen = window && !window.isDestroyed() ? await dialog.showOpenDialog(window, dialogOptions) : await dialog.showOpenDialog(dialogOptions);
          return chosen.canceled ? null : (chosen.filePaths[0] ?? null);
        },
        openExternal: (url) => shell.openExternal(url),
        startEngine: (): TaskStarted => ({ taskId: startEngine().id }),
        onStatus,
      });
      const isTrustedSender = (event: IpcMainInvokeEvent) => decideNavigation(event.senderFrame?.url ?? '', { rendererUrl }) === 'allow';
      registerBridgeHandlers(ipcMain, operations, isTrustedSender);

      const stopForwarding = forwardTaskChanges(manager.tasks, () => (window && !window.isDestroyed() ? window.webContents : undefined));
      manager.tasks.on('change', (task) => task.state !== 'running' && refreshStatus());
      const statusTimer = setInterval(refreshStatus, options.statusIntervalMs ?? 15_000);
      statusTimer.unref();
      refreshStatus();
      const stopSchedule = startBackupSchedule(manager);

      let quitting = false;
      app.on('before-quit', (event) => {
        if (quitting) return;
        event.preventDefault();
        quitting = true;
        void (async () => {
          stopSchedule();
          stopForwarding();
          clearInterval(statusTimer);
          await manager.tasks.flush();
          // The engine this app started is its child: stop it cleanly rather than leave it unsupervised.
          if (ownsEngine) await manager.stopEngine().catch(() => {});
          tray.destroy();
          app.quit();
        })();
      });

      ready = true;
      showWindow();
      return { manager, window: () => window };
    })
    .catch((error: Error) => {
      dialog.showErrorBox('ForPrompt cannot start', error.message);
      app.exit(1);
      return undefined;
    });
}
