// The complete Drizzle schema. drizzle-kit reads this file (engine/drizzle.config.ts); generate a
// migration with `npm run db:generate -- --name <change>` after every edit (test/schema-drift.test.ts
// fails otherwise).
export * from './enums.js';
export * from './identity.js';
export * from './projects.js';
export * from './prompts.js';
export * from './prompt-tests.js';
export * from './tools.js';
export * from './observability.js';
export * from './webhooks.js';
export * from './system.js';
export type { JsonObject } from './columns.js';
