import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { StartupError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { HealthStatus, MigrationReport } from '../provider.js';
import { pgErrorCode } from './database.js';
import { installJobQueueSchema } from './ports/job-queue.js';

/** The committed drizzle-kit output: engine/drizzle (same relative place from src/ and dist/). */
export const migrationsFolder = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/** Any fixed number; all engines agree on it so only one migrates at a time. */
const MIGRATION_LOCK_KEY = 727_270_001;

/** A migration failed: names it (`tag`, e.g. `0008_default_model_prices`) and what PostgreSQL said. */
export class MigrationError extends StartupError {
  constructor(
    readonly migration: string,
    override readonly cause: unknown,
  ) {
    super(`Migration ${migration} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'MigrationError';
  }
}

export interface MigrationOptions {
  /** Apply only up to and including this migration (a tag of drizzle/meta/_journal.json). */
  target?: string;
  /** Where the migrations are; tests pass a copy. Default: engine/drizzle. */
  migrationsFolder?: string;
}

/** How far a database is migrated: the number of applied migrations and the tag of the last one. */
export interface SchemaVersion {
  applied: number;
  lastTag: string | null;
}

interface Migration {
  tag: string;
  folderMillis: number;
  hash: string;
  statements: string[];
}

const migrationCache = new Map<string, Migration[]>();

/** drizzle's reading of the folder, each migration named by its tag from the journal. */
function loadMigrations(folder: string): Migration[] {
  const cached = migrationCache.get(folder);
  if (cached) return cached;
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  const tags = new Map(journal.entries.map((entry) => [entry.when, entry.tag]));
  const migrations = readMigrationFiles({ migrationsFolder: folder }).map((file) => ({
    tag: tags.get(file.folderMillis) ?? String(file.folderMillis),
    folderMillis: file.folderMillis,
    hash: file.hash,
    statements: file.sql,
  }));
  migrationCache.set(folder, migrations);
  return migrations;
}

/** The tags of the engine's migrations, oldest first. */
export function listMigrations(folder = migrationsFolder): string[] {
  return loadMigrations(folder).map((migration) => migration.tag);
}

/**
 * Applies pending migrations under a PostgreSQL advisory lock: a second engine starting at the same
 * time waits for the first, then finds nothing left to do. Each migration runs in its own
 * transaction, so a failure names the migration (MigrationError) and keeps the ones before it.
 * With `target`, stops after that migration; a database already past it is refused.
 */
export async function runMigrations(pool: pg.Pool, logger: Logger, options: MigrationOptions = {}): Promise<MigrationReport> {
  const migrations = loadMigrations(options.migrationsFolder ?? migrationsFolder);
  const targetIndex = options.target === undefined ? migrations.length - 1 : indexOfTarget(migrations, options.target);
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await acquireMigrationLock(client, logger);
    try {
      await ensureMigrationsTable(client);
      const last = await lastAppliedMillis(client);
      const target = migrations[targetIndex];
      if (target && last !== null && last > target.folderMillis) {
        throw new StartupError(`The database is already past migration ${target.tag} (its last migration is ${tagOf(migrations, last)}); it cannot be migrated back`);
      }
      // drizzle's rule, kept so older engines and drizzle-kit agree: newer than the last applied one.
      const pending = migrations.slice(0, targetIndex + 1).filter((migration) => last === null || migration.folderMillis > last);
      if (pending.length > 0) logger.info({ pending: pending.length, target: target?.tag }, 'Applying database migrations');
      for (const migration of pending) await applyMigration(client, migration, logger);
      await installJobQueueSchema(client);
      return { applied: pending.length, total: migrations.length };
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } catch (error) {
    failure = error as Error;
    throw error;
  } finally {
    // A connection that failed mid-migration is discarded rather than reused.
    client.release(failure);
  }
}

function indexOfTarget(migrations: Migration[], target: string): number {
  const index = migrations.findIndex((migration) => migration.tag === target);
  if (index === -1) {
    throw new StartupError(`Unknown migration ${target}: this engine has ${migrations.map((migration) => migration.tag).join(', ')}`);
  }
  return index;
}

function tagOf(migrations: Migration[], folderMillis: number): string {
  return migrations.find((migration) => migration.folderMillis === folderMillis)?.tag ?? `one this engine does not know (created_at ${folderMillis})`;
}

async function applyMigration(client: pg.PoolClient, migration: Migration, logger: Logger): Promise<void> {
  const startedAt = performance.now();
  await client.query('begin');
  try {
    for (const statement of migration.statements) await client.query(statement);
    await client.query('insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)', [migration.hash, migration.folderMillis]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw new MigrationError(migration.tag, error);
  }
  logger.info({ migration: migration.tag, ms: Math.round(performance.now() - startedAt) }, 'Applied migration');
}

/** The bookkeeping table drizzle's migrator creates (same shape, so either can migrate a database). */
async function ensureMigrationsTable(client: pg.PoolClient): Promise<void> {
  await client.query('create schema if not exists drizzle');
  await client.query('create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)');
}

async function lastAppliedMillis(client: pg.PoolClient): Promise<number | null> {
  const { rows } = await client.query<{ last: string | null }>('select max(created_at)::text as last from drizzle.__drizzle_migrations');
  return rows[0]?.last ? Number(rows[0].last) : null;
}

/** Takes the lock, saying so when another engine holds it (it may be migrating a large change). */
async function acquireMigrationLock(client: pg.PoolClient, logger: Logger): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [MIGRATION_LOCK_KEY]);
    if (rows[0]?.locked) return;
    if (attempt === 0) logger.info('Another engine is migrating this database; waiting for it to finish');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * How far the database is migrated. A database migrated by a newer engine (its last migration is not
 * one of ours) is refused: this engine cannot name its schema, let alone use it.
 */
export async function readSchemaVersion(db: pg.Pool | pg.PoolClient | pg.Client, folder = migrationsFolder): Promise<SchemaVersion> {
  const table = await db.query<{ exists: boolean }>("select to_regclass('drizzle.__drizzle_migrations') is not null as exists");
  if (!table.rows[0]?.exists) return { applied: 0, lastTag: null };
  const { rows } = await db.query<{ applied: number; last: string | null }>(
    'select count(*)::int as applied, max(created_at)::text as last from drizzle.__drizzle_migrations',
  );
  const applied = rows[0]?.applied ?? 0;
  const last = rows[0]?.last;
  if (!last) return { applied, lastTag: null };
  const migration = loadMigrations(folder).find((candidate) => candidate.folderMillis === Number(last));
  if (!migration) throw new StartupError(`The database was migrated by a newer ForPrompt: its last migration (created_at ${last}) is not one of this engine's`);
  return { applied, lastTag: migration.tag };
}

/** Database reachable, and every committed migration applied? One cheap round trip. */
export async function migrationHealth(pool: pg.Pool): Promise<HealthStatus> {
  const latest = loadMigrations(migrationsFolder).at(-1);
  try {
    const result = await pool.query<{ applied: string | null }>('select max(created_at)::text as applied from drizzle.__drizzle_migrations');
    const applied = result.rows[0]?.applied;
    const upToDate = !latest || (applied !== null && applied !== undefined && Number(applied) >= latest.folderMillis);
    return upToDate
      ? { database: 'up', migrations: 'applied' }
      : { database: 'up', migrations: 'pending', detail: 'database migrations have not been applied' };
  } catch (error) {
    if (pgErrorCode(error) === '42P01' || pgErrorCode(error) === '3F000') {
      return { database: 'up', migrations: 'pending', detail: 'the database has not been migrated yet' };
    }
    return { database: 'down', migrations: 'unknown', detail: error instanceof Error ? error.message : String(error) };
  }
}
