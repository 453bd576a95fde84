import pg from 'pg';
import { copyDatabase, createEmptyDatabase, createTemplateDatabase, dropDatabase } from '../../../engine/test/helpers/postgres-admin.js';

export interface TestDatabase {
  name: string;
  url: string;
}

/**
 * Databases for one test file on the tests' PostgreSQL server (DATABASE_URL, else the local one):
 * migrated ones are copies of a template the engine migrates once, as the engine's tests do.
 * Call dropAll() in afterAll.
 */
export class TestDatabases {
  private template: Promise<TestDatabase> | undefined;
  private readonly created: string[] = [];

  /** A database migrated to the engine's latest schema (with what migrations pre-fill). */
  async migrated(): Promise<TestDatabase> {
    this.template ??= createTemplateDatabase();
    const database = await copyDatabase((await this.template).name);
    this.created.push(database.name);
    return database;
  }

  /** An empty, unmigrated database. */
  async empty(): Promise<TestDatabase> {
    const database = await createEmptyDatabase();
    this.created.push(database.name);
    return database;
  }

  async dropAll(): Promise<void> {
    for (const name of this.created.splice(0)) await dropDatabase(name);
    if (this.template) await dropDatabase((await this.template).name);
  }
}

/** Runs `work` with a client on `url`, closing it afterwards. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
