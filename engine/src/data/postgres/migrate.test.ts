import pg from 'pg';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, dropDatabase } from '../../../test/helpers/postgres-admin.js';
import { migrationHealth, runMigrations } from './migrate.js';

const logger = pino({ level: 'silent' });

describe('runMigrations', () => {
  const databases: string[] = [];
  afterAll(async () => {
    for (const name of databases) await dropDatabase(name);
  });

  it('applies every migration exactly once when two engines migrate a fresh database at once', async () => {
    const database = await createEmptyDatabase();
    databases.push(database.name);
    const pools = [new pg.Pool({ connectionString: database.url }), new pg.Pool({ connectionString: database.url })];
    try {
      expect(await migrationHealth(pools[0]!)).toMatchObject({ database: 'up', migrations: 'pending' });
      const reports = await Promise.all(pools.map((pool) => runMigrations(pool, logger)));
      const total = reports[0]!.total;
      expect(total).toBeGreaterThan(0);
      expect(reports.map((report) => report.applied).sort()).toEqual([0, total]);
      const { rows } = await pools[0]!.query<{ count: string }>('select count(*) from drizzle.__drizzle_migrations');
      expect(Number(rows[0]!.count)).toBe(total);
      expect(await migrationHealth(pools[1]!)).toEqual({ database: 'up', migrations: 'applied' });
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('installs the job queue schema with the migrations, so the engine needs no DDL rights later', async () => {
    const database = await createEmptyDatabase();
    databases.push(database.name);
    const pool = new pg.Pool({ connectionString: database.url });
    try {
      await runMigrations(pool, logger);
      const { rows } = await pool.query<{ exists: boolean }>("select to_regclass('pgboss.job') is not null as exists");
      expect(rows[0]!.exists).toBe(true);
    } finally {
      await pool.end();
    }
  });
});
