import { z } from 'zod';
import { BackupError } from './errors.js';

/** The archive layout this version writes and reads; an archive with a higher number is refused. */
export const BACKUP_FORMAT_VERSION = 1;
export const MANIFEST_ENTRY = 'manifest.json';
export const tableEntryName = (table: string): string => `tables/${table}.copy`;

// Table and column names end up in SQL (quoted) and in entry paths: plain identifiers only.
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, 'not a plain SQL identifier');

export const manifestTableSchema = z.object({
  name: identifier,
  columns: z.array(identifier).min(1),
  /** Rows in the table's COPY text (one line each). */
  rows: z.number().int().nonnegative(),
  /** Size of the uncompressed COPY text. */
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ManifestTable = z.infer<typeof manifestTableSchema>;

export const schemaVersionSchema = z.object({
  /** Migrations applied to the backed-up database. */
  applied: z.number().int().nonnegative(),
  /** Tag of the last one (engine/drizzle/meta/_journal.json); null when none was applied. */
  lastTag: z.string().min(1).nullable(),
});
export type SchemaVersion = z.infer<typeof schemaVersionSchema>;

/** `manifest.json`, the first entry of a `.fpbackup`; tables are listed in the order they are stored. */
export const backupManifestSchema = z.object({
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  appVersion: z.string().min(1),
  schemaVersion: schemaVersionSchema,
  createdAt: z.iso.datetime({ offset: true }),
  postgres: z.object({ version: z.string().min(1), versionNum: z.number().int().positive() }),
  tables: z.array(manifestTableSchema).refine((tables) => new Set(tables.map((table) => table.name)).size === tables.length, 'table names repeat'),
});
export type BackupManifest = z.infer<typeof backupManifestSchema>;

/** Validates a manifest read from `source`, saying plainly when it comes from a newer format. */
export function parseManifest(json: unknown, source: string): BackupManifest {
  const version = z.object({ formatVersion: z.number().int() }).safeParse(json);
  if (!version.success) throw new BackupError(`${source} is not a ForPrompt backup: its manifest has no format version`);
  if (version.data.formatVersion > BACKUP_FORMAT_VERSION) {
    throw new BackupError(
      `${source} was written in backup format ${version.data.formatVersion}, newer than this ForPrompt reads (${BACKUP_FORMAT_VERSION}): update ForPrompt to restore it`,
    );
  }
  const manifest = backupManifestSchema.safeParse(json);
  if (!manifest.success) {
    const fields = manifest.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new BackupError(`${source} has an invalid manifest (${fields.join('; ')})`);
  }
  return manifest.data;
}
