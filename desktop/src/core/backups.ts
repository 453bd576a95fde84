import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { qualifiedName, readTables } from './backup/catalog.js';
import { createBackup, restoreBackupInto, verifyBackup, type BackupManifest } from './backup/index.js';
import { isNewerThanJournal, readMigrationJournal, readSchemaVersion } from './backup/schema-version.js';
import { isCustomFormatDump, restoreContainerDump, verifyContainerDump, writeContainerDump } from './container-dump.js';
import { migrateDatabase, replaceDatabase } from './database-swap.js';
import type { Manager, OpenDatabase } from './manager.js';
import type { Settings } from './settings.js';
import type { Stack } from './stack.js';
import type { TaskContext, TaskProgress } from './tasks.js';
import { activeVersion } from './update/versions.js';

/**
 * `fpbackup`: the portable archive (any database, any PostgreSQL version). `pg_dump`: a custom-format
 * dump made by the PostgreSQL container's own pg_dump (container mode only).
 */
export type BackupFormat = 'fpbackup' | 'pg_dump';
export const backupFormats: readonly BackupFormat[] = ['fpbackup', 'pg_dump'];
const extensions: Record<BackupFormat, string> = { fpbackup: '.fpbackup', pg_dump: '.dump' };

export interface BackupFile {
  file: string;
  bytes: number;
  createdAt: string;
  format: BackupFormat;
}

export interface BackupOptions {
  /** Where to write; default: a new file in the backup folder, which is then pruned to the last N of the format. */
  out?: string;
  /** Default `fpbackup`. */
  format?: BackupFormat;
}


/** Progress of the archive functions, in words and a fraction of tables. */
function tableProgress(verb: string, report: (progress: TaskProgress) => void) {
  return (progress: { table?: string; tablesDone?: number; tablesTotal?: number; rows?: number }) =>
    report({
      message: `${verb}${progress.table ? ` ${progress.table}` : ''}${progress.rows ? ` (${progress.rows.toLocaleString('en')} rows)` : ''}`,
      fraction: progress.tablesTotal ? (progress.tablesDone ?? 0) / progress.tablesTotal : undefined,
    });
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Where backups go by default (and the schedule writes): the settings' folder, else FORPROMPT_HOME/backups. */
export function backupDirectory(home: string, settings: Settings): string {
  return settings.backups.directory ?? path.join(home, 'backups');
}

/** Backs up the install's database (opening it if the install is stopped); prunes to the last N in the default folder. */
export async function backupInstall(manager: Manager, context: TaskContext, options: BackupOptions = {}): Promise<BackupFile> {
  const format = options.format ?? 'fpbackup';
  const settings = await manager.settings();
  const stack = format === 'pg_dump' ? await containerStack(manager, settings, "The pg_dump format is made by the PostgreSQL container's own pg_dump") : undefined;
  const directory = backupDirectory(manager.home, settings);
  const file = options.out ? path.resolve(options.out) : path.join(directory, `forprompt-${new Date().toISOString().replace(/[:.]/g, '-')}${extensions[format]}`);
  const database = await manager.openDatabase(context);
  try {
    const written = stack ? await dumpDatabase(stack, database, file, context) : await archiveDatabase(manager, database, file, context);
    if (!options.out) await pruneBackups(directory, format, settings.backups.keep);
    return written;
  } finally {
    await database.release();
  }
}

async function archiveDatabase(manager: Manager, database: OpenDatabase, file: string, context: TaskContext): Promise<BackupFile> {
  const result = await createBackup({ databaseUrl: database.databaseUrl, outFile: file, appVersion: await activeVersion(manager.home), journalPath: manager.journalPath(), signal: context.signal, onProgress: tableProgress('Backing up', context.report) });
  return { file: result.file, bytes: result.bytes, createdAt: result.manifest.createdAt, format: 'fpbackup' };
}

async function dumpDatabase(stack: Stack, database: OpenDatabase, file: string, context: TaskContext): Promise<BackupFile> {
  const name = await stackDatabaseName(stack, database);
  const createdAt = new Date().toISOString();
  const onBytes = (bytes: number) => context.report({ message: `Dumping with the container's pg_dump: ${megabytes(bytes)} written` });
  const written = await writeContainerDump(stack, name, file, { signal: context.signal, onBytes });
  context.report({ message: `Dumped and verified: ${megabytes(written.bytes)}`, fraction: 1 });
  return { ...written, createdAt, format: 'pg_dump' };
}

/** The container stack of the install; `what` (a pg_dump backup or restore) is refused otherwise, with the way that works. */
async function containerStack(manager: Manager, settings: Settings | undefined, what: string): Promise<Stack> {
  const plan = await manager.planDatabase(settings);
  if (plan.kind === 'container') return plan.stack;
  throw new Error(`${what}, but this install's database is ${plan.kind}, not a container. The .fpbackup format works with every database (embedded, container or external): use it instead.`);
}

/** The opened database's name, once sure it is the stack's (an engine started by hand may use another server). */
async function stackDatabaseName(stack: Stack, database: OpenDatabase): Promise<string> {
  const url = new URL(database.databaseUrl);
  const postgres = (await stack.status()).services.find((service) => service.service === 'postgres');
  if (!['127.0.0.1', 'localhost'].includes(url.hostname) || Number(url.port) !== postgres?.hostPort) {
    throw new Error(`The engine's database (${url.host}) is not the ${stack.name} stack's PostgreSQL container (port ${postgres?.hostPort ?? 'none'}): use the .fpbackup format`);
  }
  return url.pathname.slice(1);
}

export async function listBackups(directory: string): Promise<BackupFile[]> {
  const names = await fs.readdir(directory).catch(() => [] as string[]);
  const files = await Promise.all(
    names.flatMap((name) => {
      const format = backupFormats.find((candidate) => name.endsWith(extensions[candidate]));
      if (!format) return [];
      return [fs.stat(path.join(directory, name)).then((stats) => ({ file: path.join(directory, name), bytes: stats.size, createdAt: stats.mtime.toISOString(), format }))];
    }),
  );
  return files.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Keeps the newest `keep` of one format: a pg_dump never pushes out the portable archives. */
async function pruneBackups(directory: string, format: BackupFormat, keep: number): Promise<void> {
  const ofFormat = (await listBackups(directory)).filter((backup) => backup.format === format);
  for (const old of ofFormat.slice(keep)) await fs.rm(old.file, { force: true });
}

/** True when the newest portable backup in the default folder (what the schedule writes) is older than the schedule allows. */
export async function backupIsDue(manager: Manager, now = Date.now()): Promise<boolean> {
  const settings = await manager.settings();
  if (settings.backups.everyHours <= 0) return false;
  const newest = (await listBackups(backupDirectory(manager.home, settings))).find((backup) => backup.format === 'fpbackup');
  return !newest || now - Date.parse(newest.createdAt) >= settings.backups.everyHours * 3_600_000;
}

export interface RestoreResult {
  format: BackupFormat;
  /** Rows per table, read back from the restored database. */
  tables: Record<string, number>;
  /** The archive's manifest (`fpbackup` only). */
  manifest?: BackupManifest;
}

/**
 * Restores a backup of either format (told apart by content, not by name) through `replaceDatabase`:
 * the file is verified whole before anything changes, loaded into a new database, then switched to.
 */
export async function restoreInstall(manager: Manager, file: string, context: TaskContext): Promise<RestoreResult> {
  return (await isCustomFormatDump(file)) ? restoreDump(manager, file, context) : restoreArchive(manager, file, context);
}

/** A .fpbackup: verified with its manifest and checksums, newer schemas refused, free space checked. */
async function restoreArchive(manager: Manager, file: string, context: TaskContext): Promise<RestoreResult> {
  context.report({ message: 'Verifying the archive' });
  const manifest = await verifyBackup(file, { signal: context.signal, onProgress: tableProgress('Verifying', context.report) });
  const journal = await readMigrationJournal(manager.journalPath());
  if (isNewerThanJournal(manifest.schemaVersion, journal) || manifest.schemaVersion.applied > journal.length) {
    throw new Error(`The archive comes from a newer ForPrompt (schema ${manifest.schemaVersion.lastTag}); update ForPrompt, then restore it`);
  }
  await requireFreeSpace(manager.home, manifest.tables.reduce((sum, table) => sum + table.bytes, 0) * 2);
  const tables = await replaceDatabase(manager, context, {
    load: async (target) => {
      if (manifest.schemaVersion.lastTag) {
        context.report({ message: `Preparing a new database at schema ${manifest.schemaVersion.lastTag}` });
        await migrateDatabase(manager, target.databaseUrl, [`--migrate-to=${manifest.schemaVersion.lastTag}`], context);
      }
      return (await restoreBackupInto({ file, databaseUrl: target.databaseUrl, journalPath: manager.journalPath(), signal: context.signal, onProgress: tableProgress('Restoring', context.report) })).tables;
    },
  });
  return { format: 'fpbackup', tables, manifest };
}

/** A pg_dump file: read whole by the container's pg_restore first, then restored by it into the new database. */
async function restoreDump(manager: Manager, file: string, context: TaskContext): Promise<RestoreResult> {
  const stack = await containerStack(manager, undefined, "A pg_dump file is restored by the PostgreSQL container's own pg_restore");
  const { size } = await fs.stat(file);
  const tables = await replaceDatabase(manager, context, {
    check: async (database) => {
      await stackDatabaseName(stack, database);
      context.report({ message: "Verifying the dump with the container's pg_restore" });
      await verifyContainerDump(stack, file, context.signal);
    },
    load: async (target) => {
      const onBytes = (bytes: number) => context.report({ message: `Restoring with the container's pg_restore: ${megabytes(bytes)} read`, fraction: size ? bytes / size : undefined });
      await restoreContainerDump(stack, file, target.name, { signal: context.signal, onBytes });
      return checkRestoredDump(target.databaseUrl, manager.journalPath());
    },
  });
  return { format: 'pg_dump', tables };
}

/** Refuses a dump that is not ForPrompt's or comes from a newer ForPrompt; counts the rows of every table. */
async function checkRestoredDump(databaseUrl: string, journalPath: string): Promise<Record<string, number>> {
  const journal = await readMigrationJournal(journalPath);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Throws for a migration this version does not know (a newer ForPrompt).
    const version = await readSchemaVersion(client, journal);
    if (version.applied === 0) throw new Error('The dump holds no ForPrompt schema (no migrations are recorded in it): it is not a backup of a ForPrompt database');
    if (version.applied > journal.length) throw new Error(`The dump comes from a newer ForPrompt (schema ${version.lastTag}); update ForPrompt, then restore it`);
    const tables: Record<string, number> = {};
    for (const table of await readTables(client)) {
      const { rows } = await client.query<{ count: string }>(`select count(*) from ${qualifiedName(table.name)}`);
      tables[table.name] = Number(rows[0]!.count);
    }
    return tables;
  } finally {
    await client.end();
  }
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
