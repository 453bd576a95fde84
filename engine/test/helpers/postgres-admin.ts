import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { runMigrations } from '../../src/data/postgres/migrate.js';

/**
 * The PostgreSQL server the tests use: DATABASE_URL when set, else the machine's local server.
 * Test databases are named `fp_test_<pid>_<random>` so leftovers of crashed runs can be recognised.
 */
export const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export function uniqueDatabaseName(kind: 'tpl' | 'db'): string {
  return `fp_test_${kind}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function createTemplateDatabase(): Promise<{ name: string; url: string }> {
  const name = uniqueDatabaseName('tpl');
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = databaseUrl(name);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await runMigrations(pool, pino({ level: 'silent' }));
  } finally {
    await pool.end();
  }
  return { name, url };
}

/** An empty, unmigrated database, as a user's fresh install has. */
export async function createEmptyDatabase(): Promise<{ name: string; url: string }> {
  const name = uniqueDatabaseName('db');
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  return { name, url: databaseUrl(name) };
}

export async function copyDatabase(templateName: string): Promise<{ name: string; url: string }> {
  const name = uniqueDatabaseName('db');
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`));
  return { name, url: databaseUrl(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Drops test databases whose creating process has died (a crashed or killed earlier run). */
export async function dropLeftoverDatabases(): Promise<void> {
  const result = await withAdmin((client) =>
    client.query<{ datname: string }>("select datname from pg_database where datname like 'fp\\_test\\_%'"),
  );
  for (const { datname } of result.rows) {
    const pid = Number(/^fp_test_(?:tpl|db)_(\d+)_/.exec(datname)?.[1]);
    if (pid && !isAlive(pid)) await dropDatabase(datname).catch(() => {});
  }
}
