import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { readArchive } from './archive-reader.js';
import { copyInSql, qualifiedName, quoteIdentifier, readTables, type TableInfo } from './catalog.js';
import { discard, exportTable, openSession } from './copy-stream.js';
import { BackupError } from './errors.js';
import type { BackupManifest } from './manifest.js';
import { ProgressThrottle, type ProgressListener } from './progress.js';
import { defaultJournalPath, isNewerThanJournal, readMigrationJournal, readSchemaVersion, type MigrationJournal } from './schema-version.js';

export interface RestoreOptions {
  /** The `.fpbackup` to restore. */
  file: string;
  /** A new database, already migrated to the archive's schema version (manifest.schemaVersion.lastTag). */
  databaseUrl: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  journalPath?: string;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Rows per table (archive order), as read back from the restored database. */
  tables: Record<string, number>;
}

/**
 * Loads an archive into a freshly migrated database in one transaction: the archive's tables are
 * emptied first (migrations pre-fill some, e.g. the default model prices), then filled with COPY in
 * archive order (parents first) while every table's checksum is checked, and their sequences moved
 * past the restored keys. A bad archive or a failure rolls everything back. After the commit, each
 * table is read back as a backup would read it and must match the manifest.
 */
export async function restoreBackupInto(options: RestoreOptions): Promise<RestoreResult> {
  const { signal } = options;
  const journal = await readMigrationJournal(options.journalPath ?? defaultJournalPath);
  const progress = new ProgressThrottle(options.onProgress);
  const session = await openSession(options.databaseUrl, 'forprompt-restore', signal);
  const { client } = session;
  try {
    let targetTables = new Map<string, TableInfo>();
    const manifest = await readArchive(options.file, {
      progress,
      phase: 'restore',
      ...(signal && { signal }),
      onManifest: async (manifest) => {
        targetTables = await checkTarget(client, manifest, journal);
        await client.query('begin');
        // One statement for all tables: foreign keys between them are no obstacle then, and a table
        // outside the backup that references one of them makes it fail rather than lose rows.
        if (manifest.tables.length > 0) {
          await client.query(`truncate ${manifest.tables.map((table) => qualifiedName(table.name)).join(', ')} restart identity`);
        }
      },
      tableSink: (table) => client.query(copyFrom(copyInSql(table.name, table.columns))),
    });
    for (const table of manifest.tables) await resetSequences(client, targetTables.get(table.name)!);
    await client.query('commit');
    return { manifest, tables: await checkRestored(client, manifest, targetTables, progress, signal) };
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  } finally {
    // Closing an uncommitted transaction's connection rolls it back.
    await session.close();
  }
}

/** The target must be at the archive's schema version and hold every table and column it has. */
async function checkTarget(client: pg.ClientBase, manifest: BackupManifest, journal: MigrationJournal): Promise<Map<string, TableInfo>> {
  const wanted = manifest.schemaVersion;
  if (isNewerThanJournal(wanted, journal)) {
    throw new BackupError(`The backup comes from a newer ForPrompt (schema ${wanted.lastTag}): update ForPrompt to restore it`);
  }
  const target = await readSchemaVersion(client, journal);
  if (target.lastTag !== wanted.lastTag) {
    throw new BackupError(
      `The database to restore into is at schema ${target.lastTag ?? '(none)'} but the backup at ${wanted.lastTag ?? '(none)'}: migrate it to ${wanted.lastTag ?? '(none)'} first`,
    );
  }
  const tables = new Map((await readTables(client)).map((table) => [table.name, table]));
  for (const table of manifest.tables) {
    const existing = tables.get(table.name);
    if (!existing) throw new BackupError(`The database to restore into has no table ${table.name}`, { table: table.name });
    const missing = table.columns.filter((column) => !existing.columns.includes(column));
    if (missing.length > 0) {
      throw new BackupError(`The database to restore into lacks column(s) ${missing.join(', ')} of table ${table.name}`, { table: table.name });
    }
  }
  return tables;
}

/** Serial and identity sequences continue after the highest restored value. */
async function resetSequences(client: pg.ClientBase, table: TableInfo): Promise<void> {
  for (const { column, sequence } of table.sequences) {
    await client.query(`select setval($1, max_value) from (select max(${quoteIdentifier(column)}) as max_value from ${qualifiedName(table.name)}) as t where max_value is not null`, [
      sequence,
    ]);
  }
}

/** Reads every restored table back exactly as a backup does; rows and SHA-256 must match the manifest. */
async function checkRestored(
  client: pg.ClientBase,
  manifest: BackupManifest,
  targetTables: Map<string, TableInfo>,
  progress: ProgressThrottle,
  signal?: AbortSignal,
): Promise<Record<string, number>> {
  await client.query('begin isolation level repeatable read read only');
  const counts: Record<string, number> = {};
  for (const [index, table] of manifest.tables.entries()) {
    const digest = await exportTable(client, targetTables.get(table.name)!, discard(), { columns: table.columns, ...(signal && { signal }) });
    if (digest.rows !== table.rows || digest.sha256 !== table.sha256) {
      throw new BackupError(
        `Table ${table.name} does not read back as backed up: ${digest.rows} rows (SHA-256 ${digest.sha256}) where the backup has ${table.rows} (${table.sha256})`,
        { table: table.name },
      );
    }
    counts[table.name] = digest.rows;
    progress.report({ phase: 'check', table: table.name, rows: digest.rows, bytes: digest.bytes, tablesDone: index + 1, tablesTotal: manifest.tables.length }, true);
  }
  await client.query('commit');
  return counts;
}
