import { and, isNotNull, lt, sql } from 'drizzle-orm';
import { clerkWebhookEvents, idempotencyKeys, outboxEvents, passwordResets, rateLimitBuckets, sessions } from '../schema/index.js';
import type { Database } from '../database.js';
import type { MaintenanceStore } from '../../provider.js';

/** Replays older than this are refused by svix's timestamp check anyway, so their ids need not be kept. */
const WEBHOOK_ID_RETENTION = sql`now() - interval '30 days'`;
/** Delivered events are kept a week (to look into a delivery); undelivered ones until delivered. */
const DELIVERED_EVENT_RETENTION = sql`now() - interval '7 days'`;

export function maintenanceStore(db: Database): MaintenanceStore {
  return {
    async purgeExpired() {
      const now = sql`now()`;
      const count = async (rows: Promise<unknown[]>) => (await rows).length;
      return {
        sessions: await count(db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id })),
        rateLimitBuckets: await count(db.delete(rateLimitBuckets).where(lt(rateLimitBuckets.expiresAt, now)).returning({ key: rateLimitBuckets.key })),
        idempotencyKeys: await count(db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, now)).returning({ id: idempotencyKeys.id })),
        // Used links stay until they would have expired, so a second use still reads "already used".
        passwordResets: await count(db.delete(passwordResets).where(lt(passwordResets.expiresAt, now)).returning({ id: passwordResets.id })),
        outboxEvents: await count(
          db.delete(outboxEvents).where(and(isNotNull(outboxEvents.processedAt), lt(outboxEvents.processedAt, DELIVERED_EVENT_RETENTION))).returning({ id: outboxEvents.id }),
        ),
        clerkWebhookEvents: await count(db.delete(clerkWebhookEvents).where(lt(clerkWebhookEvents.receivedAt, WEBHOOK_ID_RETENTION)).returning({ id: clerkWebhookEvents.svixId })),
      };
    },
  };
}
