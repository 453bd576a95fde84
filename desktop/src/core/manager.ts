import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { engineJournalPath, readMigrationJournal, readSchemaVersion } from './backup/schema-version.js';
import { discoverContainerEngine, type FoundEngine, type NoEngine } from './container-engine.js';
import { defaultEngineEntry, EngineSupervisor, openDatabaseOnly, runEngineCommand, type EngineLaunch, type SupervisorState } from './engine-process.js';
import { managerDir } from './home.js';
import { OllamaModels } from './models.js';
import { RotatingLog } from './rotating-log.js';
import { isAlive, probeEngine, readRuntimeFile, waitForExit, type EngineStatus } from './runtime.js';
import { readSupervisorFile, supervisorFile } from './supervisor-file.js';
import { SecretStore, type SecretCipher } from './secrets.js';
import { readSettings, writeSettings, type Settings } from './settings.js';
import { Stack, type StackStatus } from './stack.js';
import { TaskManager, type RunningTask, type TaskContext } from './tasks.js';
import { installedEngineEntry } from './update/versions.js';

/** Where the data lives for this install, as resolved from the settings and what the machine has. */
export type DatabasePlan =
  | { kind: 'container'; engine: FoundEngine; stack: Stack }
  | { kind: 'embedded'; reason: string }
  | { kind: 'external'; databaseUrl: string };

export interface ManagerOptions {
  home: string;
  /** The environment the engine inherits (PATH, …); the manager adds what it decides. */
  env?: NodeJS.ProcessEnv;
  cipher?: SecretCipher;
  /**
   * How to start the engine when this process should not supervise it itself (the CLI starts a
   * detached supervisor); default: `up()` in this process.
   */
  startEngine?: (manager: Manager) => Promise<void>;
}

/** A database the manager can work on (backup, restore), and how to let it go again. */
export interface OpenDatabase {
  databaseUrl: string;
  plan: DatabasePlan['kind'];
  /** True when the install was stopped and the manager opened the database for this work. */
  openedForThis: boolean;
  release(): Promise<void>;
}

/** The manager's operations; the CLI and the Electron shell are thin layers over this. */
export class Manager {
  readonly tasks: TaskManager;
  readonly secrets: SecretStore;
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;
  private supervisorInstance: EngineSupervisor | undefined;

  constructor(readonly options: ManagerOptions) {
    this.dir = managerDir(options.home);
    this.tasks = new TaskManager(this.dir);
    this.secrets = new SecretStore(this.dir, options.cipher);
    this.env = options.env ?? process.env;
  }

  get home(): string {
    return this.options.home;
  }

  settings(): Promise<Settings> {
    return readSettings(this.dir);
  }

  async updateSettings(change: Partial<Settings>): Promise<Settings> {
    const next = { ...(await this.settings()), ...change };
    await writeSettings(this.dir, next);
    return next;
  }

  logFile(name: 'engine' | 'manager'): RotatingLog {
    return new RotatingLog(path.join(this.dir, 'logs', `${name}.log`));
  }

  /** Containers when asked for (or, on auto, when an engine answers); else embedded, saying why. */
  async planDatabase(settings?: Settings): Promise<DatabasePlan> {
    const chosen = settings ?? (await this.settings());
    if (chosen.database === 'external') {
      if (!chosen.externalDatabaseUrl) throw new Error('The external database is chosen but no database URL is set (settings: externalDatabaseUrl)');
      return { kind: 'external', databaseUrl: chosen.externalDatabaseUrl };
    }
    if (chosen.database === 'embedded') return { kind: 'embedded', reason: 'The embedded database was chosen in the settings.' };
    const engine = await discoverContainerEngine({ env: this.env, address: chosen.containerHost });
    if (!engine.found) {
      if (chosen.database === 'container') throw new Error(`Containers were chosen, but: ${(engine as NoEngine).summary}`);
      return { kind: 'embedded', reason: `${(engine as NoEngine).summary}` };
    }
    const stack = new Stack({ docker: engine.docker, name: chosen.stackName, manifest: chosen.manifest, withOllama: chosen.withOllama, secrets: this.secrets, stateDir: this.dir });
    return { kind: 'container', engine, stack };
  }

  /** The engine's environment for a plan (and, for containers, the stack's addresses). */
  async engineLaunch(settings: Settings, plan: DatabasePlan, stack?: StackStatus): Promise<EngineLaunch> {
    const env: NodeJS.ProcessEnv = { ...this.env, ...settings.engineEnv, PORT: String(settings.enginePort) };
    if (settings.engineEnv.DATA_PROVIDER === 'convex') {
      // A Convex deployment holds the data (CONVEX_URL in engineEnv): nothing to provision here.
    } else if (plan.kind === 'embedded') Object.assign(env, { DATA_PROVIDER: 'embedded', FORPROMPT_STACK: 'embedded' });
    else {
      const databaseUrl = plan.kind === 'external' ? plan.databaseUrl : stack?.databaseUrl;
      if (!databaseUrl) throw new Error('The database container has no published port yet');
      Object.assign(env, { DATA_PROVIDER: 'postgresql', DATABASE_URL: databaseUrl, FORPROMPT_STACK: plan.kind });
      env.ENCRYPTION_KEY ??= await installEncryptionKey(this.home);
    }
    if (stack?.ollamaUrl) Object.assign(env, { OLLAMA_BASE_URL: stack.ollamaUrl, OLLAMA_MODEL: settings.ollamaModel });
    return { entry: this.engineEntry(), env, home: this.home };
  }

  /** The engine to run: an installed update's wins over the one shipped with the manager (see update/versions.ts). */
  engineEntry(): string {
    return installedEngineEntry(this.home) ?? defaultEngineEntry(this.env);
  }

  /** The migration journal of the engine this install runs: what its backups name and its restores accept. */
  journalPath(): string {
    return engineJournalPath(this.engineEntry());
  }

  /**
   * Provisions the database (containers: up, idempotent) and migrates it (unless `migrate` is false:
   * the detached supervisor's, whose `up` has migrated already). Returns what the engine needs.
   */
  async provision(context: TaskContext, { migrate = true } = {}): Promise<{ launch: EngineLaunch; plan: DatabasePlan; stack?: StackStatus }> {
    const settings = await this.settings();
    const plan = await this.planDatabase(settings);
    let stack: StackStatus | undefined;
    if (plan.kind === 'container') {
      context.report({ message: `Starting the ${plan.stack.name} stack on ${plan.engine.kind} ${plan.engine.version}` });
      stack = await plan.stack.up(context);
    } else if (plan.kind === 'embedded') {
      context.report({ message: plan.reason });
    }
    const launch = await this.engineLaunch(settings, plan, stack);
    if (!migrate) return { launch, plan, stack };
    if (await schemaIsCurrent(launch)) {
      context.report({ message: 'The database schema is up to date' });
      return { launch, plan, stack };
    }
    context.report({ message: 'Applying database migrations' });
    await runEngineCommand(launch, ['--migrate-only'], { signal: context.signal, log: this.logFile('engine') }).catch((error: Error) => {
      throw new Error(`Migrations failed; the engine stays stopped. ${error.message}`);
    });
    return { launch, plan, stack };
  }

  /** The engine supervisor of this process (the Electron app, or `forprompt-manager supervise`). */
  supervisor(launch: EngineLaunch): EngineSupervisor {
    this.supervisorInstance ??= new EngineSupervisor({ launch, log: this.logFile('engine') });
    return this.supervisorInstance;
  }

  /** The in-process supervisor's state (the Electron app shows "gave up after N crashes: …"). */
  get supervisorState(): SupervisorState {
    return this.supervisorInstance?.state ?? { state: 'stopped' };
  }

  /** `up` in one process: provision, migrate, then start and supervise the engine. */
  up(): RunningTask<{ url: string; alreadyRunning: boolean }> {
    return this.tasks.run('up', 'Start ForPrompt', async (context) => {
      const running = await probeEngine(this.home);
      if (running.state === 'running') return { url: running.runtime.url!, alreadyRunning: true };
      const { launch } = await this.provision(context);
      context.report({ message: 'Starting the engine' });
      const started = await this.supervisor(launch).start();
      return { url: started.url, alreadyRunning: false };
    }, (result) => `Running at ${result.url}`);
  }

  /** Stops the engine (ours or one started by `npm start`), then the containers. Volumes stay. */
  down(): RunningTask<void> {
    return this.tasks.run('down', 'Stop ForPrompt', async (context) => {
      context.report({ message: 'Stopping the engine' });
      await this.stopEngine();
      const plan = await this.planDatabase();
      if (plan.kind === 'container') await plan.stack.down(context);
    });
  }

  /**
   * Stops the engine however it runs — this process's supervisor, a detached one (which would
   * otherwise restart it), or a plain `npm start` — and waits for it to exit.
   */
  async stopEngine(): Promise<void> {
    await this.supervisorInstance?.stop();
    const daemon = await readSupervisorFile(this.dir);
    if (daemon && daemon.pid !== process.pid && isAlive(daemon.pid)) {
      process.kill(daemon.pid, 'SIGTERM');
      await waitForExit(daemon.pid, 45_000);
    }
    if (daemon && !isAlive(daemon.pid)) await fs.rm(supervisorFile(this.dir), { force: true });
    await stopRecordedEngine(this.home);
  }

  /** Starts the engine the way this host does it (see ManagerOptions.startEngine). */
  async startEngine(): Promise<void> {
    if (this.options.startEngine) await this.options.startEngine(this);
    else await this.up().result;
  }

  async status(settings?: Settings): Promise<{ engine: EngineStatus; database: DatabasePlan['kind']; reason?: string; containerEngine?: string; stack?: StackStatus }> {
    const engine = await probeEngine(this.home);
    const plan = await this.planDatabase(settings).catch((error: Error) => ({ kind: 'embedded' as const, reason: error.message }));
    if (plan.kind === 'container') {
      const found = `${plan.engine.kind} ${plan.engine.version} at ${plan.engine.address}`;
      return { engine, database: 'container', containerEngine: found, stack: await plan.stack.status() };
    }
    return { engine, database: plan.kind, reason: plan.kind === 'embedded' ? plan.reason : undefined };
  }

  /**
   * The install's database, whether or not the engine runs: the running engine's, else the stack's
   * (started for the occasion), else the embedded server opened alone. `release()` puts back what it opened.
   */
  async openDatabase(context: TaskContext): Promise<OpenDatabase> {
    const engine = await probeEngine(this.home);
    if (engine.state !== 'stopped' && engine.runtime.databaseUrl) {
      const { databaseUrl, dataProvider } = engine.runtime;
      return { databaseUrl, plan: dataProvider === 'embedded' ? 'embedded' : 'external', openedForThis: false, release: async () => {} };
    }
    const settings = await this.settings();
    const plan = await this.planDatabase(settings);
    if (plan.kind === 'external') return { databaseUrl: plan.databaseUrl, plan: 'external', openedForThis: false, release: async () => {} };
    if (plan.kind === 'container') {
      const before = await plan.stack.status();
      const status = await plan.stack.up(context);
      return { databaseUrl: status.databaseUrl!, plan: 'container', openedForThis: !before.healthy, release: async () => (before.healthy ? undefined : plan.stack.down()) };
    }
    context.report({ message: 'Opening the embedded database' });
    const opened = await openDatabaseOnly(await this.engineLaunch(settings, plan), this.logFile('engine'));
    return { databaseUrl: opened.runtime.databaseUrl!, plan: 'embedded', openedForThis: true, release: opened.stop };
  }

  async models(): Promise<OllamaModels> {
    const plan = await this.planDatabase().catch(() => undefined);
    const stack = plan?.kind === 'container' ? await plan.stack.status() : undefined;
    const url = stack?.ollamaUrl ?? this.env.OLLAMA_BASE_URL;
    if (!url) throw new Error('Ollama is not part of this install: enable it in the settings (withOllama) or set OLLAMA_BASE_URL');
    return new OllamaModels(url);
  }
}

/**
 * True when the engine's database already has every migration of the engine about to run (a quick
 * read, instead of starting an engine just to find nothing to do). Unknown (embedded, unreachable) → false.
 */
async function schemaIsCurrent(launch: EngineLaunch): Promise<boolean> {
  const databaseUrl = launch.env.DATABASE_URL;
  if (launch.env.DATA_PROVIDER !== 'postgresql' || !databaseUrl) return false;
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  try {
    const journal = await readMigrationJournal(engineJournalPath(launch.entry));
    await client.connect();
    const version = await readSchemaVersion(client, journal);
    return version.applied === journal.length && version.lastTag === journal.at(-1)?.tag;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The install's one encryption key, `FORPROMPT_HOME/encryption.key` (the file the embedded engine
 * creates and reads): created here when missing, so embedded, container and external databases of one
 * install share it and secrets stay readable when the install moves between them.
 */
export async function installEncryptionKey(home: string): Promise<string> {
  const file = path.join(home, 'encryption.key');
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.mkdir(home, { recursive: true });
  const key = randomBytes(32).toString('hex');
  try {
    await fs.writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch {
    return (await fs.readFile(file, 'utf8')).trim(); // created meanwhile by someone else: theirs wins
  }
}

/** SIGTERM to the engine recorded in runtime.json, waiting up to 40 s for it to exit. */
export async function stopRecordedEngine(home: string): Promise<void> {
  const runtime = await readRuntimeFile(home).catch(() => null);
  if (!runtime) return;
  try {
    process.kill(runtime.pid, 'SIGTERM');
  } catch {
    return;
  }
  if (!(await waitForExit(runtime.pid, 40_000))) throw new Error(`The engine (pid ${runtime.pid}) did not stop within 40 s`);
}
