import { index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, timestamptz, updatedAt } from './columns.js';
import { organizations, users } from './identity.js';

export const projects = pgTable(
  'projects',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    description: text('description'),
    // Traces older than this are deleted; null keeps them forever.
    retentionDays: integer('retention_days'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  // Also serves "projects of an organization".
  (t) => [uniqueIndex('projects_org_slug_key').on(t.organizationId, t.slug)],
);
export type Project = typeof projects.$inferSelect;
export type NewProject = typeof projects.$inferInsert;

// Project-scoped keys (`fp_proj_...`). Only the SHA-256 hex of the key is stored.
export const projectApiKeys = pgTable(
  'project_api_keys',
  {
    id: id(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    keyPrefix: text('key_prefix').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamptz('expires_at'),
    lastUsedAt: timestamptz('last_used_at'),
    revokedAt: timestamptz('revoked_at'),
    /** Set when a replacement was issued; the key then only lives out its grace period. */
    rotatedAt: timestamptz('rotated_at'),
    createdAt: createdAt(),
  },
  (t) => [index('project_api_keys_project_idx').on(t.projectId)],
);
export type ProjectApiKey = typeof projectApiKeys.$inferSelect;
export type NewProjectApiKey = typeof projectApiKeys.$inferInsert;
