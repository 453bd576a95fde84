import { readArchive } from './archive-reader.js';
import type { BackupManifest } from './manifest.js';
import { ProgressThrottle, type ProgressListener } from './progress.js';

export { readBackupManifest } from './archive-reader.js';

/**
 * Reads the whole archive and checks every table's size, row count and SHA-256 against the manifest.
 * Resolves to the manifest; rejects with a BackupError naming the table and the mismatch.
 */
export function verifyBackup(file: string, options: { signal?: AbortSignal; onProgress?: ProgressListener } = {}): Promise<BackupManifest> {
  return readArchive(file, { progress: new ProgressThrottle(options.onProgress), phase: 'verify', ...(options.signal && { signal: options.signal }) });
}
