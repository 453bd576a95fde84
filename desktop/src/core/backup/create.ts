import fs from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_COMPRESSION_LEVEL, writeArchive } from './archive-writer.js';
import { readArchive } from './archive-reader.js';
import type { BackupManifest } from './manifest.js';
import { ProgressThrottle, type ProgressListener } from './progress.js';
import { defaultJournalPath, readMigrationJournal } from './schema-version.js';
import { exportSnapshot } from './snapshot.js';

export interface CreateBackupOptions {
  databaseUrl: string;
  /** The `.fpbackup` to write (replaced if it exists, only once the new one is complete and verified). */
  outFile: string;
  /** The version of the app writing it, recorded in the manifest. */
  appVersion: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** The engine's migration journal, to name the schema version (default: engine/drizzle in the monorepo). */
  journalPath?: string;
  /** gzip level 1–9 (default 3). */
  compressionLevel?: number;
}

export interface BackupResult {
  file: string;
  /** Size of the archive. */
  bytes: number;
  manifest: BackupManifest;
}

/**
 * Backs up every table of the database's `public` schema into a `.fpbackup`: read in one snapshot
 * into spool files beside the output, archived into `<out>.partial`, synced, read back and verified,
 * then renamed into place. Memory stays constant whatever the size of the database. Cancelling or
 * failing removes every file it wrote.
 */
export async function createBackup(options: CreateBackupOptions): Promise<BackupResult> {
  const { signal } = options;
  signal?.throwIfAborted();
  const outFile = path.resolve(options.outFile);
  const partialFile = `${outFile}.partial`;
  const progress = new ProgressThrottle(options.onProgress);
  const journal = await readMigrationJournal(options.journalPath ?? defaultJournalPath);
  await fs.mkdir(path.dirname(outFile), { recursive: true });
  const spoolDir = await fs.mkdtemp(path.join(path.dirname(outFile), `.${path.basename(outFile)}.spool-`));
  try {
    const snapshot = await exportSnapshot({ databaseUrl: options.databaseUrl, appVersion: options.appVersion, journal, spoolDir, progress, ...(signal && { signal }) });
    await writeArchive(partialFile, snapshot, { level: options.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL, progress, ...(signal && { signal }) });
    await syncFile(partialFile);
    // Verified before it takes the final name: a file called <out> is always a good backup.
    await readArchive(partialFile, { progress, phase: 'verify', ...(signal && { signal }) });
    await fs.rename(partialFile, outFile);
    await syncDirectory(path.dirname(outFile));
    const { size } = await fs.stat(outFile);
    return { file: outFile, bytes: size, manifest: snapshot.manifest };
  } catch (error) {
    await fs.rm(partialFile, { force: true });
    signal?.throwIfAborted();
    throw error;
  } finally {
    await fs.rm(spoolDir, { recursive: true, force: true });
  }
}

async function syncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes the rename durable; not every platform can open a directory, and then the rename must do. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync().catch(() => {});
  } finally {
    await handle.close();
  }
}
