import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, textArray, timestamptz, updatedAt } from './columns.js';
import { aiProvider } from './enums.js';
import { users } from './identity.js';
import { prompts, promptVersions } from './prompts.js';
import type { CriterionVerdict } from '../../prompt-tests.js';

// Test suites (issue 9, "Test generation"): cases generated from a prompt, edited by people, run
// against a version and model with an LLM judge scoring each criterion.
export const promptTestSuites = pgTable(
  'prompt_test_suites',
  {
    id: id(),
    promptId: uuid('prompt_id')
      .notNull()
      .references(() => prompts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    // The version the cases were generated from (null: written by hand).
    generatedFromVersion: integer('generated_from_version'),
    model: text('model'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('prompt_test_suites_prompt_created_at_idx').on(t.promptId, t.createdAt)],
);
export type PromptTestSuiteRow = typeof promptTestSuites.$inferSelect;

export const promptTestCases = pgTable(
  'prompt_test_cases',
  {
    id: id(),
    suiteId: uuid('suite_id')
      .notNull()
      .references(() => promptTestSuites.id, { onDelete: 'cascade' }),
    // Keeps the cases in the order they were generated or added.
    position: integer('position').notNull().default(0),
    input: text('input').notNull(),
    variables: jsonb('variables').$type<Record<string, string>>().notNull().default({}),
    criteria: textArray('criteria'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('prompt_test_cases_suite_created_at_idx').on(t.suiteId, t.createdAt)],
);
export type PromptTestCaseRow = typeof promptTestCases.$inferSelect;

// One run of a suite against one version, provider and model, judged by a provider and model of its
// own; null provider: the organization's (Settings › AI), null model: the provider's default.
// Progress is written as cases finish.
export const promptTestRuns = pgTable(
  'prompt_test_runs',
  {
    id: id(),
    suiteId: uuid('suite_id')
      .notNull()
      .references(() => promptTestSuites.id, { onDelete: 'cascade' }),
    versionId: uuid('version_id')
      .notNull()
      .references(() => promptVersions.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    provider: aiProvider('provider'),
    model: text('model'),
    judgeProvider: aiProvider('judge_provider'),
    judgeModel: text('judge_model'),
    status: text('status').notNull().default('queued'),
    casesTotal: integer('cases_total').notNull().default(0),
    casesDone: integer('cases_done').notNull().default(0),
    passed: integer('passed').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    errored: integer('errored').notNull().default(0),
    error: text('error'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    finishedAt: timestamptz('finished_at'),
  },
  (t) => [
    index('prompt_test_runs_suite_created_at_idx').on(t.suiteId, t.createdAt),
    check('prompt_test_runs_status_known', sql`${t.status} IN ('queued', 'running', 'completed', 'failed')`),
  ],
);
export type PromptTestRunRow = typeof promptTestRuns.$inferSelect;

// A case's outcome in a run: `errored` when the model or the judge failed (no verdict is made up).
export const promptTestCaseResults = pgTable(
  'prompt_test_case_results',
  {
    id: id(),
    runId: uuid('run_id')
      .notNull()
      .references(() => promptTestRuns.id, { onDelete: 'cascade' }),
    caseId: uuid('case_id')
      .notNull()
      .references(() => promptTestCases.id, { onDelete: 'cascade' }),
    status: text('status').notNull(),
    response: text('response'),
    verdicts: jsonb('verdicts').$type<CriterionVerdict[]>().notNull().default([]),
    error: text('error'),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    latencyMs: integer('latency_ms'),
    createdAt: createdAt(),
  },
  (t) => [
    index('prompt_test_case_results_run_idx').on(t.runId),
    check('prompt_test_case_results_status_known', sql`${t.status} IN ('passed', 'failed', 'errored')`),
  ],
);
export type PromptTestCaseResultRow = typeof promptTestCaseResults.$inferSelect;
