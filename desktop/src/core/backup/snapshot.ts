import fs from 'node:fs';
import path from 'node:path';
import { dependencyOrder, readTables } from './catalog.js';
import { exportTable, openSession } from './copy-stream.js';
import { BACKUP_FORMAT_VERSION, type BackupManifest, type ManifestTable } from './manifest.js';
import type { ProgressThrottle } from './progress.js';
import { readSchemaVersion, type MigrationJournal } from './schema-version.js';

export interface Snapshot {
  manifest: BackupManifest;
  /** Each table's COPY text, in manifest order. */
  spoolFiles: string[];
}

interface SnapshotOptions {
  databaseUrl: string;
  appVersion: string;
  journal: MigrationJournal;
  spoolDir: string;
  progress: ProgressThrottle;
  signal?: AbortSignal;
}

/**
 * Reads every table of `public` inside one REPEATABLE READ snapshot (consistent while ingestion
 * goes on) into spool files, parents before children. The transaction ends before compression
 * starts, so the snapshot is held no longer than reading takes.
 */
export async function exportSnapshot(options: SnapshotOptions): Promise<Snapshot> {
  const { progress, signal } = options;
  const session = await openSession(options.databaseUrl, 'forprompt-backup', signal);
  const { client } = session;
  try {
    await client.query('begin isolation level repeatable read read only');
    // The first statement takes the snapshot; everything below reads as of this moment.
    const { rows } = await client.query<{ now: Date; version: string; version_num: string }>(
      "select now() as now, current_setting('server_version') as version, current_setting('server_version_num') as version_num",
    );
    const server = rows[0]!;
    const tables = dependencyOrder(await readTables(client));
    const schemaVersion = await readSchemaVersion(client, options.journal);
    const manifestTables: ManifestTable[] = [];
    const spoolFiles: string[] = [];
    for (const [index, table] of tables.entries()) {
      const spoolFile = path.join(options.spoolDir, `${String(index).padStart(3, '0')}-${table.name}.copy`);
      const report = (rows: number, bytes: number, done: boolean): void =>
        progress.report({ phase: 'export', table: table.name, rows, bytes, tablesDone: index + (done ? 1 : 0), tablesTotal: tables.length }, done);
      const digest = await exportTable(client, table, fs.createWriteStream(spoolFile), {
        ...(signal && { signal }),
        onChunk: (current) => report(current.rows, current.bytes, false),
      });
      report(digest.rows, digest.bytes, true);
      manifestTables.push({ name: table.name, columns: table.columns, rows: digest.rows, bytes: digest.bytes, sha256: digest.sha256 });
      spoolFiles.push(spoolFile);
    }
    await client.query('commit');
    const manifest: BackupManifest = {
      formatVersion: BACKUP_FORMAT_VERSION,
      appVersion: options.appVersion,
      schemaVersion,
      createdAt: server.now.toISOString(),
      postgres: { version: server.version, versionNum: Number(server.version_num) },
      tables: manifestTables,
    };
    return { manifest, spoolFiles };
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  } finally {
    await session.close();
  }
}
