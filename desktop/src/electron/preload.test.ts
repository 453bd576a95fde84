import { beforeEach, describe, expect, it, vi } from 'vitest';
import { contextBridge, ipcMain, ipcRenderer, resetElectronDouble } from '../../test/electron/electron-double.js';
import { bridgeChannels, TASK_CHANGE_CHANNEL, type BridgeOperation, type BridgeOperations, type ForpromptBridge, type TaskView } from './bridge.js';
import { registerBridgeHandlers } from './main/ipc.js';

vi.mock('electron', () => import('../../test/electron/electron-double.js'));

const operations = Object.keys(bridgeChannels) as BridgeOperation[];

let loads = 0;
/** Evaluates the preload afresh (it exposes the bridge when evaluated) and answers what it exposed. */
async function loadPreload(): Promise<ForpromptBridge> {
  const preload: string = `./preload.js?load=${++loads}`;
  await import(/* @vite-ignore */ preload);
  return contextBridge.exposed.forprompt as ForpromptBridge;
}

const sampleArguments: Partial<Record<BridgeOperation, unknown[]>> = {
  cancelTask: ['task-1'],
  backupNow: ['pg_dump'],
  restoreBackup: ['/backups/a.fpbackup'],
  saveSettings: [{ enginePort: 3001 }],
  pullModel: ['llama3.1'],
  removeModel: ['llama3.1'],
  applyUpdateBundle: ['/media/usb/forprompt-0.2.0.fpupdate'],
};

const task: TaskView = { id: 't1', kind: 'backup', title: 'Back up now', state: 'running', progress: { message: 'Backing up prompts', fraction: 0.5 }, startedAt: '2026-01-01T00:00:00.000Z' };

beforeEach(resetElectronDouble);

describe('the preload', () => {
  it('exposes exactly the named bridge functions as window.forprompt, and nothing else', async () => {
    const bridge = await loadPreload();
    expect(Object.keys(contextBridge.exposed)).toEqual(['forprompt']);
    expect(Object.keys(bridge).sort()).toEqual([...operations, 'onTaskChange'].sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
    expect(bridge).not.toHaveProperty('invoke');
  });

  it('calls each operation on its own channel with its arguments', async () => {
    const bridge = await loadPreload();
    for (const operation of operations) {
      ipcRenderer.invoke.mockClear();
      const call = bridge[operation] as (...args: unknown[]) => Promise<unknown>;
      await call(...(sampleArguments[operation] ?? []));
      expect(ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith(bridgeChannels[operation], ...(sampleArguments[operation] ?? []));
    }
    expect(new Set(Object.values(bridgeChannels)).size).toBe(operations.length);
  });

  it('answers the result of a successful reply', async () => {
    const bridge = await loadPreload();
    ipcRenderer.invoke.mockResolvedValueOnce({ error: null, result: [task] });
    await expect(bridge.listTasks()).resolves.toEqual([task]);
  });

  it('rebuilds an error reply as an Error with its name and message', async () => {
    const bridge = await loadPreload();
    ipcRenderer.invoke.mockResolvedValueOnce({ error: { name: 'ValidationError', message: 'enginePort: too big' }, result: null });
    const error = await bridge.saveSettings({ enginePort: 70000 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ValidationError', message: 'enginePort: too big' });
  });

  it('hands task changes to the listener without the IPC event, until unsubscribed', async () => {
    const bridge = await loadPreload();
    const listener = vi.fn();
    const unsubscribe = bridge.onTaskChange(listener);
    ipcRenderer.emit(TASK_CHANGE_CHANNEL, { sender: 'internal' }, task);
    expect(listener).toHaveBeenCalledExactlyOnceWith(task);
    unsubscribe();
    ipcRenderer.emit(TASK_CHANGE_CHANNEL, { sender: 'internal' }, task);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(ipcRenderer.listenerCount(TASK_CHANGE_CHANNEL)).toBe(0);
  });
});

describe('errors across IPC, main to preload', () => {
  const rendererUrl = 'file:///app/dist/renderer/index.html';

  async function connectedBridge(implementation: Partial<BridgeOperations>): Promise<ForpromptBridge> {
    registerBridgeHandlers(ipcMain, implementation as BridgeOperations, (event) => event.senderFrame?.url === rendererUrl);
    ipcRenderer.invoke.mockImplementation((channel: string, ...args: unknown[]) => ipcMain.invoke(channel, rendererUrl, ...args));
    return loadPreload();
  }

  it('crosses as { error, result } and arrives as the same Error', async () => {
    class StackStartError extends Error {
      override name = 'StackStartError';
    }
    const bridge = await connectedBridge({ up: async () => Promise.reject(new StackStartError('forprompt-postgres did not become healthy')) });
    const reply = await ipcMain.invoke(bridgeChannels.up, rendererUrl);
    expect(reply).toEqual({ error: { name: 'StackStartError', message: 'forprompt-postgres did not become healthy' }, result: null });
    await expect(bridge.up()).rejects.toMatchObject({ name: 'StackStartError', message: 'forprompt-postgres did not become healthy' });
  });

  it('carries results through unchanged', async () => {
    const bridge = await connectedBridge({ listTasks: async () => [task] });
    await expect(bridge.listTasks()).resolves.toEqual([task]);
  });
});
