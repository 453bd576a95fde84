import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../logger.js';
import type { ProcessIdentity } from './access.js';
import { resolvePostgresBinaries, type PostgresBinaries } from './binaries.js';
import { EmbeddedPostgresError } from './errors.js';
import { DATABASE_NAME, ensureApplicationDatabase, initialiseDataDir, launchServer, type LaunchContext } from './launch.js';
import { openServerLog } from './logfile.js';
import { embeddedPaths, type EmbeddedPaths } from './paths.js';
import { liveHolders, takeLease, type ServerLease } from './leases.js';
import { inspectPostmaster, postmasterPidFile } from './pidfile.js';
import { findFreePort, isPortFree } from './ports.js';
import { DATABASE_USER, stopPostmaster, waitUntilReady } from './postmaster.js';
import { ensureOwnedBy, ensureReachableBinaries, grantTraverse } from './reachability.js';
import { readEmbeddedState, writeEmbeddedState, type EmbeddedState } from './state.js';
import { ensureSystemUser } from './system-user.js';

export { EmbeddedPostgresError, type EmbeddedPostgresErrorCode } from './errors.js';

export interface EmbeddedPostgresOptions {
  /** FORPROMPT_HOME; the data directory is `${home}/pg`. */
  home: string;
  /** Default 54329; if taken, a free port is picked and recorded for the next start. */
  preferredPort?: number;
  logger: Logger;
}

export interface EmbeddedPostgres {
  /** postgres://forprompt:<password>@127.0.0.1:<port>/forprompt — holds the password: never log it. */
  readonly databaseUrl: string;
  readonly port: number;
  readonly dataDir: string;
  /** The postmaster's pid. */
  readonly pid: number;
  /** True when a server of ours that was already running (another engine uses it, or one was killed) was adopted. */
  readonly reused: boolean;
  /**
   * Gives up this process's use of the server, and stops it (fast shutdown, SIGINT, escalating after
   * 20 s) unless another live process still uses it (see leases.ts). Idempotent.
   */
  stop(): Promise<void>;
}

const DEFAULT_PORT = 54329;
// A server that is ours but does not answer within this time is stopped and started afresh.
const ADOPT_TIMEOUT_MS = 5_000;

/**
 * Starts (or adopts) the PostgreSQL server that keeps the appliance's data in `${home}/pg`,
 * initialising it on first run. The server runs detached: callers must `stop()` it on shutdown.
 * Several processes may use one server (an engine, and `--migrate-only` or `--database-only` run
 * beside it): each holds a lease, and only the last to stop stops the server.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const logger = options.logger.child({ component: 'embedded-postgres' });
  const paths = embeddedPaths(options.home);
  await fs.mkdir(paths.home, { recursive: true });
  // Taken before the server is looked at: a holder stopping meanwhile sees this lease and leaves it running.
  const lease = await takeLease(paths.leasesDir);
  try {
    return await startOrAdopt(paths, options, lease, logger);
  } catch (error) {
    await lease.release();
    throw error;
  }
}

async function startOrAdopt(paths: EmbeddedPaths, options: EmbeddedPostgresOptions, lease: ServerLease, logger: Logger): Promise<EmbeddedPostgres> {
  const installed = await resolvePostgresBinaries();
  const state = await readEmbeddedState(paths.stateFile);
  const wasInitialised = existsSync(path.join(paths.dataDir, 'PG_VERSION'));

  if (wasInitialised) {
    const recorded = await checkInitialisedDataDir(paths, installed, state);
    const adopted = await adoptRunningServer(paths, recorded, lease, logger);
    if (adopted) return adopted;
  }

  const identity = process.getuid?.() === 0 ? await ensureSystemUser(paths.dataDir, logger) : undefined;
  const binaries = await prepareFilesystem(paths, installed, identity, logger);
  const password = state?.password ?? randomBytes(24).toString('hex');
  const preferredPort = options.preferredPort ?? DEFAULT_PORT;
  // The port recorded last time wins, unless the configured port has changed since.
  let port = await choosePort(state?.preferredPort === preferredPort ? state.port : preferredPort, logger);
  const record = (chosenPort: number) =>
    writeEmbeddedState(paths.stateFile, { port: chosenPort, preferredPort, password, pgMajor: installed.major });
  // Recorded before initdb, so a crash after initdb cannot lose the password.
  await record(port);

  const log = await openServerLog(paths.logFile, identity);
  let pid: number;
  try {
    const context: LaunchContext = { paths, binaries, identity, logFd: log.fd, password, logger };
    if (!wasInitialised) await initialiseDataDir(context);
    let launched = await launchServer(context, port, wasInitialised);
    if (launched.kind === 'port_taken') {
      // Taken between our check and the server's bind: one more try on a port the OS hands out.
      port = await findFreePort();
      logger.warn({ port }, 'the PostgreSQL port was taken while starting; retrying on another port');
      await record(port);
      launched = await launchServer(context, port, wasInitialised);
    }
    if (launched.kind !== 'started') {
      throw new EmbeddedPostgresError('start_failed', `No free port for PostgreSQL (data directory ${paths.dataDir}).`, paths.dataDir);
    }
    pid = launched.pid;
  } finally {
    await log.close();
  }

  try {
    await ensureApplicationDatabase({ port, password });
  } catch (error) {
    await stopPostmaster(pid, logger);
    throw error;
  }
  logger.info({ port, pid, dataDir: paths.dataDir, created: !wasInitialised }, 'embedded PostgreSQL started');
  return serverHandle({ port, password, dataDir: paths.dataDir, pid, reused: false, lease }, logger);
}

/** Refuses a data directory from another PostgreSQL major, or one whose password was lost. */
async function checkInitialisedDataDir(
  paths: EmbeddedPaths,
  binaries: PostgresBinaries,
  state: EmbeddedState | undefined,
): Promise<EmbeddedState> {
  const dataMajor = Number.parseInt(await fs.readFile(path.join(paths.dataDir, 'PG_VERSION'), 'utf8'), 10);
  if (dataMajor !== binaries.major) {
    throw new EmbeddedPostgresError(
      'version_mismatch',
      `The data directory ${paths.dataDir} was created by PostgreSQL ${dataMajor}, but this build ships ` +
        `PostgreSQL ${binaries.major}, which cannot open it. Nothing was changed. To keep the data, run the ` +
        'previous ForPrompt version and export a backup, then restore it here; or move the directory aside ' +
        'to start with a new, empty database.',
      paths.dataDir,
    );
  }
  if (!state) {
    throw new EmbeddedPostgresError(
      'credentials_missing',
      `The data directory ${paths.dataDir} exists, but ${paths.stateFile} (which holds its password) is ` +
        'missing or unreadable. Restore that file from a backup, or move the data directory aside to start ' +
        'with a new, empty database. Nothing was changed.',
      paths.dataDir,
    );
  }
  return state;
}

/**
 * Deals with a postmaster.pid left behind: adopts our live server, clears a stale lock (the server
 * crashed, or the pid now belongs to another program), stops our server if it does not answer.
 */
async function adoptRunningServer(
  paths: EmbeddedPaths,
  state: EmbeddedState,
  lease: ServerLease,
  logger: Logger,
): Promise<EmbeddedPostgres | undefined> {
  const found = await inspectPostmaster(paths.dataDir);
  switch (found.kind) {
    case 'none':
      return undefined;
    case 'stale':
      logger.info({ stalePid: found.pid }, 'removing a stale postmaster.pid left by a server that is gone');
      await fs.rm(postmasterPidFile(paths.dataDir), { force: true });
      return undefined;
    case 'foreign':
      throw new EmbeddedPostgresError(
        'data_dir_in_use',
        `${postmasterPidFile(paths.dataDir)} names a running PostgreSQL process (pid ${found.pid}: ` +
          `${found.commandLine}) that ForPrompt did not start. Stop that process, or if you are sure it does ` +
          'not use this data directory, delete postmaster.pid. Nothing was changed.',
        paths.dataDir,
      );
    case 'running':
      break;
  }
  const port = found.port ?? state.port;
  const readiness = await waitUntilReady({ port, password: state.password }, undefined, ADOPT_TIMEOUT_MS);
  if (readiness.kind === 'ready') {
    if (port !== state.port) await writeEmbeddedState(paths.stateFile, { ...state, port });
    await ensureApplicationDatabase({ port, password: state.password });
    logger.info({ port, pid: found.pid }, 'adopted an embedded PostgreSQL server that was still running');
    return serverHandle({ port, password: state.password, dataDir: paths.dataDir, pid: found.pid, reused: true, lease }, logger);
  }
  if (readiness.kind === 'timeout' && (await liveHolders(paths.leasesDir)) > 1) {
    // Busy rather than broken, perhaps: stopping it would take the database from under the other user.
    throw new EmbeddedPostgresError(
      'startup_timeout',
      `The PostgreSQL server of ${paths.dataDir} (pid ${found.pid}) is used by another ForPrompt process but did not ` +
        `answer within ${ADOPT_TIMEOUT_MS / 1000} s (${readiness.lastError}). It was left running; try again, or stop the other process first.`,
      paths.dataDir,
    );
  }
  logger.warn({ pid: found.pid, readiness: readiness.kind }, 'a leftover PostgreSQL server does not answer; stopping it');
  await stopPostmaster(found.pid, logger);
  return undefined;
}

/** As root: the data dir belongs to the system user, who can reach it and the binaries. */
async function prepareFilesystem(
  paths: EmbeddedPaths,
  installed: PostgresBinaries,
  identity: ProcessIdentity | undefined,
  logger: Logger,
): Promise<PostgresBinaries> {
  await fs.mkdir(paths.dataDir, { recursive: true, mode: 0o700 });
  if (!identity) return installed;
  await ensureOwnedBy(paths.dataDir, identity);
  await grantTraverse(paths.dataDir, identity, logger);
  return ensureReachableBinaries(installed, paths.runtimeRoot, identity, logger);
}

async function choosePort(wanted: number, logger: Logger): Promise<number> {
  if (await isPortFree(wanted)) return wanted;
  const port = await findFreePort();
  logger.warn({ wanted, port }, 'the PostgreSQL port is in use by another program; using another one');
  return port;
}

interface RunningServer {
  port: number;
  password: string;
  dataDir: string;
  pid: number;
  reused: boolean;
  lease: ServerLease;
}

function serverHandle(server: RunningServer, logger: Logger): EmbeddedPostgres {
  let stopping: Promise<void> | undefined;
  const credentials = `${DATABASE_USER}:${encodeURIComponent(server.password)}`;
  return {
    databaseUrl: `postgres://${credentials}@127.0.0.1:${server.port}/${DATABASE_NAME}`,
    port: server.port,
    dataDir: server.dataDir,
    pid: server.pid,
    reused: server.reused,
    stop() {
      stopping ??= server.lease.release().then(async ({ lastHolder }) => {
        if (!lastHolder) {
          logger.info({ pid: server.pid }, 'embedded PostgreSQL left running: another ForPrompt process still uses it');
          return;
        }
        await stopPostmaster(server.pid, logger);
        logger.info({ pid: server.pid }, 'embedded PostgreSQL stopped');
      });
      return stopping;
    },
  };
}
