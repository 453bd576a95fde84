import { defineConfig } from 'drizzle-kit';

// Used by the root scripts db:generate, db:push and db:studio.
export default defineConfig({
  dialect: 'postgresql',
  schema: './engine/src/data/postgres/schema/index.ts',
  out: './engine/drizzle',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/forprompt' },
  strict: true,
});
