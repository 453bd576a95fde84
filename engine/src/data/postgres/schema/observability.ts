import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  real,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, jsonObject, jsonStringList, textArray, timestamptz, updatedAt } from './columns.js';
import { reportOutcome, spanRole, spanStatus, spanType, traceStatus } from './enums.js';
import { organizations, users } from './identity.js';
import { projects } from './projects.js';
import { prompts, promptVersions } from './prompts.js';

// USD amounts: numeric(18,8) read as JS numbers (enough precision for display and per-span sums).
const usd = (name: string) => numeric(name, { precision: 18, scale: 8, mode: 'number' });

/**
 * The words of a JSON value's strings ('simple' config: no stemming, any language). The explorer's
 * full-text filter repeats exactly these expressions so PostgreSQL uses the GIN indexes on them.
 */
const jsonWords = (column: AnyPgColumn) => sql`jsonb_to_tsvector('simple'::regconfig, coalesce(${column}, 'null'::jsonb), '["string"]'::jsonb)`;
export const traceSearchVector = (t: { input: AnyPgColumn; output: AnyPgColumn }) => sql`(${jsonWords(t.input)} || ${jsonWords(t.output)})`;
export const spanSearchVector = (t: { content: AnyPgColumn; input: AnyPgColumn; output: AnyPgColumn }) =>
  sql`(to_tsvector('simple'::regconfig, coalesce(${t.content}, '')) || ${jsonWords(t.input)} || ${jsonWords(t.output)})`;

/**
 * The GIN indexes collect new entries in a pending list, which the insert that finds it past
 * `gin_pending_list_limit` merges into the index: at the default 4 MB, one ingest batch in ~150 paid
 * for the entries of all the others (tens of ms: the acknowledgement latency's p99). At 256 kB (the
 * value is in kB) each batch merges about its own entries — a bounded cost, and a short list for
 * searches to scan.
 */
const GIN_STORAGE = { gin_pending_list_limit: 256 };

// trace_id / span_id are chosen by the client, unique per project; `id` is ours.
// The token, cost, span and error counters are maintained by ingestion so lists need no aggregation.
export const traces = pgTable(
  'traces',
  {
    id: id(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    traceId: text('trace_id').notNull(),
    name: text('name'),
    promptId: uuid('prompt_id').references(() => prompts.id, { onDelete: 'set null' }),
    // Kept as sent so traces stay grouped by prompt version after the prompt is deleted.
    promptKey: text('prompt_key'),
    versionNumber: integer('version_number'),
    model: text('model'),
    source: text('source'),
    status: traceStatus('status').notNull().default('active'),
    userId: text('user_id'),
    sessionId: text('session_id'),
    tags: textArray('tags'),
    metadata: jsonObject('metadata'),
    // What the trace as a whole received and answered (any JSON; spans hold the steps).
    input: jsonb('input'),
    output: jsonb('output'),
    spanCount: integer('span_count').notNull().default(0),
    // Spans with status `error`; any makes the trace's status `error`.
    errorCount: integer('error_count').notNull().default(0),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
    cost: usd('cost').notNull().default(0),
    latencyMs: integer('latency_ms'),
    startedAt: timestamptz('started_at').defaultNow().notNull(),
    endedAt: timestamptz('ended_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('traces_project_trace_id_key').on(t.projectId, t.traceId),
    // Keyset pagination of the trace list (ORDER BY started_at DESC, id DESC), and retention deletes.
    index('traces_project_started_at_idx').on(t.projectId, t.startedAt.desc(), t.id.desc()),
    index('traces_project_prompt_version_idx').on(t.projectId, t.promptKey, t.versionNumber, t.startedAt),
    index('traces_project_session_idx').on(t.projectId, t.sessionId),
    index('traces_project_user_idx').on(t.projectId, t.userId),
    // Lets deleting a prompt null its traces without a full scan.
    index('traces_prompt_idx').on(t.promptId),
    // The explorer's other sort orders (keyset over (value, id)) and its model/status/tag filters.
    index('traces_project_latency_idx').on(t.projectId, sql`coalesce(${t.latencyMs}, -1) desc nulls last`, t.id.desc()),
    index('traces_project_cost_idx').on(t.projectId, t.cost.desc(), t.id.desc()),
    index('traces_project_model_idx').on(t.projectId, t.model, t.startedAt.desc()),
    index('traces_project_status_idx').on(t.projectId, t.status, t.startedAt.desc()),
    index('traces_tags_idx').using('gin', t.tags).with(GIN_STORAGE),
    // Full-text search over what the trace received and answered (the string values of its JSON).
    index('traces_content_search_idx').using('gin', traceSearchVector(t)).with(GIN_STORAGE),
  ],
);
export type Trace = typeof traces.$inferSelect;
export type NewTrace = typeof traces.$inferInsert;

export const spans = pgTable(
  'spans',
  {
    id: id(),
    traceId: uuid('trace_id')
      .notNull()
      .references(() => traces.id, { onDelete: 'cascade' }),
    /**
     * Always its trace's project (ingestion links a span only to a trace of the batch's project).
     * No foreign key of its own: deleting a project deletes its traces, and they their spans; a key
     * here was half of every span insert's checks, and every batch of a project locked the project's
     * row once per span (issue 7: ingestion's acknowledgement latency).
     */
    projectId: uuid('project_id').notNull(),
    spanId: text('span_id').notNull(),
    parentSpanId: text('parent_span_id'),
    type: spanType('type').notNull(),
    role: spanRole('role'),
    name: text('name'),
    content: text('content'),
    input: jsonb('input'),
    output: jsonb('output'),
    model: text('model'),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    cost: usd('cost'),
    durationMs: integer('duration_ms'),
    status: spanStatus('status').notNull().default('ok'),
    metadata: jsonObject('metadata'),
    startedAt: timestamptz('started_at').defaultNow().notNull(),
    endedAt: timestamptz('ended_at'),
    createdAt: createdAt(),
    /**
     * The id of the span-create event that created the span: a retried create finds it here (cheaper
     * than claiming every create's id in `ingested_events`, which keeps the ids of the other events).
     */
    createEventId: text('create_event_id'),
  },
  (t) => [
    uniqueIndex('spans_project_span_id_key').on(t.projectId, t.spanId),
    index('spans_trace_started_at_idx').on(t.traceId, t.startedAt),
    // Full-text search over span content (see traceSearchVector; the queries repeat the expression).
    index('spans_content_search_idx').using('gin', spanSearchVector(t)).with(GIN_STORAGE),
  ],
);
export type Span = typeof spans.$inferSelect;
export type NewSpan = typeof spans.$inferInsert;

// Event ids already applied by ingestion: a retried batch inserts ON CONFLICT DO NOTHING and skips
// the events that were already counted. Rows older than the retry window may be pruned.
export const ingestedEvents = pgTable(
  'ingested_events',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'ingested_events_pkey', columns: [t.projectId, t.eventId] }),
    index('ingested_events_created_at_idx').on(t.createdAt),
  ],
);
export type IngestedEvent = typeof ingestedEvents.$inferSelect;
export type NewIngestedEvent = typeof ingestedEvents.$inferInsert;

// AI report on one conversation (trace). Reports feed batch reports, which feed version reports.
export const conversationReports = pgTable(
  'conversation_reports',
  {
    id: id(),
    traceId: uuid('trace_id')
      .notNull()
      .unique()
      .references(() => traces.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    promptId: uuid('prompt_id').references(() => prompts.id, { onDelete: 'set null' }),
    versionNumber: integer('version_number'),
    successScore: integer('success_score').notNull(),
    outcome: reportOutcome('outcome').notNull(),
    criticalPoints: jsonStringList('critical_points'),
    issues: jsonStringList('issues'),
    summary: text('summary').notNull(),
    model: text('model').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('conversation_reports_project_created_at_idx').on(t.projectId, t.createdAt),
    index('conversation_reports_prompt_version_idx').on(t.promptId, t.versionNumber, t.createdAt),
    check('conversation_reports_success_score_range', sql`${t.successScore} BETWEEN 1 AND 10`),
  ],
);
export type ConversationReport = typeof conversationReports.$inferSelect;
export type NewConversationReport = typeof conversationReports.$inferInsert;

// Summary over a batch (10) of conversation reports of one prompt version.
export const batchReports = pgTable(
  'batch_reports',
  {
    id: id(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    promptId: uuid('prompt_id')
      .notNull()
      .references(() => prompts.id, { onDelete: 'cascade' }),
    versionNumber: integer('version_number').notNull(),
    conversationCount: integer('conversation_count').notNull(),
    averageScore: real('average_score').notNull(),
    commonPatterns: jsonStringList('common_patterns'),
    frequentIssues: jsonStringList('frequent_issues'),
    recommendations: jsonStringList('recommendations'),
    summary: text('summary').notNull(),
    // traces.id of the conversations summarised (no FK: traces may be deleted by retention).
    traceIds: uuid('trace_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    model: text('model').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('batch_reports_prompt_version_idx').on(t.promptId, t.versionNumber, t.createdAt),
    index('batch_reports_project_created_at_idx').on(t.projectId, t.createdAt),
  ],
);
export type BatchReport = typeof batchReports.$inferSelect;
export type NewBatchReport = typeof batchReports.$inferInsert;

export const versionSuccessReports = pgTable(
  'version_success_reports',
  {
    id: id(),
    versionId: uuid('version_id')
      .notNull()
      .references(() => promptVersions.id, { onDelete: 'cascade' }),
    // Percent, 0–100.
    successRate: real('success_rate').notNull(),
    averageScore: real('average_score').notNull(),
    keyInsights: jsonStringList('key_insights'),
    improvementSuggestions: jsonStringList('improvement_suggestions'),
    strengths: jsonStringList('strengths'),
    weaknesses: jsonStringList('weaknesses'),
    summary: text('summary').notNull(),
    conversationCount: integer('conversation_count').notNull(),
    model: text('model').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('version_success_reports_version_created_at_idx').on(t.versionId, t.createdAt),
    check('version_success_reports_success_rate_range', sql`${t.successRate} BETWEEN 0 AND 100`),
  ],
);
export type VersionSuccessReport = typeof versionSuccessReports.$inferSelect;
export type NewVersionSuccessReport = typeof versionSuccessReports.$inferInsert;

// One generation of a prompt's reports (conversations, then batches, then versions), run by a background
// job; the row is its progress, which the dashboard polls ("3 of 10 conversations analysed").
export const reportRuns = pgTable(
  'report_runs',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    promptId: uuid('prompt_id')
      .notNull()
      .references(() => prompts.id, { onDelete: 'cascade' }),
    // Null: every version of the prompt.
    versionNumber: integer('version_number'),
    // Re-analyse conversations that already have a report.
    force: boolean('force').notNull().default(false),
    // The most conversations this run analyses.
    conversationLimit: integer('conversation_limit').notNull(),
    // queued → running → completed | failed.
    status: text('status').notNull().default('queued'),
    conversationsTotal: integer('conversations_total').notNull().default(0),
    conversationsDone: integer('conversations_done').notNull().default(0),
    conversationsFailed: integer('conversations_failed').notNull().default(0),
    batchReports: integer('batch_reports').notNull().default(0),
    versionReports: integer('version_reports').notNull().default(0),
    error: text('error'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    finishedAt: timestamptz('finished_at'),
  },
  (t) => [
    index('report_runs_prompt_created_at_idx').on(t.promptId, t.createdAt),
    check('report_runs_status_known', sql`${t.status} IN ('queued', 'running', 'completed', 'failed')`),
  ],
);
export type ReportRun = typeof reportRuns.$inferSelect;

// Prices used to fill span/trace cost when the client sends tokens but no cost.
// model_pattern is an exact model name or a pattern; the pricing code owns the matching rule.
// Rows without an organization are the instance's defaults; an organization's own rows (edited by
// its admins) take precedence for its projects.
export const modelPrices = pgTable(
  'model_prices',
  {
    id: id(),
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    modelPattern: text('model_pattern').notNull(),
    inputPricePerMillion: usd('input_price_per_million').notNull(),
    outputPricePerMillion: usd('output_price_per_million').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  // One price per pattern among the instance defaults and within each organization. Two partial
  // indexes rather than UNIQUE NULLS NOT DISTINCT, which PostgreSQL 14 does not have.
  (t) => [
    uniqueIndex('model_prices_default_pattern_key').on(t.modelPattern).where(sql`${t.organizationId} is null`),
    uniqueIndex('model_prices_org_pattern_key').on(t.organizationId, t.modelPattern).where(sql`${t.organizationId} is not null`),
  ],
);
export type ModelPrice = typeof modelPrices.$inferSelect;
export type NewModelPrice = typeof modelPrices.$inferInsert;
