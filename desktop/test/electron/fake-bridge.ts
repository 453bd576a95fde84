/// <reference lib="dom" />
import type { BackupView, ForpromptBridge, SettingsView, StatusView, TaskView } from '../../src/electron/bridge.js';

/** What the fake bridge answers; a test changes it with `page.evaluate(() => window.fakeBridge…)`. */
export interface FakeBridgeState {
  status: StatusView;
  tasks: TaskView[];
  backups: BackupView[];
  settings: SettingsView;
  chosenFile: string | null;
}

export interface FakeBridgeControl {
  state: FakeBridgeState;
  /** Every bridge call: [function, ...arguments]. */
  calls: unknown[][];
  /** Sends a task change, as main does. */
  emitTask(task: TaskView): void;
}

declare global {
  interface Window {
    fakeBridge: FakeBridgeControl;
    forprompt: ForpromptBridge;
  }
}

/**
 * Runs in the page before the renderer (a Playwright init script; serialized, so self-contained):
 * `window.forprompt` implemented over `state`, recording its calls.
 */
export function installFakeBridge(initial: FakeBridgeState): void {
  const listeners = new Set<(task: TaskView) => void>();
  const control: FakeBridgeControl = {
    state: initial,
    calls: [],
    emitTask(task) {
      const others = control.state.tasks.filter((entry) => entry.id !== task.id);
      control.state.tasks = [task, ...others];
      for (const listener of listeners) listener(task);
    },
  };
  const answer =
    <T,>(name: string, value: (...args: never[]) => T) =>
    async (...args: never[]) => {
      control.calls.push([name, ...args]);
      return structuredClone(value(...args));
    };
  const started = (name: string) => answer(name, () => ({ taskId: `${name}-task` }));
  const bridge: ForpromptBridge = {
    getAppInfo: answer('getAppInfo', () => ({ version: '0.1.0', home: '/home/admin/.local/share/forprompt', packaged: true })),
    getStatus: answer('getStatus', () => control.state.status),
    up: started('up'),
    down: started('down'),
    listTasks: answer('listTasks', () => control.state.tasks),
    cancelTask: answer('cancelTask', () => true),
    onTaskChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getEngineLog: answer('getEngineLog', () => 'ForPrompt engine listening on http://127.0.0.1:3000\n'),
    listBackups: answer('listBackups', () => control.state.backups),
    backupNow: started('backupNow'),
    chooseBackupFile: answer('chooseBackupFile', () => control.state.chosenFile),
    restoreBackup: started('restoreBackup'),
    getSettings: answer('getSettings', () => control.state.settings),
    saveSettings: answer('saveSettings', (patch: Partial<SettingsView>) => (control.state.settings = { ...control.state.settings, ...patch })),
    listModels: answer('listModels', () => []),
    pullModel: started('pullModel'),
    removeModel: answer('removeModel', () => undefined),
    runDoctor: answer('runDoctor', () => []),
    getUpdateState: answer('getUpdateState', () => ({ currentVersion: '0.1.0', enabled: true })),
    checkForUpdate: started('checkForUpdate'),
    installUpdate: answer('installUpdate', () => undefined),
    chooseUpdateBundle: answer('chooseUpdateBundle', () => control.state.chosenFile),
    applyUpdateBundle: started('applyUpdateBundle'),
    openDashboard: answer('openDashboard', () => undefined),
  };
  window.fakeBridge = control;
  window.forprompt = bridge;
}
