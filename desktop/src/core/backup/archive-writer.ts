import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { MANIFEST_ENTRY, tableEntryName } from './manifest.js';
import type { ProgressThrottle } from './progress.js';
import type { Snapshot } from './snapshot.js';

/**
 * gzip level of `.fpbackup` files: 3 compresses COPY text nearly as well as the default 6 at about
 * twice the speed, and backup time is what a user waits for.
 */
export const DEFAULT_COMPRESSION_LEVEL = 3;

/**
 * Writes the archive: `manifest.json` first (so reading the manifest, and restoring, need one pass),
 * then each table's spool file, deleted as soon as it is in. Streams throughout.
 */
export async function writeArchive(
  file: string,
  snapshot: Snapshot,
  options: { level: number; progress: ProgressThrottle; signal?: AbortSignal },
): Promise<void> {
  const { manifest, spoolFiles } = snapshot;
  const pack = tar.pack();
  const mtime = new Date(manifest.createdAt);
  const addEntries = async (): Promise<void> => {
    await addEntry(pack, { name: MANIFEST_ENTRY, mtime }, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
    for (const [index, table] of manifest.tables.entries()) {
      const spoolFile = spoolFiles[index]!;
      await addFile(pack, { name: tableEntryName(table.name), size: table.bytes, mtime }, spoolFile);
      await fs.promises.rm(spoolFile);
      options.progress.report(
        { phase: 'write', table: table.name, rows: table.rows, bytes: table.bytes, tablesDone: index + 1, tablesTotal: manifest.tables.length },
        true,
      );
    }
    pack.finalize();
  };
  const write = pipeline(Readable.from(pack), zlib.createGzip({ level: options.level }), fs.createWriteStream(file), {
    ...(options.signal && { signal: options.signal }),
  });
  // Whichever side fails first fails the whole: a full disk stops the entries, a bad spool the file.
  await Promise.all([
    addEntries().catch((error: unknown) => {
      pack.destroy(error as Error);
      throw error;
    }),
    write,
  ]);
}

type EntryHeader = Parameters<tar.Pack['entry']>[0];

function addEntry(pack: tar.Pack, header: EntryHeader, content: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry(header, content, (error) => (error ? reject(error) : resolve()));
  });
}

function addFile(pack: tar.Pack, header: EntryHeader, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const entry = pack.entry(header, (error) => (error ? reject(error) : resolve()));
    const source = fs.createReadStream(file);
    source.once('error', (error) => {
      entry.destroy(error);
      reject(error);
    });
    // A destroyed pack (failed or cancelled write) closes the entry: let go of the spool file too.
    entry.once('close', () => source.destroy());
    source.pipe(entry);
  });
}
