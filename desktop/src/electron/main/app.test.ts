import { EventEmitter } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { app, BrowserWindow, ipcMain, resetElectronDouble, safeStorage, Tray } from '../../../test/electron/electron-double.js';
import { bridgeChannels, TASK_CHANGE_CHANNEL, type TaskView } from '../bridge.js';
import { startApp, type ElectronUpdaterModule } from './app.js';

vi.mock('electron', () => import('../../../test/electron/electron-double.js'));

let home: string;
const started: (() => Promise<void>)[] = [];

function fakeUpdaterModule(): ElectronUpdaterModule {
  const autoUpdater = Object.assign(new EventEmitter(), { autoDownload: true, autoInstallOnAppQuit: true, allowDowngrade: true, setFeedURL: vi.fn(), checkForUpdates: vi.fn(async () => null), downloadUpdate: vi.fn(async () => []), quitAndInstall: vi.fn() });
  return { autoUpdater: autoUpdater as unknown as ElectronUpdaterModule['autoUpdater'], newCancellationToken: () => ({ cancel() {} }) as never };
}

/** Starts the app on a fresh home whose settings choose the embedded database (no container engine is asked). */
async function start() {
  const running = await startApp({ home, loadUpdater: async () => fakeUpdaterModule() });
  started.push(async () => {
    await quit();
  });
  return running;
}

/** Quits as the tray's Quit does, and waits until the app has let go of everything. */
async function quit() {
  const event = { preventDefault: vi.fn() };
  app.emit('before-quit', event);
  await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
  return event;
}

beforeEach(async () => {
  resetElectronDouble();
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'forprompt-electron-'));
  await fs.mkdir(path.join(home, 'manager'));
  await fs.writeFile(path.join(home, 'manager', 'settings.json'), JSON.stringify({ database: 'embedded' }));
});

afterEach(async () => {
  for (const stop of started.splice(0)) await stop().catch(() => {});
  await fs.rm(home, { recursive: true, force: true });
});

describe('the Electron app', () => {
  it('quits at once when another instance holds the lock, opening nothing', async () => {
    app.gotLock = false;
    await expect(startApp({ home, loadUpdater: async () => fakeUpdaterModule() })).resolves.toBeUndefined();
    expect(app.quit).toHaveBeenCalledOnce();
    expect(BrowserWindow.instances).toHaveLength(0);
    expect(Tray.instances).toHaveLength(0);
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('opens one isolated window and a tray; a second launch brings that window back', async () => {
    await start();
    expect(BrowserWindow.instances).toHaveLength(1);
    const window = BrowserWindow.instances[0]!;
    expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, nodeIntegration: false, sandbox: true });
    expect(String(window.options.webPreferences?.preload)).toMatch(/preload\.cjs$/);
    expect(window.loadedUrl).toMatch(/^file:.*\/renderer\/index\.html$/);
    expect(Tray.instances).toHaveLength(1);

    window.minimized = true;
    window.calls.length = 0;
    app.emit('second-instance');
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(window.calls).toEqual(['restore', 'show', 'focus']);
  });

  it('answers every bridge operation on its channel, to its own window only', async () => {
    await start();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(bridgeChannels).sort());
    const rendererUrl = BrowserWindow.instances[0]!.loadedUrl!;
    await expect(ipcMain.invoke(bridgeChannels.getSettings, rendererUrl)).resolves.toMatchObject({ error: null, result: { database: 'embedded', enginePort: 3000 } });
    await expect(ipcMain.invoke(bridgeChannels.getSettings, 'https://elsewhere.example/')).resolves.toMatchObject({ error: { name: 'ForbiddenError' }, result: null });
    const saved = await ipcMain.invoke(bridgeChannels.saveSettings, rendererUrl, { enginePort: 0 });
    expect(saved).toMatchObject({ error: { name: 'ValidationError' }, result: null });
  });

  it('reports the embedded database and its reason in the status', async () => {
    await start();
    const rendererUrl = BrowserWindow.instances[0]!.loadedUrl!;
    const reply = (await ipcMain.invoke(bridgeChannels.getStatus, rendererUrl)) as { result: Record<string, unknown> };
    expect(reply.result).toMatchObject({ engine: { state: 'stopped' }, database: 'embedded', databaseChoice: 'embedded', databaseReason: 'The embedded database was chosen in the settings.', firstRun: false });
  });

  it('pushes task changes to the window, and lists them for a page that loads later', async () => {
    await start();
    const window = BrowserWindow.instances[0]!;
    const rendererUrl = window.loadedUrl!;
    const reply = (await ipcMain.invoke(bridgeChannels.checkForUpdate, rendererUrl)) as { result: { taskId: string } };
    const { taskId } = reply.result;
    await vi.waitFor(() => expect(window.webContents.sent.some(({ args }) => (args[0] as TaskView).state === 'failed')).toBe(true));
    const sent = window.webContents.sent.filter(({ channel }) => channel === TASK_CHANGE_CHANNEL).map(({ args }) => args[0] as TaskView);
    expect(sent.map((task) => [task.id, task.state])).toEqual([
      [taskId, 'running'],
      [taskId, 'failed'],
    ]);
    expect(sent[1]!.error).toMatch(/runs from source/);
    const listed = (await ipcMain.invoke(bridgeChannels.listTasks, rendererUrl)) as { result: TaskView[] };
    expect(listed.result.map((task) => task.id)).toEqual([taskId]);
  });

  it('seals the manager’s secrets with safeStorage when the OS offers it', async () => {
    const running = await start();
    await running!.manager.secrets.set('postgres-password', 'hunter2');
    const stored = JSON.parse(await fs.readFile(path.join(home, 'manager', 'secrets.json'), 'utf8'));
    expect(stored.cipher).toBe('electron-safe-storage');
    expect(Buffer.from(stored.secrets['postgres-password'], 'base64').toString()).toBe('sealed:hunter2');
    await expect(running!.manager.secrets.get('postgres-password')).resolves.toBe('hunter2');
  });

  it('keeps secrets in the owner-only file when safeStorage is unavailable', async () => {
    safeStorage.available = false;
    const running = await start();
    await running!.manager.secrets.set('postgres-password', 'hunter2');
    const stored = JSON.parse(await fs.readFile(path.join(home, 'manager', 'secrets.json'), 'utf8'));
    expect(stored.cipher).toBe('file');
  });

  it('stays in the tray when the window closes, and on quit lets go of the tray', async () => {
    await start();
    expect(app.listenerCount('window-all-closed')).toBe(1);
    app.emit('window-all-closed');
    expect(app.quit).not.toHaveBeenCalled();
    started.pop();
    const event = await quit();
    expect(event.preventDefault).toHaveBeenCalledOnce();
    expect(Tray.instances[0]!.destroyed).toBe(true);
  });
});
