import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, jsonObject, textArray, timestamptz, updatedAt } from './columns.js';
import { webhookDeliveryStatus } from './enums.js';
import { projects } from './projects.js';
import { outboxEvents } from './system.js';

// Registering the same endpoint again updates the subscription (original API behaviour).
export const webhookSubscriptions = pgTable(
  'webhook_subscriptions',
  {
    id: id(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    endpointUrl: text('endpoint_url').notNull(),
    // The signing secret, encrypted at rest (it must be recoverable to sign deliveries).
    secretEncrypted: text('secret_encrypted').notNull(),
    events: textArray('events'),
    isActive: boolean('is_active').notNull().default(true),
    metadata: jsonObject('metadata'),
    lastDeliveryAt: timestamptz('last_delivery_at'),
    lastDeliveryStatus: webhookDeliveryStatus('last_delivery_status'),
    // Reset on success; the subscription is deactivated when it reaches the limit.
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('webhook_subscriptions_project_endpoint_key').on(t.projectId, t.endpointUrl)],
);
export type WebhookSubscription = typeof webhookSubscriptions.$inferSelect;
export type NewWebhookSubscription = typeof webhookSubscriptions.$inferInsert;

// The delivery log: POSTs of one event to one subscription; `attempt` counts the tries.
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: id(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
    // Null for test pings, and after the outbox row is pruned.
    outboxEventId: uuid('outbox_event_id').references(() => outboxEvents.id, { onDelete: 'set null' }),
    eventType: text('event_type').notNull(),
    // The exact body sent, so a retry resends it and the log can show it.
    payload: jsonb('payload').notNull(),
    attempt: integer('attempt').notNull().default(1),
    status: webhookDeliveryStatus('status').notNull().default('pending'),
    responseStatus: integer('response_status'),
    responseExcerpt: text('response_excerpt'),
    error: text('error'),
    durationMs: integer('duration_ms'),
    nextAttemptAt: timestamptz('next_attempt_at'),
    createdAt: createdAt(),
    deliveredAt: timestamptz('delivered_at'),
  },
  (t) => [
    index('webhook_deliveries_subscription_created_at_idx').on(t.subscriptionId, t.createdAt),
    // The dispatcher's queue: pending attempts that are due.
    index('webhook_deliveries_due_idx')
      .on(t.status, t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    // A fan-out retried after a crash cannot enqueue the same attempt twice.
    uniqueIndex('webhook_deliveries_event_subscription_attempt_key').on(
      t.outboxEventId,
      t.subscriptionId,
      t.attempt,
    ),
  ],
);
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type NewWebhookDelivery = typeof webhookDeliveries.$inferInsert;
