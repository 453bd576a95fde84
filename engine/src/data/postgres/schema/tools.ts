import { boolean, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, jsonObject, updatedAt } from './columns.js';
import { organizations, users } from './identity.js';
import { prompts } from './prompts.js';

// The organization's tool library; prompts link tools from it.
export const organizationTools = pgTable(
  'organization_tools',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    // A JSON Schema object describing the tool's arguments.
    parameters: jsonObject('parameters'),
    category: text('category'),
    exampleUsage: text('example_usage'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('organization_tools_org_name_key').on(t.organizationId, t.name)],
);
export type OrganizationTool = typeof organizationTools.$inferSelect;
export type NewOrganizationTool = typeof organizationTools.$inferInsert;

export const promptTools = pgTable(
  'prompt_tools',
  {
    id: id(),
    promptId: uuid('prompt_id')
      .notNull()
      .references(() => prompts.id, { onDelete: 'cascade' }),
    toolId: uuid('tool_id')
      .notNull()
      .references(() => organizationTools.id, { onDelete: 'cascade' }),
    isRequired: boolean('is_required').notNull().default(false),
    usageNotes: text('usage_notes'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('prompt_tools_prompt_tool_key').on(t.promptId, t.toolId),
    index('prompt_tools_tool_idx').on(t.toolId),
  ],
);
export type PromptTool = typeof promptTools.$inferSelect;
export type NewPromptTool = typeof promptTools.$inferInsert;
