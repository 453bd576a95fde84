import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, dropDatabase } from '../../../test/helpers/postgres-admin.js';
import { migrationHealth, migrationsFolder, runMigrations } from './migrate.js';

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

  it('moves a database migrated with the UNIQUE NULLS NOT DISTINCT price constraint onto the partial indexes PostgreSQL 14 has', async () => {
    const database = await createEmptyDatabase();
    databases.push(database.name);
    const pool = new pg.Pool({ connectionString: database.url });
    try {
      await runMigrations(pool, logger);
      // The state an engine before 0009 left (PostgreSQL 15+): the constraint, and 0009 not applied.
      await pool.query('drop index model_prices_default_pattern_key; drop index model_prices_org_pattern_key');
      await pool.query('alter table model_prices add constraint model_prices_org_pattern_key unique nulls not distinct (organization_id, model_pattern)');
      await pool.query('delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations)');
      expect((await runMigrations(pool, logger)).applied).toBe(1);
      const { rows } = await pool.query<{ name: string }>("select indexname as name from pg_indexes where tablename = 'model_prices' order by 1");
      expect(rows.map((row) => row.name)).toEqual(['model_prices_default_pattern_key', 'model_prices_org_pattern_key', 'model_prices_pkey']);
      expect((await pool.query("select 1 from pg_constraint where conname = 'model_prices_org_pattern_key'")).rowCount).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('uses no syntax newer than PostgreSQL 14 (the oldest server we support)', () => {
    const newer = [/NULLS\s+NOT\s+DISTINCT/i, /^\s*MERGE\s+INTO/im, /\bJSON_TABLE\s*\(/i, /\bJSON_EXISTS\s*\(/i, /\bsecurity_invoker\b/i];
    for (const file of fs.readdirSync(migrationsFolder).filter((name) => name.endsWith('.sql'))) {
      // 0009 repairs what an earlier 0006 created, and names it only in a comment.
      const sql = fs.readFileSync(path.join(migrationsFolder, file), 'utf8').replace(/^--.*$/gm, '');
      for (const pattern of newer) expect(sql, `${file} uses ${pattern}`).not.toMatch(pattern);
    }
  });
});
