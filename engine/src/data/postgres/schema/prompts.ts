import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, real, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import {
  createdAt,
  id,
  jsonObject,
  jsonStringList,
  textArray,
  timestamptz,
  updatedAt,
} from './columns.js';
import { aiProvider, promotionStatus, promptKind } from './enums.js';
import { users } from './identity.js';
import { projects } from './projects.js';

export interface PromptMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface AlignmentScore {
  score: number;
  feedback: string;
}

export interface AlignmentCheck {
  purposeAlignment: AlignmentScore;
  behaviorAlignment: AlignmentScore;
  constraintsAlignment: AlignmentScore;
}

export interface ToolUsageAnalysis {
  overallToolUsage: string;
  tools: { name: string; isProperlyInstructed: boolean; issues: string[]; suggestions: string[] }[];
}

// Which version is served is decided by prompt_labels (e.g. `production`), not by a column here.
export const prompts = pgTable(
  'prompts',
  {
    id: id(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    kind: promptKind('kind').notNull().default('text'),
    tags: textArray('tags'),
    purpose: text('purpose'),
    expectedBehavior: text('expected_behavior'),
    inputFormat: text('input_format'),
    outputFormat: text('output_format'),
    constraints: text('constraints'),
    useCases: text('use_cases'),
    additionalNotes: text('additional_notes'),
    toolsNotes: text('tools_notes'),
    referencePrompt: text('reference_prompt'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('prompts_project_key_key').on(t.projectId, t.key),
    index('prompts_project_updated_at_idx').on(t.projectId, t.updatedAt),
  ],
);
export type Prompt = typeof prompts.$inferSelect;
export type NewPrompt = typeof prompts.$inferInsert;

// Versions are immutable once written: edits create version n+1.
export const promptVersions = pgTable(
  'prompt_versions',
  {
    id: id(),
    promptId: uuid('prompt_id')
      .notNull()
      .references(() => prompts.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    // Text prompts fill `template`, chat prompts fill `messages`.
    template: text('template'),
    messages: jsonb('messages').$type<PromptMessage[]>(),
    // Model parameters (model, temperature, ...), free-form.
    config: jsonObject('config'),
    variables: textArray('variables'),
    commitMessage: text('commit_message'),
    testCount: integer('test_count').notNull().default(0),
    avgTokens: real('avg_tokens'),
    avgLatencyMs: real('avg_latency_ms'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('prompt_versions_prompt_version_key').on(t.promptId, t.version),
    check('prompt_versions_version_positive', sql`${t.version} >= 1`),
    check('prompt_versions_has_body', sql`${t.template} IS NOT NULL OR ${t.messages} IS NOT NULL`),
  ],
);
export type PromptVersion = typeof promptVersions.$inferSelect;
export type NewPromptVersion = typeof promptVersions.$inferInsert;

// A label names one version of a prompt (`production`, `staging`, ...). Whether a label is protected
// is a project setting (project_protected_labels), so it is not repeated per prompt.
// The service must keep version_id within the same prompt.
export const promptLabels = pgTable(
  'prompt_labels',
  {
    id: id(),
    promptId: uuid('prompt_id')
      .notNull()
      .references(() => prompts.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    versionId: uuid('version_id')
      .notNull()
      .references(() => promptVersions.id, { onDelete: 'cascade' }),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('prompt_labels_prompt_label_key').on(t.promptId, t.label),
    index('prompt_labels_version_idx').on(t.versionId),
  ],
);
export type PromptLabel = typeof promptLabels.$inferSelect;
export type NewPromptLabel = typeof promptLabels.$inferInsert;

// Labels only admins may move, per project.
export const projectProtectedLabels = pgTable(
  'project_protected_labels',
  {
    id: id(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('project_protected_labels_project_label_key').on(t.projectId, t.label)],
);
export type ProjectProtectedLabel = typeof projectProtectedLabels.$inferSelect;
export type NewProjectProtectedLabel = typeof projectProtectedLabels.$inferInsert;

// A move of a protected label asked for by someone who may not make it (a member, an API key); an
// admin approves (the label moves then) or rejects it. A newer request for the same label of the same
// prompt supersedes a pending one, so at most one is pending per prompt and label.
export const promotionRequests = pgTable(
  'promotion_requests',
  {
    id: id(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    promptId: uuid('prompt_id')
      .notNull()
      .references(() => prompts.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    // What the label pointed at when the request was made (null: it pointed nowhere).
    fromVersion: integer('from_version'),
    toVersion: integer('to_version').notNull(),
    status: promotionStatus('status').notNull().default('pending'),
    comment: text('comment'),
    requestedBy: uuid('requested_by').references(() => users.id, { onDelete: 'set null' }),
    requestedByApiKeyId: uuid('requested_by_api_key_id'),
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    decidedAt: timestamptz('decided_at'),
    decisionNote: text('decision_note'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('promotion_requests_one_pending_key').on(t.promptId, t.label).where(sql`${t.status} = 'pending'`),
    index('promotion_requests_project_status_idx').on(t.projectId, t.status, t.createdAt),
  ],
);
export type PromotionRequestRow = typeof promotionRequests.$inferSelect;

// One playground run of a version against a model.
export const promptTestResults = pgTable(
  'prompt_test_results',
  {
    id: id(),
    versionId: uuid('version_id')
      .notNull()
      .references(() => promptVersions.id, { onDelete: 'cascade' }),
    // The provider that answered (null: stored before providers were recorded).
    provider: aiProvider('provider'),
    model: text('model').notNull(),
    variables: jsonObject('variables'),
    userMessage: text('user_message').notNull(),
    response: text('response'),
    error: text('error'),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    latencyMs: integer('latency_ms'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('prompt_test_results_version_created_at_idx').on(t.versionId, t.createdAt)],
);
export type PromptTestResult = typeof promptTestResults.$inferSelect;
export type NewPromptTestResult = typeof promptTestResults.$inferInsert;

// The AI's review of a version (see "AI replies" in the product reference).
export const promptAnalysisResults = pgTable(
  'prompt_analysis_results',
  {
    id: id(),
    versionId: uuid('version_id')
      .notNull()
      .references(() => promptVersions.id, { onDelete: 'cascade' }),
    clarityScore: integer('clarity_score').notNull(),
    overallAssessment: text('overall_assessment').notNull(),
    improvements: jsonStringList('improvements'),
    edgeCases: jsonStringList('edge_cases'),
    optimizations: jsonStringList('optimizations'),
    alignmentCheck: jsonb('alignment_check').$type<AlignmentCheck>(),
    toolUsageAnalysis: jsonb('tool_usage_analysis').$type<ToolUsageAnalysis>(),
    model: text('model').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('prompt_analysis_results_version_created_at_idx').on(t.versionId, t.createdAt),
    check('prompt_analysis_results_clarity_score_range', sql`${t.clarityScore} BETWEEN 1 AND 10`),
  ],
);
export type PromptAnalysisResult = typeof promptAnalysisResults.$inferSelect;
export type NewPromptAnalysisResult = typeof promptAnalysisResults.$inferInsert;

// Deploy history: every move of a label (who, when, from which version to which).
export const promptLabelEvents = pgTable(
  'prompt_label_events',
  {
    id: id(),
    promptId: uuid('prompt_id')
      .notNull()
      .references(() => prompts.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    fromVersion: integer('from_version'),
    toVersion: integer('to_version').notNull(),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    actorApiKeyId: uuid('actor_api_key_id'),
    createdAt: createdAt(),
  },
  (t) => [index('prompt_label_events_prompt_idx').on(t.promptId, t.createdAt)],
);
