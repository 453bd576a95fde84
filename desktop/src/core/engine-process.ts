import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { RotatingLog } from './rotating-log.js';
import { readRuntimeFile, type RuntimeFile } from './runtime.js';
import { throwIfCancelled } from './tasks.js';

/** How to start the engine: its entry script, the Node to run it with, and its environment. */
export interface EngineLaunch {
  entry: string;
  env: NodeJS.ProcessEnv;
  /** The data directory (FORPROMPT_HOME) the engine uses; runtime.json is read from it. */
  home: string;
}

/**
 * engine/dist/main.js: FORPROMPT_ENGINE_ENTRY, else beside this package in the repository (packaged
 * apps ship the engine as a resource and set the variable).
 */
export function defaultEngineEntry(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FORPROMPT_ENGINE_ENTRY) return path.resolve(env.FORPROMPT_ENGINE_ENTRY);
  return fileURLToPath(new URL('../../../engine/dist/main.js', import.meta.url));
}

function spawnEngine(launch: EngineLaunch, args: string[]): ChildProcess {
  if (!existsSync(launch.entry)) throw new Error(`The engine is not built: ${launch.entry} is missing (run "npm install" or "npm run build")`);
  // In Electron, process.execPath is the app itself; ELECTRON_RUN_AS_NODE makes it behave as Node.
  const env = { ...launch.env, FORPROMPT_HOME: launch.home, ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}) };
  return spawn(process.execPath, [launch.entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The engine's own reason ("ForPrompt engine cannot start: …", with any lines listing problems), else the last output. */
function failureReason(output: string): string {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  const start = lines.findLastIndex((line) => line.startsWith('ForPrompt engine cannot start'));
  if (start >= 0) {
    const details = lines.slice(start + 1).filter((line) => /^\s+- /.test(line));
    return [lines[start]!.replace(/^ForPrompt engine cannot start[.:]\s*/, ''), ...details.map((line) => line.trim())].join(' ');
  }
  return lines.slice(-5).join('\n') || 'the engine exited without a message';
}

export class EngineCommandError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = 'EngineCommandError';
  }
}

/** Runs `main.js --migrate-only` (or another one-shot mode) to completion; a failure carries the engine's reason. */
export async function runEngineCommand(launch: EngineLaunch, args: string[], options: { signal?: AbortSignal; log?: RotatingLog } = {}): Promise<void> {
  throwIfCancelled(options.signal);
  const child = spawnEngine(launch, args);
  let output = '';
  const collect = (chunk: Buffer) => {
    options.log?.write(chunk);
    output = (output + chunk.toString('utf8')).slice(-64 * 1024);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const onAbort = () => child.kill('SIGTERM');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => options.signal?.removeEventListener('abort', onAbort));
  throwIfCancelled(options.signal);
  if (code !== 0) throw new EngineCommandError(failureReason(output), output);
}

/** Waits until runtime.json names `pid` in `mode` (and, when serving, /readyz answers 200). */
export async function waitForRuntime(home: string, pid: number, mode: RuntimeFile['mode'], options: { timeoutMs: number; exited: () => boolean; signal?: AbortSignal }): Promise<RuntimeFile> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    throwIfCancelled(options.signal);
    if (options.exited()) throw new Error('the engine exited while starting');
    const runtime = await readRuntimeFile(home).catch(() => null);
    if (runtime?.pid === pid && runtime.mode === mode) {
      if (mode === 'database') return runtime;
      const ready = await fetch(new URL('/readyz', runtime.url), { signal: AbortSignal.timeout(2_000) }).then((response) => response.ok, () => false);
      if (ready) return runtime;
    }
    await sleep(200);
  }
  throw new Error(`the engine was not ready within ${Math.round(options.timeoutMs / 1000)} s`);
}

/** The database alone (`main.js --database-only`): what backup and restore use on a stopped install. */
export async function openDatabaseOnly(launch: EngineLaunch, log?: RotatingLog): Promise<{ runtime: RuntimeFile; stop: () => Promise<void> }> {
  const child = spawnEngine(launch, ['--database-only']);
  let output = '';
  let exited = false;
  const collect = (chunk: Buffer) => {
    log?.write(chunk);
    output = (output + chunk.toString('utf8')).slice(-64 * 1024);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.once('exit', () => (exited = true));
  try {
    const runtime = await waitForRuntime(launch.home, child.pid!, 'database', { timeoutMs: 60_000, exited: () => exited });
    return { runtime, stop: () => stopChild(child, closed) };
  } catch (error) {
    await stopChild(child, closed);
    throw new EngineCommandError(`Opening the database failed: ${exited ? failureReason(output) : (error as Error).message}`, output);
  }
}

async function stopChild(child: ChildProcess, closed: Promise<void>, graceMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return closed;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await closed;
  clearTimeout(timer);
}

/** A start that did not become ready: `how` it failed, in the words of a crash ("exited with 1", "did not become ready"). */
class LaunchFailure extends Error {
  constructor(
    message: string,
    readonly how: string,
  ) {
    super(message);
  }
}

export type SupervisorState =
  | { state: 'stopped' }
  | { state: 'starting'; attempt: number }
  | { state: 'running'; url: string; pid: number }
  | { state: 'restarting'; inMs: number; reason: string }
  | { state: 'crashed'; reason: string };

export interface SupervisorOptions {
  launch: EngineLaunch;
  log: RotatingLog;
  readyTimeoutMs?: number;
  /** Crashes within `crashWindowMs` after which the supervisor gives up. */
  maxCrashes?: number;
  crashWindowMs?: number;
  /** First restart delay; doubles per crash, capped at 30 s. */
  backoffMs?: number;
}

/**
 * Runs the engine as a child process: waits for /readyz, restarts it with backoff after a crash, and
 * gives up (state `crashed`, with the reason from its log) after repeated crashes.
 */
export class EngineSupervisor extends EventEmitter<{ state: [SupervisorState] }> {
  private child: ChildProcess | undefined;
  private closed: Promise<void> = Promise.resolve();
  private crashes: number[] = [];
  private stopping = false;
  private current: SupervisorState = { state: 'stopped' };

  constructor(private readonly options: SupervisorOptions) {
    super();
  }

  get state(): SupervisorState {
    return this.current;
  }

  /** Starts the engine and resolves once it is ready (rejects with the engine's reason if it is not; no retry: the caller shows why). */
  async start(): Promise<{ url: string; pid: number }> {
    this.stopping = false;
    this.crashes = [];
    try {
      return await this.launch(1);
    } catch (error) {
      if (!(error instanceof LaunchFailure)) throw error; // not spawned at all (e.g. the engine is not built)
      const reason = failureReason(this.options.log.tail(20));
      this.setState({ state: 'crashed', reason });
      throw new Error(`The engine did not start: ${error.message}. ${reason}`);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child) await stopChild(this.child, this.closed);
    this.child = undefined;
    this.setState({ state: 'stopped' });
  }

  /** A restart after a crash; one that fails counts as one more crash, and so backs off again or gives up. */
  private restart(): void {
    if (this.stopping) return;
    this.launch(this.crashes.length + 1).catch((error: Error) => {
      if (!this.stopping) this.onCrash(error instanceof LaunchFailure ? error.how : `could not be started (${error.message})`);
    });
  }

  /** One start: resolves once ready; a start that fails leaves no child behind. Only a ready engine's exit is a crash here. */
  private async launch(attempt: number): Promise<{ url: string; pid: number }> {
    this.setState({ state: 'starting', attempt });
    const { launch, log } = this.options;
    log.write(`\n--- ${new Date().toISOString()} starting the engine (attempt ${attempt}) ---\n`);
    const child = spawnEngine(launch, []);
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => log.write(chunk));
    child.stderr!.on('data', (chunk: Buffer) => log.write(chunk));
    let exit: string | undefined;
    let ready = false;
    this.closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.once('exit', (code, signal) => {
      exit = `exited with ${code ?? signal}`;
      if (this.child === child && !this.stopping && ready) this.onCrash(exit);
    });
    try {
      const runtime = await waitForRuntime(launch.home, child.pid!, 'serve', { timeoutMs: this.options.readyTimeoutMs ?? 90_000, exited: () => exit !== undefined });
      ready = true;
      this.setState({ state: 'running', url: runtime.url!, pid: child.pid! });
      return { url: runtime.url!, pid: child.pid! };
    } catch (error) {
      if (exit === undefined) await stopChild(child, this.closed);
      throw new LaunchFailure((error as Error).message, exit ?? 'did not become ready');
    }
  }

  private onCrash(how: string): void {
    const now = Date.now();
    const window = this.options.crashWindowMs ?? 5 * 60_000;
    this.crashes = [...this.crashes.filter((time) => now - time < window), now];
    const reason = `The engine ${how}: ${failureReason(this.options.log.tail(20))}`;
    if (this.crashes.length >= (this.options.maxCrashes ?? 5)) {
      this.setState({ state: 'crashed', reason: `${reason} (gave up after ${this.crashes.length} crashes)` });
      return;
    }
    const inMs = Math.min(30_000, (this.options.backoffMs ?? 1_000) * 2 ** (this.crashes.length - 1));
    this.setState({ state: 'restarting', inMs, reason });
    setTimeout(() => this.restart(), inMs);
  }

  private setState(state: SupervisorState): void {
    this.current = state;
    this.emit('state', state);
  }
}
