/**
 * What crosses the Electron IPC boundary: the `window.forprompt` bridge the preload exposes, its
 * channels (one per operation; never a generic `invoke(channel)`), and the plain, serializable values
 * it carries. Shared by main, preload and renderer, so it imports nothing: main checks at compile time
 * that the core's values fit these shapes.
 */

export type TaskKind = 'up' | 'down' | 'pull' | 'provision' | 'migrate' | 'backup' | 'restore' | 'update' | 'model-pull';

export interface LayerProgress {
  status: string;
  current?: number;
  total?: number;
}

export interface TaskView {
  id: string;
  kind: TaskKind;
  title: string;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  progress: {
    message: string;
    /** 0..1 when the amount of work is known. */
    fraction?: number;
    /** Per-layer pull progress, keyed by layer id. */
    layers?: Record<string, LayerProgress>;
  };
  startedAt: string;
  endedAt?: string;
  error?: string;
  outcome?: string;
}

/** A long operation answers at once with its task; progress arrives through `onTaskChange`. */
export interface TaskStarted {
  taskId: string;
}

export type DatabaseChoice = 'auto' | 'container' | 'embedded' | 'external';

export interface ServiceView {
  service: 'postgres' | 'ollama';
  container: string;
  state: string;
  health: 'healthy' | 'unhealthy' | 'starting' | 'none';
  image: string;
  hostPort?: number;
}

export interface StatusView {
  engine:
    | { state: 'stopped'; reason: string }
    | { state: 'starting' | 'running' | 'unhealthy'; url?: string; version: string; dataProvider: string; detail?: string };
  /** Where the data lives now, and what the settings asked for (auto + embedded = no container engine found). */
  database: 'container' | 'embedded' | 'external';
  databaseChoice: DatabaseChoice;
  /** Why the embedded database is used (e.g. no container engine was found, and why). */
  databaseReason?: string;
  stack?: { name: string; healthy: boolean; services: ServiceView[] };
  /** Nothing has been set up or run yet: the renderer offers Start and Restore from a backup. */
  firstRun: boolean;
}

/** `fpbackup`: the portable archive; `pg_dump`: a dump made in the PostgreSQL container (container mode only). */
export type BackupFormat = 'fpbackup' | 'pg_dump';

export interface BackupView {
  file: string;
  bytes: number;
  createdAt: string;
  format: BackupFormat;
}

export interface SettingsView {
  database: DatabaseChoice;
  externalDatabaseUrl?: string;
  withOllama: boolean;
  ollamaModel: string;
  enginePort: number;
  backups: { directory?: string; everyHours: number; keep: number };
  /** Extra environment for the engine: AI provider keys, CONVEX_URL + DATA_PROVIDER=convex, … */
  engineEnv: Record<string, string>;
}

export type SettingsPatch = Partial<SettingsView>;

export interface ModelView {
  name: string;
  sizeBytes: number;
  modifiedAt: string;
}

export interface DoctorCheckView {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
  hint?: string;
}

export interface UpdateState {
  currentVersion: string;
  /** False when the app runs unpackaged (development): there is nothing to update. */
  enabled: boolean;
  /** A newer version that has been downloaded and waits for "Restart and install". */
  downloadedVersion?: string;
  lastCheck?: { at: string; latestVersion?: string; upToDate: boolean };
}

export interface AppInfo {
  version: string;
  home: string;
  packaged: boolean;
}

export interface ForpromptBridge {
  getAppInfo(): Promise<AppInfo>;
  getStatus(): Promise<StatusView>;
  up(): Promise<TaskStarted>;
  down(): Promise<TaskStarted>;
  listTasks(): Promise<TaskView[]>;
  cancelTask(id: string): Promise<boolean>;
  /** Calls `listener` with every task change; returns the function that stops it. */
  onTaskChange(listener: (task: TaskView) => void): () => void;
  getEngineLog(): Promise<string>;
  listBackups(): Promise<BackupView[]>;
  backupNow(format: BackupFormat): Promise<TaskStarted>;
  /** The system's file dialog; null when the user cancels it. */
  chooseBackupFile(): Promise<string | null>;
  restoreBackup(file: string): Promise<TaskStarted>;
  getSettings(): Promise<SettingsView>;
  saveSettings(patch: SettingsPatch): Promise<SettingsView>;
  listModels(): Promise<ModelView[]>;
  pullModel(name: string): Promise<TaskStarted>;
  removeModel(name: string): Promise<void>;
  runDoctor(): Promise<DoctorCheckView[]>;
  getUpdateState(): Promise<UpdateState>;
  /** Checks the update feed and downloads a newer version, as a task. */
  checkForUpdate(): Promise<TaskStarted>;
  /** Backs up, then restarts into the downloaded version. */
  installUpdate(): Promise<void>;
  /** The system's file dialog for an offline update (.fpupdate); null when the user cancels it. */
  chooseUpdateBundle(): Promise<string | null>;
  /** Applies a signed .fpupdate (air-gapped installs), as a task that rolls back on any failure. */
  applyUpdateBundle(file: string): Promise<TaskStarted>;
  openDashboard(): Promise<void>;
}

/** The bridge functions that go to main through their own channel (all but the event subscription). */
export type BridgeOperation = Exclude<keyof ForpromptBridge, 'onTaskChange'>;
/** Main's side of the bridge: one handler per operation. */
export type BridgeOperations = Pick<ForpromptBridge, BridgeOperation>;

export const bridgeChannels: Readonly<Record<BridgeOperation, string>> = {
  getAppInfo: 'forprompt:get-app-info',
  getStatus: 'forprompt:get-status',
  up: 'forprompt:up',
  down: 'forprompt:down',
  listTasks: 'forprompt:list-tasks',
  cancelTask: 'forprompt:cancel-task',
  getEngineLog: 'forprompt:get-engine-log',
  listBackups: 'forprompt:list-backups',
  backupNow: 'forprompt:backup-now',
  chooseBackupFile: 'forprompt:choose-backup-file',
  restoreBackup: 'forprompt:restore-backup',
  getSettings: 'forprompt:get-settings',
  saveSettings: 'forprompt:save-settings',
  listModels: 'forprompt:list-models',
  pullModel: 'forprompt:pull-model',
  removeModel: 'forprompt:remove-model',
  runDoctor: 'forprompt:run-doctor',
  getUpdateState: 'forprompt:get-update-state',
  checkForUpdate: 'forprompt:check-for-update',
  installUpdate: 'forprompt:install-update',
  chooseUpdateBundle: 'forprompt:choose-update-bundle',
  applyUpdateBundle: 'forprompt:apply-update-bundle',
  openDashboard: 'forprompt:open-dashboard',
};

/** Main → renderer: a task changed (sent with a TaskView). */
export const TASK_CHANGE_CHANNEL = 'forprompt:task-changed';

export interface SerializedError {
  name: string;
  message: string;
}

/** Every handler answers this way: Electron would strip an Error thrown across IPC to a generic message. */
export type IpcReply<T> = { error: SerializedError; result: null } | { error: null; result: T };
