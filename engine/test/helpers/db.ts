import { inject } from 'vitest';
import { copyDatabase, dropDatabase } from './postgres-admin.js';

/** A fresh, migrated database for one test file: a copy of the run's template. Drop it in afterAll. */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const templateUrl = inject('templateDatabaseUrl');
  const templateName = new URL(templateUrl).pathname.slice(1);
  const database = await copyDatabase(templateName);
  return { ...database, drop: () => dropDatabase(database.name) };
}
