import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Logger } from '../../logger.js';
import type { HealthStatus, MigrationReport } from '../provider.js';
import { pgErrorCode } from './database.js';
import { installJobQueueSchema } from './ports/job-queue.js';

/** The committed drizzle-kit output: engine/drizzle (same relative place from src/ and dist/). */
export const migrationsFolder = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/** Any fixed number; all engines agree on it so only one migrates at a time. */
const MIGRATION_LOCK_KEY = 727_270_001;

let migrationFileCache: ReturnType<typeof readMigrationFiles> | undefined;
function migrationFiles() {
  migrationFileCache ??= readMigrationFiles({ migrationsFolder });
  return migrationFileCache;
}

/**
 * Applies pending migrations under a PostgreSQL advisory lock: a second engine starting at the same
 * time waits for the first, then finds nothing left to do.
 */
export async function runMigrations(pool: pg.Pool, logger: Logger): Promise<MigrationReport> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await acquireMigrationLock(client, logger);
    try {
      const before = await appliedCount(client);
      const total = migrationFiles().length;
      if (before < total) logger.info({ pending: total - before }, 'Applying database migrations');
      await migrate(drizzle(client), { migrationsFolder });
      await installJobQueueSchema(client);
      const after = await appliedCount(client);
      return { applied: after - before, total };
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

/** Takes the lock, saying so when another engine holds it (it may be migrating a large change). */
async function acquireMigrationLock(client: pg.PoolClient, logger: Logger): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [MIGRATION_LOCK_KEY]);
    if (rows[0]?.locked) return;
    if (attempt === 0) logger.info('Another engine is migrating this database; waiting for it to finish');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function appliedCount(client: pg.PoolClient | pg.Pool): Promise<number> {
  const table = await client.query<{ exists: boolean }>(
    "select to_regclass('drizzle.__drizzle_migrations') is not null as exists",
  );
  if (!table.rows[0]?.exists) return 0;
  const result = await client.query<{ count: string }>('select count(*) from drizzle.__drizzle_migrations');
  return Number(result.rows[0]?.count ?? 0);
}

/** Database reachable, and every committed migration applied? One cheap round trip. */
export async function migrationHealth(pool: pg.Pool): Promise<HealthStatus> {
  const latest = migrationFiles().at(-1);
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
