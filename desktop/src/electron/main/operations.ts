import fs from 'node:fs/promises';
import path from 'node:path';
import { backupDirectory, backupInstall, listBackups, restoreInstall } from '../../core/backups.js';
import { runDoctor } from '../../core/doctor.js';
import type { Manager } from '../../core/manager.js';
import { probeEngine } from '../../core/runtime.js';
import { settingsSchema, type Settings } from '../../core/settings.js';
import { applyUpdateBundle } from '../../core/update/apply.js';
import type { BridgeOperations, SettingsView, StatusView, TaskStarted } from '../bridge.js';
import type { Updater } from './updater.js';

export interface OperationsOptions {
  manager: Manager;
  updater: Updater;
  app: { version: string; packaged: boolean };
  /** The system's open-file dialog; null when cancelled. */
  chooseFile: (kind: 'backup' | 'update') => Promise<string | null>;
  openExternal: (url: string) => Promise<void>;
  /** Starts the engine in this process (see app.ts: the app remembers that it owns it). */
  startEngine: () => TaskStarted;
  /** Told every fresh status (the tray and the navigation guard follow it). */
  onStatus?: (status: StatusView) => void;
}

const exists = (file: string) => fs.access(file).then(() => true, () => false);

/** Nothing set up yet: no task ever ran and neither settings nor an engine's data exist in the home. */
async function isFirstRun(manager: Manager): Promise<boolean> {
  if (manager.tasks.list().length > 0) return false;
  const traces = [path.join(manager.dir, 'settings.json'), path.join(manager.home, 'runtime.json'), path.join(manager.home, 'pg')];
  return !(await Promise.all(traces.map(exists))).some(Boolean);
}

export async function statusView(manager: Manager): Promise<StatusView> {
  const settings = await manager.settings();
  const [status, firstRun] = await Promise.all([manager.status(settings), isFirstRun(manager)]);
  const { engine } = status;
  return {
    engine:
      engine.state === 'stopped'
        ? { state: 'stopped', reason: engine.reason }
        : { state: engine.state, url: engine.runtime.url, version: engine.runtime.version, dataProvider: engine.runtime.dataProvider, detail: engine.detail },
    database: status.database,
    databaseChoice: settings.database,
    databaseReason: status.reason,
    // Not the stack's database URL: it holds the password, and the window has no use for it.
    stack: status.stack && { name: status.stack.name, healthy: status.stack.healthy, services: status.stack.services },
    firstRun,
  };
}

export function settingsView(settings: Settings): SettingsView {
  const { database, externalDatabaseUrl, withOllama, ollamaModel, enginePort, backups, engineEnv } = settings;
  return { database, externalDatabaseUrl, withOllama, ollamaModel, enginePort, backups, engineEnv };
}

/** The bridge's operations in main: each a thin call into the core; long ones start a task and answer its id. */
export function createOperations(options: OperationsOptions): BridgeOperations {
  const { manager, updater } = options;
  const { tasks } = manager;
  return {
    getAppInfo: async () => ({ version: options.app.version, packaged: options.app.packaged, home: manager.home }),
    async getStatus() {
      const status = await statusView(manager);
      options.onStatus?.(status);
      return status;
    },
    up: async () => options.startEngine(),
    down: async () => ({ taskId: manager.down().id }),
    listTasks: async () => tasks.list(),
    cancelTask: async (id) => tasks.cancel(id),
    getEngineLog: async () => manager.logFile('engine').tail(200),
    listBackups: async () => listBackups(backupDirectory(manager.home, await manager.settings())),
    backupNow: async (format) => ({
      taskId: tasks.run('backup', format === 'pg_dump' ? 'Back up with pg_dump' : 'Back up now', (context) => backupInstall(manager, context, { format }), (backup) => backup.file).id,
    }),
    chooseBackupFile: () => options.chooseFile('backup'),
    async restoreBackup(file) {
      if (!(await exists(file))) throw new Error(`${file} does not exist`);
      const task = tasks.run('restore', `Restore ${path.basename(file)}`, (context) => restoreInstall(manager, file, context), (restored) => {
        const rows = Object.values(restored.tables).reduce((sum, count) => sum + count, 0);
        return `Restored ${rows.toLocaleString('en')} rows in ${Object.keys(restored.tables).length} tables`;
      });
      return { taskId: task.id };
    },
    getSettings: async () => settingsView(await manager.settings()),
    async saveSettings(patch) {
      // The whole result is validated, so a patch cannot leave settings.json half valid.
      const next = settingsSchema.parse({ ...(await manager.settings()), ...patch });
      return settingsView(await manager.updateSettings(next));
    },
    listModels: async () => (await manager.models()).list(),
    async pullModel(name) {
      const models = await manager.models();
      return { taskId: tasks.run('model-pull', `Pull ${name}`, (context) => models.pull(name, context), () => `Pulled ${name}`).id };
    },
    removeModel: async (name) => (await manager.models()).remove(name),
    runDoctor: () => runDoctor(manager),
    getUpdateState: async () => updater.state(),
    checkForUpdate: async () => updater.check(),
    installUpdate: () => updater.install(),
    chooseUpdateBundle: () => options.chooseFile('update'),
    async applyUpdateBundle(file) {
      if (!(await exists(file))) throw new Error(`${file} does not exist`);
      const task = tasks.run('update', `Update from ${path.basename(file)}`, (context) => applyUpdateBundle(manager, file, context), (result) => `Updated ${result.from} → ${result.to}`);
      return { taskId: task.id };
    },
    async openDashboard() {
      const engine = await probeEngine(manager.home);
      if (engine.state !== 'running' || !engine.runtime.url) throw new Error('ForPrompt is not running: start it first');
      await options.openExternal(engine.runtime.url);
    },
  };
}
