import { spawn } from 'node:child_process';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './core/files.js';
import { readSupervisorFile, supervisorFile } from './core/supervisor-file.js';
import type { Manager } from './core/manager.js';
import type { SupervisorState } from './core/engine-process.js';
import { follow } from './cli-context.js';
import { startBackupSchedule } from './core/backups.js';

/**
 * The long-running side of `up`: starts the engine under an EngineSupervisor and keeps it running
 * (restarts after crashes) until SIGTERM/SIGINT. Its state is mirrored in `manager/supervisor.json`.
 */
export async function runSupervisorDaemon(manager: Manager, options: { provision: boolean; print: (text: string) => void }): Promise<number> {
  const launchTask = manager.tasks.run('provision', 'Provision and migrate', async (task) => (await manager.provision(task, { migrate: options.provision })).launch);
  const launch = options.provision ? await follow(manager, launchTask, false) : await launchTask.result;
  const supervisor = manager.supervisor(launch);
  const record = (state: SupervisorState) =>
    writeFileAtomic(supervisorFile(manager.dir), `${JSON.stringify({ pid: process.pid, state, updatedAt: new Date().toISOString() })}\n`, 0o600).catch(() => {});
  supervisor.on('state', (state) => void record(state));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await supervisor.stop();
    await fs.rm(supervisorFile(manager.dir), { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  startBackupSchedule(manager);
  try {
    const { url } = await supervisor.start();
    options.print(`ForPrompt is running at ${url} (supervised; Ctrl-C or \`forprompt-manager down\` stops it)`);
  } catch (error) {
    await record(supervisor.state);
    throw error;
  }
  // Runs until a signal; a supervisor that gave up leaves its reason in supervisor.json and exits.
  await new Promise<void>((resolve) => supervisor.on('state', (state) => state.state === 'crashed' && resolve()));
  return 1;
}

/**
 * Starts `forprompt-manager supervise` detached (it outlives this command; `down` stops it) and waits
 * until its engine is ready. Returns the engine's URL.
 */
export async function startDetachedSupervisor(manager: Manager, timeoutMs = 120_000): Promise<string> {
  await fs.mkdir(path.join(manager.dir, 'logs'), { recursive: true });
  const log = fsSync.openSync(path.join(manager.dir, 'logs', 'supervisor.log'), 'a', 0o600);
  const daemon = spawn(process.execPath, [process.argv[1]!, 'supervise'], { detached: true, stdio: ['ignore', log, log], env: { ...process.env, FORPROMPT_HOME: manager.home } });
  fsSync.closeSync(log);
  daemon.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await readSupervisorFile(manager.dir);
    if (state && state.pid === daemon.pid && state.state.state === 'running') return state.state.url;
    if (state && state.pid === daemon.pid && state.state.state === 'crashed') throw new Error(state.state.reason);
    if (daemon.exitCode !== null) throw new Error(`The supervisor exited (${daemon.exitCode}); see ${path.join(manager.dir, 'logs', 'supervisor.log')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The engine did not become ready within ${timeoutMs / 1000} s; see \`forprompt-manager logs\``);
}
