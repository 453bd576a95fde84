import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from '../../logger.js';
import type { ProcessIdentity } from './access.js';
import type { PostgresBinaries } from './binaries.js';
import { EmbeddedPostgresError } from './errors.js';
import { readLogTail } from './logfile.js';
import type { EmbeddedPaths } from './paths.js';
import {
  clientConfig,
  DATABASE_USER,
  exitOf,
  serverArguments,
  spawnDetached,
  stopPostmaster,
  waitUntilReady,
  type ConnectionTarget,
  type Readiness,
} from './postmaster.js';

const READY_TIMEOUT_MS = 30_000;
export const DATABASE_NAME = 'forprompt';

/** What a start needs besides the port. */
export interface LaunchContext {
  paths: EmbeddedPaths;
  binaries: PostgresBinaries;
  identity: ProcessIdentity | undefined;
  logFd: number;
  password: string;
  logger: Logger;
}

const RECOVERY_ADVICE =
  'Nothing was deleted. To recover, restore this directory from a backup, or move it aside ' +
  '(e.g. rename "pg" to "pg.broken") and start again to create a new, empty database.';

async function logSize(logFile: string): Promise<number> {
  return fs.stat(logFile).then((stats) => stats.size, () => 0);
}

/** Creates the cluster. The password reaches initdb through a file only the server user can read. */
export async function initialiseDataDir(context: LaunchContext): Promise<void> {
  const { paths, identity } = context;
  const since = await logSize(paths.logFile);
  const passwordFile = path.join(paths.home, `.initdb-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(passwordFile, `${context.password}\n`, { mode: 0o600 });
  try {
    if (identity) await fs.chown(passwordFile, identity.uid, identity.gid);
    context.logger.info({ dataDir: paths.dataDir }, 'initialising the embedded PostgreSQL data directory');
    const args = [
      '-D', paths.dataDir,
      `--username=${DATABASE_USER}`,
      '--auth=scram-sha-256',
      `--pwfile=${passwordFile}`,
      '--encoding=UTF8',
      '--locale=C',
      '--no-instructions',
    ];
    const exit = await exitOf(spawnDetached(context.binaries.initdb, args, { identity, logFd: context.logFd, cwd: paths.dataDir }));
    if (exit.code === 0) return;
    const reason = exit.spawnError?.message ?? `initdb exited with ${exit.code ?? exit.signal}`;
    throw new EmbeddedPostgresError(
      'initdb_failed',
      `Creating the PostgreSQL data directory ${paths.dataDir} failed (${reason}). ` +
        'Check that the disk has space and the directory is empty or absent; the full log is ' +
        `${paths.logFile}.`,
      paths.dataDir,
      await readLogTail(paths.logFile, since),
    );
  } finally {
    await fs.rm(passwordFile, { force: true });
  }
}

export type LaunchResult = { kind: 'started'; pid: number } | { kind: 'port_taken' };

const BIND_FAILURE = /could not bind|address already in use|could not create any TCP\/IP sockets/i;

/** Starts the postmaster on `port` and waits until it accepts logins. */
export async function launchServer(context: LaunchContext, port: number, wasInitialised: boolean): Promise<LaunchResult> {
  const { paths } = context;
  const since = await logSize(paths.logFile);
  const child = spawnDetached(context.binaries.postgres, serverArguments(paths.dataDir, port), {
    identity: context.identity,
    logFd: context.logFd,
    cwd: paths.dataDir,
  });
  const exited = exitOf(child);
  let readiness = await waitUntilReady({ port, password: context.password }, exited, READY_TIMEOUT_MS);
  if (readiness.kind === 'ready') {
    // A server that answered was spawned, so it has a pid.
    if (child.pid === undefined) throw new Error('PostgreSQL answered but has no pid');
    child.unref(); // the server outlives an engine that exits without stop(); the next start adopts it
    return { kind: 'started', pid: child.pid };
  }
  if (readiness.kind === 'auth_failed') {
    // Someone else's server on this port may have answered while ours was failing to bind.
    const exit = await Promise.race([exited, sleep(1_000).then(() => undefined)]);
    if (exit) readiness = { kind: 'exited', exit };
  }
  const logTail = await readLogTail(paths.logFile, since);
  if (readiness.kind === 'exited' && BIND_FAILURE.test(logTail)) return { kind: 'port_taken' };
  if (readiness.kind !== 'exited' && child.pid !== undefined) await stopPostmaster(child.pid, context.logger);
  throw await describeStartFailure(paths, readiness, wasInitialised, logTail);
}

function missingEssentials(dataDir: string): string[] {
  const essentials = ['global/pg_control', 'global', 'base', 'pg_wal'];
  return essentials.filter((relative) => !existsSync(path.join(dataDir, relative)));
}

async function describeStartFailure(
  paths: EmbeddedPaths,
  readiness: Exclude<Readiness, { kind: 'ready' }>,
  wasInitialised: boolean,
  logTail: string,
): Promise<EmbeddedPostgresError> {
  const { dataDir } = paths;
  const seeLog = `The full log is ${paths.logFile}.`;
  if (readiness.kind === 'timeout') {
    return new EmbeddedPostgresError(
      'startup_timeout',
      `PostgreSQL (data directory ${dataDir}) did not accept connections within ${READY_TIMEOUT_MS / 1000} s ` +
        `(last error: ${readiness.lastError}) and was stopped. A slow disk or crash recovery can cause this; ` +
        `try again. ${seeLog}`,
      dataDir,
      logTail,
    );
  }
  if (readiness.kind === 'auth_failed') {
    return new EmbeddedPostgresError(
      'credentials_rejected',
      `PostgreSQL (data directory ${dataDir}) rejected the password recorded in ${paths.stateFile}; ` +
        'the file may have been replaced. Restore the original file, or move the data directory aside to ' +
        'start with a new, empty database.',
      dataDir,
      logTail,
    );
  }
  const { exit } = readiness;
  if (exit.spawnError) {
    return new EmbeddedPostgresError(
      'start_failed',
      `Could not run PostgreSQL for the data directory ${dataDir}: ${exit.spawnError.message}.`,
      dataDir,
      logTail,
    );
  }
  const exitedWith = `PostgreSQL exited with ${exit.code ?? exit.signal} while starting`;
  if (!wasInitialised) {
    return new EmbeddedPostgresError('start_failed', `${exitedWith} on a newly created data directory ${dataDir}. ${seeLog}`, dataDir, logTail);
  }
  const missing = missingEssentials(dataDir);
  if (missing.length) {
    const problem = `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`;
    return new EmbeddedPostgresError(
      'data_dir_damaged',
      `${exitedWith}: the data directory ${dataDir} is damaged (${problem}). ${RECOVERY_ADVICE} ${seeLog}`,
      dataDir,
      logTail,
    );
  }
  const complaint = lastComplaint(logTail);
  const damaged = complaint !== undefined && DAMAGE_SIGNS.test(complaint);
  const said = complaint ? `: "${complaint}"` : '';
  const advice = damaged ? `The directory looks damaged. ${RECOVERY_ADVICE}` : 'Nothing was changed.';
  return new EmbeddedPostgresError(
    damaged ? 'data_dir_damaged' : 'start_failed',
    `${exitedWith} with the data directory ${dataDir}${said}. ${advice} ${seeLog}`,
    dataDir,
    logTail,
  );
}

// Words PostgreSQL uses when files of the cluster are unreadable or inconsistent.
const DAMAGE_SIGNS = /corrupt|invalid|checksum|could not (open|read|locate)|incorrect checksum|PANIC/i;

/** PostgreSQL's own reason, e.g. `FATAL:  data directory "..." has wrong ownership`. */
function lastComplaint(logTail: string): string | undefined {
  const lines = logTail.split('\n').filter((line) => /\b(FATAL|PANIC):/.test(line));
  return lines.at(-1)?.replace(/^.*?\b(FATAL|PANIC):\s*/, '$1: ');
}

/** The application database, created on the first start (and after an interrupted first start). */
export async function ensureApplicationDatabase(target: ConnectionTarget): Promise<void> {
  const client = new pg.Client(clientConfig(target));
  client.on('error', () => {});
  await client.connect();
  try {
    const existing = await client.query('select 1 from pg_database where datname = $1', [DATABASE_NAME]);
    if (existing.rowCount) return;
    await client.query(`create database ${DATABASE_NAME}`).catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error; // created concurrently: fine
    });
  } finally {
    await client.end().catch(() => {});
  }
}
