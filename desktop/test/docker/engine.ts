import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { isAlive } from '../../src/core/runtime.js';

/**
 * Where the tests start their own dockerd when no engine answers: one fixed directory, so built
 * images persist across runs and a dockerd left over from an interrupted run is reused.
 */
export const OWN_DOCKERD_DIR = process.env.FORPROMPT_TEST_DOCKER_DIR || '/tmp/forprompt-test-docker';
const STARTUP_TIMEOUT_MS = 60_000;

export interface DockerEngine {
  /** In DOCKER_HOST form: `unix:///…/docker.sock` or `tcp://host:port`. */
  dockerHost: string;
  docker: Docker;
  /**
   * Ends this run's use of the engine. Stops the dockerd this process started unless another test
   * run still uses it; a no-op for an engine that was already running.
   */
  release(): Promise<void>;
}

/** A dockerode client for a DOCKER_HOST string (unix sockets and plain tcp; TLS is not needed in tests). */
export function dockerClient(dockerHost: string, timeoutMs?: number): Docker {
  const url = new URL(dockerHost);
  if (url.protocol === 'unix:') return new Docker({ socketPath: url.pathname, timeout: timeoutMs });
  if (url.protocol === 'tcp:' || url.protocol === 'http:') {
    return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http', timeout: timeoutMs });
  }
  throw new Error(`DOCKER_HOST=${dockerHost}: the desktop tests speak unix:// and tcp:// (without TLS) only`);
}

/** Why the engine at `dockerHost` does not answer, or undefined when it does. */
async function whyNotAnswering(dockerHost: string): Promise<string | undefined> {
  try {
    await dockerClient(dockerHost, 5_000).ping();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * DOCKER_HOST if set, else /var/run/docker.sock, else a dockerd this module started earlier in
 * OWN_DOCKERD_DIR; failing those, starts dockerd there (root only). Throws when no engine can be had:
 * the Docker tests fail rather than skip (issue 8, "Tests against a real Docker engine").
 */
export async function ensureDockerEngine(log: (line: string) => void): Promise<DockerEngine> {
  const ownHost = `unix://${join(OWN_DOCKERD_DIR, 'docker.sock')}`;
  const tried: string[] = [];
  for (const dockerHost of [process.env.DOCKER_HOST || 'unix:///var/run/docker.sock', ownHost]) {
    const reason = await whyNotAnswering(dockerHost);
    if (!reason) {
      const release = dockerHost === ownHost ? await registerUser() : async () => {};
      return { dockerHost, docker: dockerClient(dockerHost), release };
    }
    tried.push(`${dockerHost}: ${reason}`);
  }
  const cannotStart = await whyDockerdCannotStart();
  if (cannotStart) {
    throw new Error(
      `No Docker engine for the desktop tests. Tried\n  ${tried.join('\n  ')}\nand cannot start one: ${cannotStart}.\n` +
        'Start Docker or point DOCKER_HOST at a running engine (CI: .ci/run starts one).',
    );
  }
  log(`no Docker engine answers; starting dockerd in ${OWN_DOCKERD_DIR}`);
  const { docker, stop } = await startOwnDockerd(ownHost);
  const unregister = await registerUser();
  const release = async () => {
    await unregister();
    if ((await liveUsers()).length === 0) await stop();
    else log(`leaving dockerd in ${OWN_DOCKERD_DIR} running: another test run uses it`);
  };
  return { dockerHost: ownHost, docker, release };
}

/** Test runs using the dockerd in OWN_DOCKERD_DIR, one file per vitest process, so none stops it under another. */
const USERS_DIR = join(OWN_DOCKERD_DIR, 'users');

async function registerUser(): Promise<() => Promise<void>> {
  await mkdir(USERS_DIR, { recursive: true });
  const userFile = join(USERS_DIR, String(process.pid));
  await writeFile(userFile, '');
  return () => rm(userFile, { force: true });
}

async function liveUsers(): Promise<number[]> {
  const pids = (await readdir(USERS_DIR).catch(() => [] as string[])).map(Number);
  return pids.filter((pid) => Number.isInteger(pid) && isAlive(pid));
}

async function findDockerd(): Promise<string | undefined> {
  const directories = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];
  for (const directory of directories.filter(Boolean)) {
    const candidate = join(directory, 'dockerd');
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  return undefined;
}

async function whyDockerdCannotStart(): Promise<string | undefined> {
  if (!(await findDockerd())) return 'dockerd is not installed (Debian: apt-get install docker.io)';
  const uid = process.getuid?.();
  if (uid !== 0) return `dockerd needs root and the tests run as uid ${uid ?? 'unknown'}`;
  return undefined;
}

async function startOwnDockerd(dockerHost: string): Promise<{ docker: Docker; stop: () => Promise<void> }> {
  const dockerd = (await findDockerd()) as string;
  await mkdir(OWN_DOCKERD_DIR, { recursive: true, mode: 0o700 });
  const logPath = join(OWN_DOCKERD_DIR, 'dockerd.log');
  const logFile = await open(logPath, 'a');
  const child = spawn(
    dockerd,
    [
      `--data-root=${join(OWN_DOCKERD_DIR, 'root')}`,
      `--exec-root=${join(OWN_DOCKERD_DIR, 'exec')}`,
      `--pidfile=${join(OWN_DOCKERD_DIR, 'docker.pid')}`,
      `--host=${dockerHost}`,
    ],
    // Detached: a run interrupted before teardown leaves a dockerd the next run reuses.
    { detached: true, stdio: ['ignore', logFile.fd, logFile.fd] },
  );
  await logFile.close();
  child.unref();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while ((await whyNotAnswering(dockerHost)) !== undefined) {
    if (exitCode !== undefined || Date.now() > deadline) {
      if (exitCode === undefined) await stopChild(child, exited);
      const why = exitCode === undefined ? `did not answer within ${STARTUP_TIMEOUT_MS / 1000} s` : `exited with ${exitCode}`;
      throw new Error(`dockerd ${why}; the end of ${logPath}:\n${await logTail(logPath)}`);
    }
    await sleep(250);
  }
  return { docker: dockerClient(dockerHost), stop: () => stopChild(child, exited) };
}

/** SIGTERM (dockerd stops its containers and containerd), SIGKILL if it has not exited after 30 s. */
async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const patience = new AbortController();
  const timeout = sleep(30_000, 'timeout', { signal: patience.signal }).catch(() => undefined);
  const outcome = await Promise.race([exited, timeout]);
  patience.abort();
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

async function logTail(path: string, lines = 30): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
