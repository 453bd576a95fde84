import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isProcessAlive, processStartTime } from './pidfile.js';

/**
 * Who uses the embedded server. Every process that starts or adopts it (an engine, `--migrate-only`,
 * `--database-only`) holds a lease: a file `<leasesDir>/<pid>-<random>.json` naming its process. The
 * server is stopped by the last holder to leave; a lease whose process is gone (SIGKILL, crash, reboot)
 * counts for nothing, so a server orphaned by a killed engine is still stopped by the one that adopts it.
 */
export interface ServerLease {
  /** Gives the lease up; true when no other live process holds one (the caller then stops the server). */
  release(): Promise<{ lastHolder: boolean }>;
}

interface LeaseHolder {
  pid: number;
  /** The process's start time (Linux: clock ticks after boot), so a reused pid is not mistaken for the holder. */
  startedAt: string | null;
}

/** Takes a lease before the server is looked at, so a holder leaving meanwhile sees this one. */
export async function takeLease(leasesDir: string): Promise<ServerLease> {
  await fs.mkdir(leasesDir, { recursive: true, mode: 0o700 });
  const file = path.join(leasesDir, `${process.pid}-${randomBytes(6).toString('hex')}.json`);
  const holder: LeaseHolder = { pid: process.pid, startedAt: processStartTime(process.pid) };
  // Written aside and renamed, so a reader never sees half a lease.
  await fs.writeFile(`${file}.tmp`, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  await fs.rename(`${file}.tmp`, file);
  let released: Promise<{ lastHolder: boolean }> | undefined;
  return {
    release() {
      released ??= fs.rm(file, { force: true }).then(async () => ({ lastHolder: (await liveHolders(leasesDir)) === 0 }));
      return released;
    },
  };
}

/** Counts the leases of live processes, deleting those of processes that are gone. */
export async function liveHolders(leasesDir: string): Promise<number> {
  const names = await fs.readdir(leasesDir).catch(() => [] as string[]);
  let live = 0;
  for (const name of names.filter((entry) => entry.endsWith('.json'))) {
    const file = path.join(leasesDir, name);
    const holder = await readHolder(file);
    if (holder && isHolderAlive(holder)) live++;
    else await fs.rm(file, { force: true });
  }
  return live;
}

/** The holder a lease names; undefined when it is gone or damaged. */
async function readHolder(file: string): Promise<LeaseHolder | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<LeaseHolder>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, startedAt: parsed.startedAt ?? null } : undefined;
  } catch {
    return undefined;
  }
}

function isHolderAlive(holder: LeaseHolder): boolean {
  if (!isProcessAlive(holder.pid)) return false;
  return holder.startedAt === null || processStartTime(holder.pid) === holder.startedAt;
}
