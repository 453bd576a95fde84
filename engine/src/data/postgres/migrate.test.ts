import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, dropDatabase } from '../../../test/helpers/postgres-admin.js';
import { listMigrations, MigrationError, migrationHealth, migrationsFolder, readSchemaVersion, runMigrations } from './migrate.js';

const logger = pino({ level: 'silent' });

describe('runMigrations', () => {
  const databases: string[] = [];
  const folders: string[] = [];
  afterAll(async () => {
    for (const name of databases) await dropDatabase(name);
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  });

  async function emptyDatabasePool(): Promise<pg.Pool> {
    const database = await createEmptyDatabase();
    databases.push(database.name);
    return new pg.Pool({ connectionString: database.url, max: 1 });
  }

  /** A copy of the committed migrations with one more, broken, migration after the last. */
  function migrationsWithBrokenLast(): { folder: string; tag: string } {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-migrations-'));
    folders.push(folder);
    fs.cpSync(migrationsFolder, folder, { recursive: true });
    const journalFile = path.join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as { entries: { idx: number; when: number; tag: string }[] };
    const last = journal.entries.at(-1)!;
    const tag = `${String(last.idx + 1).padStart(4, '0')}_broken`;
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1_000, tag });
    fs.writeFileSync(journalFile, JSON.stringify(journal));
    fs.writeFileSync(path.join(folder, `${tag}.sql`), 'CREATE TABLE broken_half (id int);\n--> statement-breakpoint\nSELECT * FROM no_such_table;\n');
    return { folder, tag };
  }

  it('names the migration that fails, keeps the ones before it and rolls the failing one back', async () => {
    const { folder, tag } = migrationsWithBrokenLast();
    const pool = await emptyDatabasePool();
    try {
      const failure = await runMigrations(pool, logger, { migrationsFolder: folder }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MigrationError);
      expect((failure as MigrationError).migration).toBe(tag);
      expect((failure as MigrationError).message).toBe(`Migration ${tag} failed: relation "no_such_table" does not exist`);
      const committed = listMigrations();
      expect(await readSchemaVersion(pool)).toEqual({ applied: committed.length, lastTag: committed.at(-1) });
      expect((await pool.query("select to_regclass('broken_half') as name")).rows[0].name).toBeNull();
    } finally {
      await pool.end();
    }
  });

  it('stops at a target migration, and refuses an unknown target or one the database is already past', async () => {
    const tags = listMigrations();
    expect(tags[0]).toBe('0000_initial');
    const pool = await emptyDatabasePool();
    try {
      expect(await readSchemaVersion(pool)).toEqual({ applied: 0, lastTag: null });
      expect(await runMigrations(pool, logger, { target: tags[3] })).toEqual({ applied: 4, total: tags.length });
      expect(await readSchemaVersion(pool)).toEqual({ applied: 4, lastTag: tags[3] });
      expect((await runMigrations(pool, logger, { target: tags[3] })).applied).toBe(0);
      await expect(runMigrations(pool, logger, { target: tags[1] })).rejects.toThrow(`The database is already past migration ${tags[1]} (its last migration is ${tags[3]})`);
      await expect(runMigrations(pool, logger, { target: '0042_nothing' })).rejects.toThrow('Unknown migration 0042_nothing');
      expect((await runMigrations(pool, logger)).applied).toBe(tags.length - 4);
      expect(await readSchemaVersion(pool)).toEqual({ applied: tags.length, lastTag: tags.at(-1) });
    } finally {
      await pool.end();
    }
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
      const tags = listMigrations();
      await runMigrations(pool, logger, { target: '0008_default_model_prices' });
      // The state an engine before 0009 left (PostgreSQL 15+): the constraint, and 0009 not applied.
      await pool.query('drop index model_prices_default_pattern_key; drop index model_prices_org_pattern_key');
      await pool.query('alter table model_prices add constraint model_prices_org_pattern_key unique nulls not distinct (organization_id, model_pattern)');
      expect((await runMigrations(pool, logger)).applied).toBe(tags.length - tags.indexOf('0008_default_model_prices') - 1);
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
