import path from 'node:path';
import type pg from 'pg';
import { z } from 'zod';
import { defaultEngineEntry } from '../engine-process.js';
import { readJsonFile } from '../files.js';
import { BackupError } from './errors.js';
import type { SchemaVersion } from './manifest.js';

/** The migration journal of the engine whose entry is `entry` (engine/dist/main.js → engine/drizzle). */
export function engineJournalPath(entry: string): string {
  return path.resolve(path.dirname(entry), '..', 'drizzle', 'meta', '_journal.json');
}

/** The journal of the engine shipped with the manager (see defaultEngineEntry). */
export const defaultJournalPath = engineJournalPath(defaultEngineEntry());

const journalSchema = z.object({ entries: z.array(z.object({ tag: z.string().min(1), when: z.number().int() })) });
export type MigrationJournal = z.infer<typeof journalSchema>['entries'];

export async function readMigrationJournal(journalPath = defaultJournalPath): Promise<MigrationJournal> {
  const journal = await readJsonFile(journalPath, journalSchema);
  if (!journal) throw new Error(`${journalPath} is missing: the engine's migration journal is needed to name the schema version`);
  return journal.entries;
}

/**
 * How far a database is migrated, read from drizzle's bookkeeping table: the migrations applied and
 * the tag of the last (its created_at is the journal entry's `when`).
 */
export async function readSchemaVersion(client: pg.ClientBase, journal: MigrationJournal): Promise<SchemaVersion> {
  const table = await client.query<{ exists: boolean }>("select to_regclass('drizzle.__drizzle_migrations') is not null as exists");
  if (!table.rows[0]?.exists) return { applied: 0, lastTag: null };
  const { rows } = await client.query<{ applied: number; last: string | null }>(
    'select count(*)::int as applied, max(created_at)::text as last from drizzle.__drizzle_migrations',
  );
  const applied = rows[0]?.applied ?? 0;
  const last = rows[0]?.last;
  if (!last) return { applied, lastTag: null };
  const entry = journal.find((candidate) => candidate.when === Number(last));
  if (!entry) {
    throw new BackupError(`The database was migrated by a newer ForPrompt (its last migration, created_at ${last}, is not one this version knows): update ForPrompt first`);
  }
  return { applied, lastTag: entry.tag };
}

/** Is `version` newer than anything this journal knows? (An archive from a newer app.) */
export function isNewerThanJournal(version: SchemaVersion, journal: MigrationJournal): boolean {
  return version.lastTag !== null && !journal.some((entry) => entry.tag === version.lastTag);
}
