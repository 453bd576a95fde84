import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { CopyDigest, discard } from './copy-stream.js';
import { BackupError } from './errors.js';
import { MANIFEST_ENTRY, parseManifest, tableEntryName, type BackupManifest, type ManifestTable } from './manifest.js';
import type { BackupProgress, ProgressThrottle } from './progress.js';

const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export interface ReadArchiveOptions {
  signal?: AbortSignal;
  progress?: ProgressThrottle;
  phase?: BackupProgress['phase'];
  /** Called with the manifest before the first table is read. */
  onManifest?: (manifest: BackupManifest) => Promise<void> | void;
  /** Where a table's COPY text goes (default: nowhere; it is only checked). */
  tableSink?: (table: ManifestTable) => Writable;
}

/**
 * Streams an archive once: the manifest, then every table in manifest order, each checked for size,
 * row count and SHA-256 as it passes. Errors name the table and what did not match; a truncated or
 * corrupt file is a BackupError, not a zlib or tar crash.
 */
export async function readArchive(file: string, options: ReadArchiveOptions = {}): Promise<BackupManifest> {
  const archive = openArchive(file, options.signal);
  try {
    const manifest = await readManifestEntry(archive, file);
    await options.onManifest?.(manifest);
    for (const [index, table] of manifest.tables.entries()) {
      const entry = await archive.next();
      if (!entry) throw new BackupError(`${file} is missing the table ${table.name}`, { table: table.name });
      if (entry.header.name !== tableEntryName(table.name)) {
        throw new BackupError(`${file} is missing the table ${table.name} (found ${entry.header.name} in its place)`, { table: table.name });
      }
      if (entry.header.size !== table.bytes) {
        throw new BackupError(`Table ${table.name} in ${file} has ${entry.header.size} bytes; the manifest says ${table.bytes}`, { table: table.name });
      }
      const report = (digest: CopyDigest, done: boolean): void =>
        options.progress?.report(
          { phase: options.phase ?? 'verify', table: table.name, rows: digest.rows, bytes: digest.bytes, tablesDone: index + (done ? 1 : 0), tablesTotal: manifest.tables.length },
          done,
        );
      const digest = new CopyDigest((current) => report(current, false));
      const sink = options.tableSink?.(table) ?? discard();
      await pipeline(archive.chunks(entry), digest, sink).catch((error: unknown) => {
        if (error instanceof BackupError || options.signal?.aborted) throw error;
        // The sink failed (a restore's COPY): say which table.
        throw new BackupError(`Table ${table.name} could not be written: ${(error as Error).message}`, { table: table.name, cause: error });
      });
      checkDigest(file, table, digest);
      report(digest, true);
    }
    const extra = await archive.next();
    if (extra) throw new BackupError(`${file} holds ${extra.header.name}, which its manifest does not list`);
    return manifest;
  } finally {
    archive.close();
  }
}

/** The manifest alone: reads only the archive's first entry. */
export async function readBackupManifest(file: string): Promise<BackupManifest> {
  const archive = openArchive(file);
  try {
    return await readManifestEntry(archive, file);
  } finally {
    archive.close();
  }
}

function checkDigest(file: string, table: ManifestTable, digest: CopyDigest): void {
  const mismatch =
    digest.bytes !== table.bytes
      ? `${digest.bytes} bytes where the manifest says ${table.bytes}`
      : digest.rows !== table.rows
        ? `${digest.rows} rows where the manifest says ${table.rows}`
        : digest.sha256 !== table.sha256
          ? `SHA-256 ${digest.sha256} where the manifest says ${table.sha256}`
          : null;
  if (mismatch) throw new BackupError(`Table ${table.name} in ${file} does not match its manifest: ${mismatch}`, { table: table.name });
}

async function readManifestEntry(archive: Archive, file: string): Promise<BackupManifest> {
  const entry = await archive.next();
  if (!entry || entry.header.name !== MANIFEST_ENTRY) throw new BackupError(`${file} is not a ForPrompt backup: it does not start with ${MANIFEST_ENTRY}`);
  if ((entry.header.size ?? 0) > MAX_MANIFEST_BYTES) throw new BackupError(`${file} has an implausibly large manifest (${entry.header.size} bytes)`);
  const parts: Buffer[] = [];
  for await (const chunk of archive.chunks(entry)) parts.push(chunk);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch (error) {
    throw new BackupError(`${file} has a manifest that is not JSON`, { cause: error });
  }
  return parseManifest(json, file);
}

type Entry = tar.Extract extends AsyncIterable<infer Item> ? Item : never;

interface Archive {
  /** The next entry, or null at the end of the archive. */
  next(): Promise<Entry | null>;
  /** An entry's content; read errors become BackupErrors. */
  chunks(entry: Entry): AsyncGenerator<Buffer>;
  close(): void;
}

function openArchive(file: string, signal?: AbortSignal): Archive {
  const source = fs.createReadStream(file);
  const gunzip = zlib.createGunzip();
  const extract = tar.extract();
  source.once('error', (error) => extract.destroy(error));
  gunzip.once('error', (error) => extract.destroy(error));
  source.pipe(gunzip).pipe(extract);
  const onAbort = (): void => void extract.destroy(signal?.reason as Error);
  signal?.addEventListener('abort', onAbort, { once: true });
  const entries = extract[Symbol.asyncIterator]();
  const readError = (error: unknown): unknown => {
    if (signal?.aborted) return signal.reason;
    if (error instanceof BackupError || (error as NodeJS.ErrnoException).syscall) return error; // ENOENT, EACCES …
    return new BackupError(`${file} is truncated or corrupt (${(error as Error).message})`, { cause: error });
  };
  return {
    async next() {
      try {
        const result = await entries.next();
        return result.done ? null : result.value;
      } catch (error) {
        throw readError(error);
      }
    },
    async *chunks(entry) {
      try {
        for await (const chunk of entry) yield chunk as Buffer;
      } catch (error) {
        throw readError(error);
      }
    },
    close() {
      signal?.removeEventListener('abort', onAbort);
      source.destroy();
      gunzip.destroy();
      extract.destroy();
    },
  };
}
