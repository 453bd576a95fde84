import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from '../../logger.js';
import type { ProcessIdentity } from './access.js';
import { isProcessAlive } from './pidfile.js';

export const DATABASE_USER = 'forprompt';

/**
 * Loopback only, no unix sockets, a small footprint for a desktop appliance. Passed on every
 * start, so an edited postgresql.conf in the data dir cannot open the server to the network.
 */
export function serverArguments(dataDir: string, port: number): string[] {
  const settings = {
    unix_socket_directories: '',
    shared_buffers: '32MB',
    max_connections: '40',
    work_mem: '4MB',
    maintenance_work_mem: '32MB',
    max_wal_size: '256MB',
    min_wal_size: '32MB',
    // A new 16 MB WAL segment is otherwise filled with zeros while every committing transaction
    // waits on the WAL write lock: a 30–50 ms stall each ~16 MB of writes (the ingest ack p99 of
    // issue 7). Off, PostgreSQL only sets its size; the file system allocates blocks as WAL is written
    // (so a full disk shows in a WAL write, where PostgreSQL restarts, rather than in a new segment's
    // creation; `forprompt-manager doctor` checks the free space).
    wal_init_zero: 'off',
    huge_pages: 'off',
    max_worker_processes: '4',
    max_parallel_workers: '2',
    log_checkpoints: 'off',
  };
  const flags = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  // -D first: isPostmasterFor() recognises our server by `postgres -D <dataDir>`.
  return ['-D', dataDir, '-h', '127.0.0.1', '-p', String(port), ...flags];
}

export interface ChildOptions {
  /** Run as this user (when the engine is root); undefined runs as the engine's own user. */
  identity: ProcessIdentity | undefined;
  /** Descriptor of the server log, for stdout and stderr. */
  logFd: number;
  cwd: string;
}

function childEnvironment(): NodeJS.ProcessEnv {
  // PG* variables meant for clients (PGDATA, PGPORT, PGOPTIONS...) must not steer our server;
  // the C locale keeps server messages in English, which the error messages quote.
  const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PG')));
  return { ...environment, LC_ALL: 'C', LANG: 'C' };
}

/**
 * Starts a PostgreSQL program detached in its own process group, so a Ctrl-C in the terminal
 * reaches only the engine, which then stops the server itself. The child stays referenced (it
 * keeps the event loop alive, which waiting for initdb needs); unref a server once it is up.
 */
export function spawnDetached(executable: string, args: string[], options: ChildOptions): ChildProcess {
  return spawn(executable, args, {
    cwd: options.cwd,
    env: childEnvironment(),
    detached: true,
    stdio: ['ignore', options.logFd, options.logFd],
    ...(options.identity ? { uid: options.identity.uid, gid: options.identity.gid } : {}),
  });
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (e.g. EACCES). */
  spawnError?: Error;
}

export function exitOf(child: ChildProcess): Promise<ChildExit> {
  return new Promise((resolve) => {
    child.once('error', (spawnError) => resolve({ code: null, signal: null, spawnError }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

export interface ConnectionTarget {
  port: number;
  password: string;
  database?: string;
}

export function clientConfig(target: ConnectionTarget): pg.ClientConfig {
  return {
    host: '127.0.0.1',
    port: target.port,
    user: DATABASE_USER,
    password: target.password,
    database: target.database ?? 'postgres',
    connectionTimeoutMillis: 2_000,
  };
}

export type Readiness =
  | { kind: 'ready' }
  | { kind: 'exited'; exit: ChildExit }
  | { kind: 'auth_failed'; message: string }
  | { kind: 'timeout'; lastError: string };

/** Polls until the server accepts a login, the process exits, or `timeoutMs` passes. */
export async function waitUntilReady(
  target: ConnectionTarget,
  exited: Promise<ChildExit> | undefined,
  timeoutMs: number,
): Promise<Readiness> {
  let exit: ChildExit | undefined;
  void exited?.then((result) => (exit = result));
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no attempt made';
  while (Date.now() < deadline) {
    if (exit) return { kind: 'exited', exit };
    const client = new pg.Client(clientConfig(target));
    client.on('error', () => {}); // a server shutting down mid-handshake must not crash the engine
    try {
      await client.connect();
      await client.query('select 1');
      return { kind: 'ready' };
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      if (code === '28P01') return { kind: 'auth_failed', message };
      lastError = message;
    } finally {
      await client.end().catch(() => {});
    }
    await sleep(100);
  }
  return exit ? { kind: 'exited', exit } : { kind: 'timeout', lastError };
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Fast shutdown (SIGINT: abort sessions, checkpoint, exit). If the server has not exited after
 * `graceMs`, immediate shutdown (SIGQUIT: crash recovery on next start), then SIGKILL its group.
 */
export async function stopPostmaster(pid: number, logger: Logger, graceMs = 20_000): Promise<void> {
  const signal = (name: NodeJS.Signals, target = pid) => {
    try {
      process.kill(target, name);
    } catch {
      // already gone
    }
  };
  signal('SIGINT');
  if (await waitForExit(pid, graceMs)) return;
  logger.warn({ pid }, 'PostgreSQL did not finish a fast shutdown in time; sending SIGQUIT');
  signal('SIGQUIT');
  if (await waitForExit(pid, 5_000)) return;
  logger.error({ pid }, 'PostgreSQL ignored SIGQUIT; killing its process group');
  signal('SIGKILL', -pid);
  await waitForExit(pid, 5_000);
}
