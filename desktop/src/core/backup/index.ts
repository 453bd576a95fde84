export { createBackup, type BackupResult, type CreateBackupOptions } from './create.js';
export { readBackupManifest, verifyBackup } from './verify.js';
export { restoreBackupInto, type RestoreOptions, type RestoreResult } from './restore.js';
export { BackupError } from './errors.js';
export {
  BACKUP_FORMAT_VERSION,
  backupManifestSchema,
  manifestTableSchema,
  schemaVersionSchema,
  type BackupManifest,
  type ManifestTable,
  type SchemaVersion,
} from './manifest.js';
export type { BackupProgress, ProgressListener } from './progress.js';
export { defaultJournalPath, isNewerThanJournal, readMigrationJournal, readSchemaVersion, type MigrationJournal } from './schema-version.js';
