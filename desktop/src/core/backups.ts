import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { createBackup, restoreBackupInto, verifyBackup, type BackupManifest } from './backup/index.js';
import { isNewerThanJournal, readMigrationJournal } from './backup/schema-version.js';
import { runEngineCommand } from './engine-process.js';
import type { Manager } from './manager.js';
import { probeEngine } from './runtime.js';
import { throwIfCancelled, type TaskContext, type TaskProgress } from './tasks.js';

export interface BackupFile {
  file: string;
  bytes: number;
  createdAt: string;
}

const APP_VERSION = '0.1.0';

/** Progress of the archive functions, in words and a fraction of tables. */
function tableProgress(verb: string, report: (progress: TaskProgress) => void) {
  return (progress: { table?: string; tablesDone?: number; tablesTotal?: number; rows?: number }) =>
    report({
      message: `${verb}${progress.table ? ` ${progress.table}` : ''}${progress.rows ? ` (${progress.rows.toLocaleString('en')} rows)` : ''}`,
      fraction: progress.tablesTotal ? (progress.tablesDone ?? 0) / progress.tablesTotal : undefined,
    });
}

export async function backupDirectory(manager: Manager): Promise<string> {
  return (await manager.settings()).backups.directory ?? path.join(manager.home, 'backups');
}

/** Archives the install's database (opening it if the install is stopped); prunes to the last N in the default folder. */
export async function backupInstall(manager: Manager, context: TaskContext, outFile?: string): Promise<BackupFile> {
  const directory = await backupDirectory(manager);
  const file = outFile ? path.resolve(outFile) : path.join(directory, `forprompt-${new Date().toISOString().replace(/[:.]/g, '-')}.fpbackup`);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const database = await manager.openDatabase(context);
  try {
    const result = await createBackup({ databaseUrl: database.databaseUrl, outFile: file, appVersion: APP_VERSION, signal: context.signal, onProgress: tableProgress('Backing up', context.report) });
    if (!outFile) await pruneBackups(directory, (await manager.settings()).backups.keep);
    return { file: result.file, bytes: result.bytes, createdAt: result.manifest.createdAt };
  } finally {
    await database.release();
  }
}

export async function listBackups(directory: string): Promise<BackupFile[]> {
  const names = await fs.readdir(directory).catch(() => [] as string[]);
  const files = await Promise.all(
    names.filter((name) => name.endsWith('.fpbackup')).map(async (name) => {
      const stats = await fs.stat(path.join(directory, name));
      return { file: path.join(directory, name), bytes: stats.size, createdAt: stats.mtime.toISOString() };
    }),
  );
  return files.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

async function pruneBackups(directory: string, keep: number): Promise<void> {
  for (const old of (await listBackups(directory)).slice(keep)) await fs.rm(old.file, { force: true });
}

/** True when the newest backup in the default folder is older than the schedule allows. */
export async function backupIsDue(manager: Manager, now = Date.now()): Promise<boolean> {
  const { everyHours } = (await manager.settings()).backups;
  if (everyHours <= 0) return false;
  const newest = (await listBackups(await backupDirectory(manager)))[0];
  return !newest || now - Date.parse(newest.createdAt) >= everyHours * 3_600_000;
}

export interface RestoreResult {
  /** Rows per table, read back from the restored database. */
  tables: Record<string, number>;
  manifest: BackupManifest;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Restores an archive: verifies it whole before touching anything, refuses a newer schema, checks
 * free space, loads it into a new database and verifies that, then stops the engine, swaps the
 * databases (the old one kept until the engine is up on the new), migrates and starts it again.
 * A stopped install is left stopped.
 */
export async function restoreInstall(manager: Manager, file: string, context: TaskContext): Promise<RestoreResult> {
  context.report({ message: 'Verifying the archive' });
  const manifest = await verifyBackup(file, { signal: context.signal, onProgress: tableProgress('Verifying', context.report) });
  const journal = await readMigrationJournal();
  if (isNewerThanJournal(manifest.schemaVersion, journal) || manifest.schemaVersion.applied > journal.length) {
    throw new Error(`The archive comes from a newer ForPrompt (schema ${manifest.schemaVersion.lastTag}); update ForPrompt, then restore it`);
  }
  await requireFreeSpace(manager.home, manifest.tables.reduce((sum, table) => sum + table.bytes, 0) * 2);
  const wasRunning = (await probeEngine(manager.home)).state === 'running';
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  // Loading happens while the engine still serves; it stops only for the switch.
  const loaded = await loadIntoNewDatabase(manager, file, manifest, stamp, context);
  throwIfCancelled(context.signal);
  context.report({ message: 'Stopping the engine and switching databases' });
  // The embedded PostgreSQL stops with its engine: the switch reopens the database on its own.
  if (wasRunning) await manager.stopEngine();
  const uncancellable: TaskContext = { signal: new AbortController().signal, report: context.report };
  const database = await manager.openDatabase(uncancellable);
  const current = new URL(database.databaseUrl).pathname.slice(1);
  const previous = `${current}_before_${stamp}`;
  const admin = await adminClient(database.databaseUrl);
  let swapped = false;
  try {
    await terminateConnections(admin, current);
    await admin.query(`alter database ${quote(current)} rename to ${quote(previous)}`);
    await admin.query(`alter database ${quote(loaded.name)} rename to ${quote(current)}`);
    swapped = true;
    context.report({ message: 'Migrating the restored database' });
    await migrate(manager, database.databaseUrl, [], uncancellable);
    await database.release();
    if (wasRunning) await manager.startEngine();
    await dropDatabase(database.databaseUrl, previous);
    return { tables: loaded.tables, manifest };
  } catch (error) {
    if (swapped) {
      context.report({ message: 'The restored database did not start; putting the previous one back' });
      await manager.stopEngine().catch(() => {});
      await terminateConnections(admin, current).catch(() => {});
      await admin.query(`alter database ${quote(current)} rename to ${quote(loaded.name)}`).catch(() => {});
      await admin.query(`alter database ${quote(previous)} rename to ${quote(current)}`).catch(() => {});
    }
    await admin.query(`drop database if exists ${quote(loaded.name)}`).catch(() => {});
    await database.release().catch(() => {});
    if (swapped && wasRunning) await manager.startEngine().catch(() => {});
    throw error;
  } finally {
    await admin.end().catch(() => {});
  }
}

/** Drops the database kept for a rollback, once the restored one serves (best effort; it only takes space). */
async function dropDatabase(databaseUrl: string, name: string): Promise<void> {
  const admin = await adminClient(databaseUrl).catch(() => undefined);
  if (!admin) return;
  await admin.query(`drop database if exists ${quote(name)}`).catch(() => {});
  await admin.end().catch(() => {});
}

/** Creates `<db>_restore_<stamp>`, brings it to the archive's schema, loads and verifies the archive. */
async function loadIntoNewDatabase(manager: Manager, file: string, manifest: BackupManifest, stamp: string, context: TaskContext): Promise<{ name: string; tables: Record<string, number> }> {
  const database = await manager.openDatabase(context);
  const name = `${new URL(database.databaseUrl).pathname.slice(1)}_restore_${stamp}`;
  const admin = await adminClient(database.databaseUrl);
  let created = false;
  try {
    await admin.query(`create database ${quote(name)}`);
    created = true;
    const target = withDatabase(database.databaseUrl, name);
    if (manifest.schemaVersion.lastTag) {
      context.report({ message: `Preparing a new database at schema ${manifest.schemaVersion.lastTag}` });
      await migrate(manager, target, [`--migrate-to=${manifest.schemaVersion.lastTag}`], context);
    }
    const result = await restoreBackupInto({ file, databaseUrl: target, signal: context.signal, onProgress: tableProgress('Restoring', context.report) });
    return { name, tables: result.tables };
  } catch (error) {
    if (created) await admin.query(`drop database if exists ${quote(name)}`).catch(() => {});
    throw error;
  } finally {
    await admin.end().catch(() => {});
    await database.release();
  }
}

/** A connection to the server's `postgres` database (renames and drops cannot run inside the target). */
async function adminClient(databaseUrl: string): Promise<pg.Client> {
  const admin = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  admin.on('error', () => {}); // a server stopping under us is reported by the next query instead
  await admin.connect();
  return admin;
}

/** The engine migrates `databaseUrl` (as an external database) with `--migrate-only` plus `extra`. */
async function migrate(manager: Manager, databaseUrl: string, extra: string[], context: TaskContext): Promise<void> {
  const settings = await manager.settings();
  const launch = await manager.engineLaunch(settings, { kind: 'external', databaseUrl });
  await runEngineCommand(launch, ['--migrate-only', ...extra], { signal: context.signal, log: manager.logFile('engine') });
}

async function terminateConnections(admin: pg.Client, database: string): Promise<void> {
  await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
}

async function requireFreeSpace(directory: string, bytes: number): Promise<void> {
  await fs.mkdir(directory, { recursive: true });
  const stats = await fs.statfs(directory);
  const free = stats.bavail * stats.bsize;
  if (free < bytes) throw new Error(`Not enough free disk space to restore: ${(bytes / 1e9).toFixed(2)} GB needed, ${(free / 1e9).toFixed(2)} GB free in ${directory}`);
}

/**
 * Scheduled backups (daily by default, keep the last N): checks every `checkEveryMs` whether one is
 * due and runs it as a task. Returns a function that stops the schedule.
 */
export function startBackupSchedule(manager: Manager, checkEveryMs = 10 * 60_000): () => void {
  let running = false;
  const check = async () => {
    if (running || !(await backupIsDue(manager).catch(() => false))) return;
    running = true;
    try {
      await manager.tasks.run('backup', 'Scheduled backup', (task) => backupInstall(manager, task), (backup) => backup.file).result;
    } catch {
      // Recorded in the task history with its reason; the next check tries again.
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), checkEveryMs);
  timer.unref();
  const first = setTimeout(() => void check(), Math.min(checkEveryMs, 60_000));
  first.unref();
  return () => {
    clearInterval(timer);
    clearTimeout(first);
  };
}
