import { sql } from 'drizzle-orm';
import { bigint, date, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, jsonObject, timestamptz, updatedAt } from './columns.js';
import { aiCallStatus, auditActorType } from './enums.js';
import { organizationApiKeys, organizations, users } from './identity.js';
import { projectApiKeys, projects } from './projects.js';

export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    // Null for events outside any organization, e.g. a failed sign-in.
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'set null' }),
    actorType: auditActorType('actor_type').notNull(),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    actorApiKeyId: uuid('actor_api_key_id').references(() => projectApiKeys.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    summary: text('summary').notNull().default(''),
    // Extra structured detail (changed fields, ...). Never secrets or prompt contents.
    metadata: jsonObject('metadata'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_log_org_created_at_idx').on(t.organizationId, t.createdAt),
    index('audit_log_org_action_created_at_idx').on(t.organizationId, t.action, t.createdAt),
    index('audit_log_org_actor_user_created_at_idx').on(t.organizationId, t.actorUserId, t.createdAt),
    index('audit_log_org_target_idx').on(t.organizationId, t.targetType, t.targetId),
    // Keep the ON DELETE SET NULL of projects and keys from scanning the whole log.
    index('audit_log_project_idx')
      .on(t.projectId)
      .where(sql`${t.projectId} IS NOT NULL`),
    index('audit_log_actor_api_key_idx')
      .on(t.actorApiKeyId)
      .where(sql`${t.actorApiKeyId} IS NOT NULL`),
  ],
);
export type AuditLogEntry = typeof auditLog.$inferSelect;
export type NewAuditLogEntry = typeof auditLog.$inferInsert;

// Transactional outbox: domain events are written in the same transaction as the change and
// dispatched (webhooks, ...) afterwards in `seq` order. seq comes from an identity sequence, so a
// transaction that commits late can expose a smaller seq than one already seen; consumers must
// tolerate that (e.g. poll the unprocessed set rather than "seq > last seen").
export const outboxEvents = pgTable(
  'outbox_events',
  {
    id: id(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull().unique(),
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    payload: jsonObject('payload'),
    createdAt: createdAt(),
    processedAt: timestamptz('processed_at'),
  },
  (t) => [
    index('outbox_events_unprocessed_seq_idx')
      .on(t.seq)
      .where(sql`${t.processedAt} IS NULL`),
  ],
);
export type OutboxEvent = typeof outboxEvents.$inferSelect;
export type NewOutboxEvent = typeof outboxEvents.$inferInsert;

export const instanceSettings = pgTable('instance_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: updatedAt(),
});
export type InstanceSetting = typeof instanceSettings.$inferSelect;
export type NewInstanceSetting = typeof instanceSettings.$inferInsert;

// Fixed-window counters; expired rows are swept by expires_at.
export const rateLimitBuckets = pgTable(
  'rate_limit_buckets',
  {
    key: text('key').primaryKey(),
    windowStart: timestamptz('window_start').notNull(),
    count: integer('count').notNull(),
    expiresAt: timestamptz('expires_at').notNull(),
  },
  (t) => [index('rate_limit_buckets_expires_at_idx').on(t.expiresAt)],
);
export type RateLimitBucket = typeof rateLimitBuckets.$inferSelect;
export type NewRateLimitBucket = typeof rateLimitBuckets.$inferInsert;

// Idempotency-Key replay store. A row without response_status is a request still in flight.
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    id: id(),
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: createdAt(),
    expiresAt: timestamptz('expires_at').notNull(),
  },
  (t) => [
    uniqueIndex('idempotency_keys_scope_key_key').on(t.scope, t.key),
    index('idempotency_keys_expires_at_idx').on(t.expiresAt),
  ],
);
export type IdempotencyKey = typeof idempotencyKeys.$inferSelect;
export type NewIdempotencyKey = typeof idempotencyKeys.$inferInsert;

// Per-organization counters for one period (period_start is the first day, UTC).
const counter = (name: string) => bigint(name, { mode: 'number' }).notNull().default(0);

export const organizationUsage = pgTable(
  'organization_usage',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    periodStart: date('period_start').notNull(),
    aiTokens: counter('ai_tokens'),
    productionTokens: counter('production_tokens'),
    traces: counter('traces'),
    spans: counter('spans'),
    tests: counter('tests'),
    analysisRuns: counter('analysis_runs'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('organization_usage_org_period_key').on(t.organizationId, t.periodStart)],
);
export type OrganizationUsage = typeof organizationUsage.$inferSelect;
export type NewOrganizationUsage = typeof organizationUsage.$inferInsert;

// One row per call the appliance itself makes to an LLM (analysis, edit, test, reports, ...).
// `operation` is the feature that made the call; provider_key_id the organization's own key, if used.
export const aiUsageLogs = pgTable(
  'ai_usage_logs',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'set null' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    operation: text('operation').notNull(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    providerKeyId: uuid('provider_key_id').references(() => organizationApiKeys.id, { onDelete: 'set null' }),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    latencyMs: integer('latency_ms').notNull().default(0),
    status: aiCallStatus('status').notNull().default('ok'),
    errorCode: text('error_code'),
    createdAt: createdAt(),
  },
  (t) => [
    index('ai_usage_logs_org_created_at_idx').on(t.organizationId, t.createdAt),
    index('ai_usage_logs_project_idx')
      .on(t.projectId)
      .where(sql`${t.projectId} IS NOT NULL`),
    // Keep the ON DELETE SET NULL of users and provider keys from scanning the whole log.
    index('ai_usage_logs_user_idx')
      .on(t.userId)
      .where(sql`${t.userId} IS NOT NULL`),
    index('ai_usage_logs_provider_key_idx')
      .on(t.providerKeyId)
      .where(sql`${t.providerKeyId} IS NOT NULL`),
  ],
);
export type AiUsageLog = typeof aiUsageLogs.$inferSelect;
export type NewAiUsageLog = typeof aiUsageLogs.$inferInsert;
