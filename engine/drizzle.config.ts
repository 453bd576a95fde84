import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'drizzle-kit';
import { defaultHome } from './src/config.js';

/**
 * Used by the root scripts db:generate, db:push and db:studio. The database is DATABASE_URL, or else
 * the embedded one of FORPROMPT_HOME (start the engine first: `npm start`).
 */
function embeddedDatabaseUrl(): string | undefined {
  const home = process.env.FORPROMPT_HOME ?? defaultHome(process.env);
  try {
    const state = JSON.parse(fs.readFileSync(path.join(home, 'embedded-pg.json'), 'utf8')) as { port: number; password: string };
    return `postgres://forprompt:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/forprompt`;
  } catch {
    return undefined;
  }
}

export default defineConfig({
  dialect: 'postgresql',
  schema: './engine/src/data/postgres/schema/index.ts',
  out: './engine/drizzle',
  dbCredentials: { url: process.env.DATABASE_URL ?? embeddedDatabaseUrl() ?? 'postgres://postgres@127.0.0.1:5432/forprompt' },
  strict: true,
});
