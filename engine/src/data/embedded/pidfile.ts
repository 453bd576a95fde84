import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The lines of postmaster.pid we use (see PostgreSQL's miscadmin.h, LOCK_FILE_LINE_*). */
export interface PostmasterLock {
  pid: number;
  port: number | undefined;
}

export type PostmasterState =
  | { kind: 'none' }
  | { kind: 'stale'; pid: number }
  | { kind: 'running'; pid: number; port: number | undefined }
  /** A live PostgreSQL process that is not our server for this data dir: never delete its lock. */
  | { kind: 'foreign'; pid: number; commandLine: string };

export function postmasterPidFile(dataDir: string): string {
  return path.join(dataDir, 'postmaster.pid');
}

export function parsePostmasterPid(content: string): PostmasterLock | undefined {
  const lines = content.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, port: Number.isInteger(port) && port > 0 ? port : undefined };
}

/**
 * The fields of /proc/<pid>/stat after the command name, from the state (field 3) on; undefined where
 * there is no such process or no /proc. Format: "pid (comm) S ..."; comm may contain spaces and
 * parentheses, so the fields are counted from the last ')'.
 */
function procStatFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Alive means signalable and not a zombie (a zombie's pid answers kill(0) until it is reaped). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  const fields = procStatFields(pid);
  return fields !== undefined && fields[0] !== 'Z';
}

/** When the process started (Linux: field 22 of /proc/<pid>/stat, clock ticks after boot); null where there is no /proc. */
export function processStartTime(pid: number): string | null {
  return procStatFields(pid)?.[19] ?? null;
}

async function commandLineOf(pid: number): Promise<string | undefined> {
  try {
    if (process.platform === 'linux') {
      const raw = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
      return raw.split('\0').filter(Boolean).join(' ');
    }
    const { stdout } = await run('ps', ['-o', 'command=', '-p', String(pid)]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a command line is a postmaster we started for `dataDir`: we always spawn
 * `<bin>/postgres -D <dataDir> ...`, and the postmaster keeps its argv (only its children retitle).
 */
export function isPostmasterFor(commandLine: string, dataDir: string): boolean {
  const marker = ` -D ${dataDir}`;
  const at = commandLine.indexOf(marker);
  if (at < 0) return false;
  const next = commandLine.charAt(at + marker.length);
  return (next === '' || next === ' ') && /(^|[\\/])postgres(\.exe)?$/.test(commandLine.slice(0, at));
}

/** Any PostgreSQL process: a postmaster, or a child that retitled itself `postgres: ...`. */
export function looksLikePostgres(commandLine: string): boolean {
  return /(^|[\\/])postgres(\.exe)?(:| |$)/.test(commandLine);
}

/** What postmaster.pid says: no server, a leftover from a crash, a live server of ours, or else. */
export async function inspectPostmaster(dataDir: string): Promise<PostmasterState> {
  let content: string;
  try {
    content = await fs.readFile(postmasterPidFile(dataDir), 'utf8');
  } catch {
    return { kind: 'none' };
  }
  const lock = parsePostmasterPid(content);
  if (!lock) return { kind: 'stale', pid: 0 };
  if (!isProcessAlive(lock.pid)) return { kind: 'stale', pid: lock.pid };
  // A reboot may have handed the pid to an unrelated process.
  const commandLine = await commandLineOf(lock.pid);
  if (!commandLine || !looksLikePostgres(commandLine)) return { kind: 'stale', pid: lock.pid };
  if (!isPostmasterFor(commandLine, dataDir)) return { kind: 'foreign', pid: lock.pid, commandLine };
  return { kind: 'running', pid: lock.pid, port: lock.port };
}
