import type { TestProject } from 'vitest/node';
import { createTemplateDatabase, dropDatabase, dropLeftoverDatabases } from './helpers/postgres-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabaseUrl: string;
  }
}

/** Migrates one template database for the whole run; each test file copies it (helpers/db.ts). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await dropLeftoverDatabases();
  const template = await createTemplateDatabase();
  project.provide('templateDatabaseUrl', template.url);
  return () => dropDatabase(template.name);
}
