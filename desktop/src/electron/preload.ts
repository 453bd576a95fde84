/**
 * Exposes `window.forprompt`: named, typed functions, each calling its own channel in main. A sandboxed
 * preload cannot load local files, so this is bundled into one CommonJS file (desktop/build.mjs).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { bridgeChannels, TASK_CHANGE_CHANNEL, type BridgeOperation, type ForpromptBridge, type IpcReply, type TaskView } from './bridge.js';

/** Rebuilds the Error main serialized, keeping its name (e.g. ZodError, TaskCancelledError). */
function unwrapReply<T>(reply: IpcReply<T>): T {
  if (reply.error) {
    const error = new Error(reply.error.message);
    error.name = reply.error.name;
    throw error;
  }
  return reply.result;
}

function call<K extends BridgeOperation>(operation: K): ForpromptBridge[K] {
  const channel = bridgeChannels[operation];
  const invoke = async (...args: unknown[]) => unwrapReply((await ipcRenderer.invoke(channel, ...args)) as IpcReply<unknown>);
  return invoke as ForpromptBridge[K];
}

const bridge: ForpromptBridge = {
  getAppInfo: call('getAppInfo'),
  getStatus: call('getStatus'),
  up: call('up'),
  down: call('down'),
  listTasks: call('listTasks'),
  cancelTask: call('cancelTask'),
  onTaskChange(listener) {
    // The renderer gets the task only, never the IPC event (which would reach ipcRenderer's internals).
    const forward = (_event: IpcRendererEvent, task: TaskView) => listener(task);
    ipcRenderer.on(TASK_CHANGE_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(TASK_CHANGE_CHANNEL, forward);
    };
  },
  getEngineLog: call('getEngineLog'),
  listBackups: call('listBackups'),
  backupNow: call('backupNow'),
  chooseBackupFile: call('chooseBackupFile'),
  restoreBackup: call('restoreBackup'),
  getSettings: call('getSettings'),
  saveSettings: call('saveSettings'),
  listModels: call('listModels'),
  pullModel: call('pullModel'),
  removeModel: call('removeModel'),
  runDoctor: call('runDoctor'),
  getUpdateState: call('getUpdateState'),
  checkForUpdate: call('checkForUpdate'),
  installUpdate: call('installUpdate'),
  chooseUpdateBundle: call('chooseUpdateBundle'),
  applyUpdateBundle: call('applyUpdateBundle'),
  openDashboard: call('openDashboard'),
};

contextBridge.exposeInMainWorld('forprompt', bridge);
